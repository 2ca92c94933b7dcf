// Scatter/gather over guest iovec lists: the list is read and checked once,
// before any I/O, so data that lands on the list itself cannot redirect
// later bytes (issue 14 F7: batches after the first 64 were read again).

#include "wasi/Iovecs.h"

#include <gtest/gtest.h>

#include <cstring>

namespace wasmc::wasi {
namespace {

void putIovec(uint8_t* memory, uint32_t list, uint32_t index, uint32_t buf, uint32_t len) {
  std::memcpy(memory + list + index * 8, &buf, 4);
  std::memcpy(memory + list + index * 8 + 4, &len, 4);
}

/// A readv that fills every iovec with 0xFF, in order, as the kernel would.
ssize_t fillWithOnes(const iovec* iov, int count, uint64_t) {
  ssize_t total = 0;
  for (int i = 0; i < count; ++i) {
    std::memset(iov[i].iov_base, 0xFF, iov[i].iov_len);
    total += ssize_t(iov[i].iov_len);
  }
  return total;
}

TEST(IovecsTest, DataLandingOnTheListDoesNotRedirectLaterIovecs) {
  auto created = rt::Memory::create(1, {});
  ASSERT_TRUE(created);
  uint8_t* base = (*created)->base();
  GuestMemory guest(created->get());
  constexpr uint32_t kList = 0x1000, kCount = 100, kTargets = 0x2000;
  // The first iovec covers the whole list; the others point at 4-byte
  // slots. After the first is filled, the list reads buf = len = 0xFFFFFFFF.
  putIovec(base, kList, 0, kList, kCount * 8);
  for (uint32_t i = 1; i < kCount; ++i)
    putIovec(base, kList, i, kTargets + i * 4, 4);
  ErrnoOr<uint32_t> moved = transfer(guest, kList, kCount, fillWithOnes);
  ASSERT_TRUE(moved);
  EXPECT_EQ(*moved, kCount * 8 + (kCount - 1) * 4);
  for (uint32_t i = 1; i < kCount; ++i)
    EXPECT_EQ(base[kTargets + i * 4], 0xFF) << i;
}

TEST(IovecsTest, ABadIovecAnywhereMeansNoIo) {
  auto created = rt::Memory::create(1, {});
  ASSERT_TRUE(created);
  uint8_t* base = (*created)->base();
  GuestMemory guest(created->get());
  for (uint32_t i = 0; i < 200; ++i)
    putIovec(base, 0, i, 0x4000, 4);
  putIovec(base, 0, 150, 0xFFFF, 2); // one byte past the memory
  bool called = false;
  auto io = [&](const iovec*, int, uint64_t) -> ssize_t {
    called = true;
    return 0;
  };
  EXPECT_EQ(transfer(guest, 0, 200, io).error(), Errno::Fault);
  EXPECT_FALSE(called);
}

TEST(IovecsTest, LongListsGoInBatchesUpToTheLimit) {
  auto created = rt::Memory::create(160, {});
  ASSERT_TRUE(created);
  uint8_t* base = (*created)->base();
  GuestMemory guest(created->get());
  constexpr uint32_t kCount = 3000;
  for (uint32_t i = 0; i < kCount; ++i)
    putIovec(base, 0, i, 0x10000 + i, 1);
  int calls = 0;
  auto io = [&](const iovec* iov, int count, uint64_t) -> ssize_t {
    ++calls;
    return fillWithOnes(iov, count, 0);
  };
  ErrnoOr<uint32_t> moved = transfer(guest, 0, kCount, io);
  ASSERT_TRUE(moved);
  EXPECT_EQ(*moved, kCount);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(transfer(guest, 0, kMaxIovecs + 1, io).error(), Errno::Inval);
}

} // namespace
} // namespace wasmc::wasi
