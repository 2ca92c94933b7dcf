#include "runtime/Memory.h"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace wasmc::rt {
namespace {

std::unique_ptr<Memory> mustCreate(uint32_t minPages, std::optional<uint32_t> maxPages = {},
                                   uint64_t limit = kDefaultMemoryLimit) {
  auto memory = Memory::create(minPages, maxPages, limit);
  if (!memory) {
    ADD_FAILURE() << memory.error().message;
    return nullptr;
  }
  return std::move(*memory);
}

TEST(MemoryTest, CreateCommitsTheMinimum) {
  auto memory = mustCreate(2);
  ASSERT_TRUE(memory);
  EXPECT_EQ(memory->pages(), 2u);
  EXPECT_EQ(memory->sizeBytes(), 2 * kWasmPageSize);
  EXPECT_EQ(memory->record()->base, memory->base());
  EXPECT_EQ(memory->record()->size, 2 * kWasmPageSize);
  EXPECT_EQ(memory->base()[0], 0);
  memory->base()[0] = 1;
  memory->base()[2 * kWasmPageSize - 1] = 2;
  EXPECT_EQ(memory->base()[2 * kWasmPageSize - 1], 2);
}

TEST(MemoryTest, ZeroPagesIsFine) {
  auto memory = mustCreate(0);
  ASSERT_TRUE(memory);
  EXPECT_EQ(memory->pages(), 0u);
  EXPECT_NE(memory->base(), nullptr);
  EXPECT_EQ(memory->grow(1), 0);
  memory->base()[100] = 7;
}

TEST(MemoryTest, GrowKeepsTheBaseAndCommitsNewPages) {
  auto memory = mustCreate(1);
  ASSERT_TRUE(memory);
  uint8_t* base = memory->base();
  base[10] = 42;
  EXPECT_EQ(memory->grow(3), 1);
  EXPECT_EQ(memory->pages(), 4u);
  EXPECT_EQ(memory->base(), base);
  EXPECT_EQ(memory->record()->base, base);
  EXPECT_EQ(memory->record()->size, 4 * kWasmPageSize);
  EXPECT_EQ(base[10], 42);
  EXPECT_EQ(base[4 * kWasmPageSize - 1], 0);
  base[4 * kWasmPageSize - 1] = 9;
  EXPECT_EQ(memory->grow(0), 4);
  EXPECT_EQ(memory->pages(), 4u);
}

TEST(MemoryTest, GrowHonoursTheDeclaredMaximum) {
  auto memory = mustCreate(1, 3);
  ASSERT_TRUE(memory);
  EXPECT_EQ(memory->maxPages(), 3u);
  EXPECT_EQ(memory->grow(3), -1);
  EXPECT_EQ(memory->pages(), 1u);
  EXPECT_EQ(memory->grow(2), 1);
  EXPECT_EQ(memory->grow(1), -1);
  EXPECT_EQ(memory->grow(0), 3);
}

TEST(MemoryTest, GrowHonoursTheLimit) {
  auto memory = mustCreate(1, {}, 3 * kWasmPageSize + 100);
  ASSERT_TRUE(memory);
  EXPECT_EQ(memory->maxPages(), 3u);
  EXPECT_EQ(memory->grow(2), 1);
  EXPECT_EQ(memory->grow(1), -1);
  EXPECT_EQ(memory->record()->size, 3 * kWasmPageSize);
}

TEST(MemoryTest, GrowNeverPassesFourGiB) {
  auto memory = mustCreate(0);
  ASSERT_TRUE(memory);
  EXPECT_EQ(memory->maxPages(), kMaxWasmPages);
  EXPECT_EQ(memory->grow(kMaxWasmPages + 1), -1);
  EXPECT_EQ(memory->grow(UINT32_MAX), -1);
  EXPECT_EQ(memory->pages(), 0u);
}

TEST(MemoryTest, MinimumAboveTheLimitIsAnError) {
  auto memory = Memory::create(4, {}, 3 * kWasmPageSize);
  ASSERT_FALSE(memory);
  EXPECT_EQ(memory.error().kind, ErrorKind::Uninstantiable);
  EXPECT_NE(memory.error().message.find("exceeds"), std::string::npos);
  EXPECT_FALSE(Memory::create(kMaxWasmPages + 1, {}));
  EXPECT_FALSE(Memory::create(2, 1));
}

TEST(MemoryTest, ReservationMembershipFollowsLifetime) {
  auto memory = mustCreate(1);
  ASSERT_TRUE(memory);
  auto base = reinterpret_cast<uintptr_t>(memory->base());
  EXPECT_TRUE(isInMemoryReservation(base));
  EXPECT_TRUE(isInMemoryReservation(base + kWasmPageSize)); // guard region
  EXPECT_TRUE(isInMemoryReservation(base + (4ull << 30) + 0xffffffffull + 15));
  EXPECT_TRUE(isInMemoryReservation(base + abi::kMemoryReservation - 1));
  EXPECT_TRUE(isInMemoryReservation(base - 1)); // the guard region below
  EXPECT_TRUE(isInMemoryReservation(base - abi::kMemoryGuardBelow));
  EXPECT_FALSE(isInMemoryReservation(base - abi::kMemoryGuardBelow - 1));
  EXPECT_FALSE(isInMemoryReservation(base + abi::kMemoryReservation));
  EXPECT_FALSE(isInMemoryReservation(reinterpret_cast<uintptr_t>(&memory)));
  // The reservation belongs to the store given at creation (null here).
  abi::StoreRecord store{};
  EXPECT_TRUE(isInStoreMemoryReservation(base - 1, nullptr));
  EXPECT_FALSE(isInStoreMemoryReservation(base, &store));
  auto owned = Memory::create(1, {}, kDefaultMemoryLimit, &store);
  ASSERT_TRUE(owned);
  EXPECT_TRUE(isInStoreMemoryReservation(reinterpret_cast<uintptr_t>((*owned)->base()), &store));
  EXPECT_FALSE(isInStoreMemoryReservation(reinterpret_cast<uintptr_t>((*owned)->base()), nullptr));
  memory.reset();
  EXPECT_FALSE(isInMemoryReservation(base));
}

TEST(MemoryTest, TwoMemoriesAreBothRegistered) {
  auto a = mustCreate(1);
  auto b = mustCreate(1);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->base(), b->base());
  auto baseA = reinterpret_cast<uintptr_t>(a->base());
  auto baseB = reinterpret_cast<uintptr_t>(b->base());
  a.reset();
  EXPECT_FALSE(isInMemoryReservation(baseA));
  EXPECT_TRUE(isInMemoryReservation(baseB));
}

