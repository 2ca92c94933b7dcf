// GuestMemory: every range is checked against the memory's current size,
// in 64-bit arithmetic, before a single byte is touched.

#include "wasi/GuestMemory.h"

#include <gtest/gtest.h>

namespace wasmc::wasi {
namespace {

class GuestMemoryTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto created = rt::Memory::create(1, 3);
    ASSERT_TRUE(created);
    memory_ = std::move(*created);
  }
  std::unique_ptr<rt::Memory> memory_;
};

TEST_F(GuestMemoryTest, RangesInsideTheMemoryAreHostViews) {
  GuestMemory guest(memory_.get());
  auto all = guest.bytes(0, 65536);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->data(), memory_->base());
  EXPECT_EQ(all->size(), 65536u);
  auto last = guest.bytes(65535, 1);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->data(), memory_->base() + 65535);
  EXPECT_TRUE(guest.bytes(65536, 0)); // empty, at the end
}

TEST_F(GuestMemoryTest, RangesLeavingTheMemoryAreFault) {
  GuestMemory guest(memory_.get());
  EXPECT_EQ(guest.bytes(1, 65536).error(), Errno::Fault);
  EXPECT_EQ(guest.bytes(65535, 2).error(), Errno::Fault);
  EXPECT_EQ(guest.bytes(65537, 0).error(), Errno::Fault);
  // 32-bit wrap-around must not make these look small.
  EXPECT_EQ(guest.bytes(0xFFFFFFFFu, 2).error(), Errno::Fault);
  EXPECT_EQ(guest.bytes(16, 0xFFFFFFF8u).error(), Errno::Fault);
  EXPECT_EQ(guest.bytes(UINT64_MAX, 1).error(), Errno::Fault);
  EXPECT_EQ(guest.bytes(1, UINT64_MAX).error(), Errno::Fault);
  // count * size is computed in 64 bits: 2^29 iovecs of 8 bytes is 4 GiB.
  EXPECT_EQ(guest.array(0, 0x20000000u, 8).error(), Errno::Fault);
  EXPECT_TRUE(guest.array(0, 8192, 8));
  EXPECT_EQ(guest.array(8, 8192, 8).error(), Errno::Fault);
}

TEST_F(GuestMemoryTest, TheSizeIsReadAgainAfterGrowth) {
  GuestMemory guest(memory_.get());
  EXPECT_EQ(guest.bytes(65536, 16).error(), Errno::Fault);
  ASSERT_EQ(memory_->grow(1), 1);
  EXPECT_TRUE(guest.bytes(65536, 16));
  EXPECT_TRUE(guest.bytes(0, 131072));
  EXPECT_EQ(guest.bytes(0, 131073).error(), Errno::Fault);
}

TEST_F(GuestMemoryTest, ScalarsAreLittleEndianAndMayBeUnaligned) {
  GuestMemory guest(memory_.get());
  EXPECT_EQ(guest.write<uint32_t>(1, 0x04030201u), Errno::Success);
  EXPECT_EQ(memory_->base()[1], 1);
  EXPECT_EQ(memory_->base()[4], 4);
  auto value = guest.read<uint32_t>(1);
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, 0x04030201u);
  EXPECT_EQ(guest.write<uint64_t>(65532, 1), Errno::Fault);
  EXPECT_EQ(guest.read<uint16_t>(65535).error(), Errno::Fault);
  // A failed write leaves the memory as it was.
  memory_->base()[65535] = 0x5a;
  EXPECT_EQ(guest.write<uint16_t>(65535, 0xFFFF), Errno::Fault);
  EXPECT_EQ(memory_->base()[65535], 0x5a);
}

TEST_F(GuestMemoryTest, StoreIsAllOrNothing) {
  GuestMemory guest(memory_.get());
  const uint8_t data[4] = {1, 2, 3, 4};
  EXPECT_EQ(guest.store(65534, data), Errno::Fault);
  EXPECT_EQ(memory_->base()[65534], 0);
  EXPECT_EQ(guest.store(65532, data), Errno::Success);
  EXPECT_EQ(memory_->base()[65535], 4);
}

TEST_F(GuestMemoryTest, StringsKeepTheirBytes) {
  GuestMemory guest(memory_.get());
  std::memcpy(memory_->base() + 100, "a\0b", 3);
  auto text = guest.string(100, 3);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, std::string_view("a\0b", 3));
  EXPECT_EQ(guest.string(65530, 7).error(), Errno::Fault);
}

TEST(GuestMemoryUnbound, EverythingIsFault) {
  GuestMemory guest;
  EXPECT_FALSE(guest.bound());
  EXPECT_EQ(guest.bytes(0, 0).error(), Errno::Fault);
  EXPECT_EQ(guest.read<uint8_t>(0).error(), Errno::Fault);
}

} // namespace
} // namespace wasmc::wasi
