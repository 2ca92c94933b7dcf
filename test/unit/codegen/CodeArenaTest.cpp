// engine/CodeArena: baseline code is added while other threads run what is
// there already. What it promises: the bytes come back at an executable
// address, 16-byte aligned, never writable there (W^X), runnable at once;
// a full arena says so; concurrent adds never overlap.

#include "engine/CodeArena.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace wasmc {
namespace {

/// The permissions ("r-xs", ...) of the mapping holding `address`, from
/// /proc/self/maps; empty if none does.
std::string permissionsAt(const void* address) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  auto at = reinterpret_cast<uintptr_t>(address);
  while (std::getline(maps, line)) {
    unsigned long start = 0, end = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %7s", &start, &end, perms) == 3 && at >= start && at < end)
      return perms;
  }
  return "";
}

TEST(CodeArena, CodeRunsWhereItIsAddedAndIsNeverWritableThere) {
  auto arena = engine::CodeArena::create(1 << 20);
  ASSERT_TRUE(arena) << arena.error().describe();
  const uint8_t returns42[] = {0xB8, 0x2A, 0x00, 0x00, 0x00, 0xC3}; // mov eax, 42; ret
  const uint8_t* code = (*arena)->add(returns42);
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(std::memcmp(code, returns42, sizeof returns42), 0);
  EXPECT_EQ(permissionsAt(code), "r-xs");
  auto function = reinterpret_cast<int (*)()>(const_cast<uint8_t*>(code));
  EXPECT_EQ(function(), 42);
  const uint8_t* second = (*arena)->add(returns42);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(second) % 16, 0u);
  EXPECT_EQ(second - code, 16);
  EXPECT_EQ((*arena)->used(), 32u);
}

TEST(CodeArena, AFullArenaSaysSo) {
  auto arena = engine::CodeArena::create(4096);
  ASSERT_TRUE(arena);
  std::vector<uint8_t> big(4000, 0xCC);
  ASSERT_NE((*arena)->add(big), nullptr);
  std::vector<uint8_t> more(200, 0xCC);
  EXPECT_EQ((*arena)->add(more), nullptr) << "4000 + 200 bytes in 4096";
  std::vector<uint8_t> fits(90, 0xCC);
  EXPECT_NE((*arena)->add(fits), nullptr) << "4000 -> 4000 (aligned) + 90 fits";
}

TEST(CodeArena, ConcurrentAddsNeverOverlap) {
  auto arena = engine::CodeArena::create(8 << 20);
  ASSERT_TRUE(arena);
  constexpr int kThreads = 4, kAdds = 1000;
  std::vector<std::vector<const uint8_t*>> placed(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAdds; ++i) {
        std::vector<uint8_t> bytes(17 + (i % 40), static_cast<uint8_t>(t * 31 + i));
        placed[t].push_back((*arena)->add(bytes));
      }
    });
  for (std::thread& thread : threads)
    thread.join();
  std::set<const uint8_t*> starts;
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kAdds; ++i) {
      const uint8_t* at = placed[t][i];
      ASSERT_NE(at, nullptr);
      EXPECT_TRUE(starts.insert(at).second);
      size_t size = 17 + (i % 40);
      for (size_t k = 0; k < size; ++k)
        ASSERT_EQ(at[k], static_cast<uint8_t>(t * 31 + i)) << "thread " << t << " add " << i;
    }
}

} // namespace
} // namespace wasmc