/// Sum of the sizes of every mapping in /proc/self/maps.
uint64_t totalMappedBytes() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  uint64_t total = 0;
  while (std::getline(maps, line)) {
    unsigned long long start = 0, end = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx", &start, &end) == 2)
      total += end - start;
  }
  return total;
}

TEST(MemoryTest, CreateAndDropLeavesNoMappingsBehind) {
  { auto warmUp = mustCreate(1); }
  uint64_t before = totalMappedBytes();
  for (int i = 0; i < 10000; ++i) {
    auto memory = Memory::create(1, {});
    ASSERT_TRUE(memory);
    (*memory)->base()[0] = 1;
  }
  uint64_t after = totalMappedBytes();
  // One leaked reservation would be 8 GiB; allow for malloc's own churn.
  EXPECT_LT(after > before ? after - before : before - after, uint64_t(1) << 20)
      << "before " << before << " after " << after;
}

/// Runs in a death-test child: with less address space than one
/// reservation needs, create() must fail cleanly.
[[noreturn]] void createUnderAddressSpaceLimit() {
  rlimit limit{};
  limit.rlim_cur = limit.rlim_max = 4ull << 30;
  if (setrlimit(RLIMIT_AS, &limit) != 0)
    _exit(2);
  auto memory = Memory::create(1, {});
  if (memory)
    _exit(1);
  std::fprintf(stderr, "%s\n", memory.error().message.c_str());
  _exit(0);
}

TEST(MemoryDeathTest, MmapFailureIsAnErrorNotACrash) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(createUnderAddressSpaceLimit(), testing::ExitedWithCode(0),
              "cannot reserve linear memory");
}

} // namespace
} // namespace wasmc::rt
