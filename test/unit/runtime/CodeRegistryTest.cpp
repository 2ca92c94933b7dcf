#include "runtime/CodeRegistry.h"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <gtest/gtest.h>
#include <thread>

namespace wasmc::rt {
namespace {

// Fake code addresses: nothing is executed, and nothing real lives here.
constexpr uintptr_t kBase = 0x7e0000000000;

TEST(CodeRegistryTest, FindsFunctionsAndForgetsThem) {
  uint64_t handle = registerCode({{kBase, kBase + 0x40, 0, "first"},
                                  {kBase + 0x40, kBase + 0x100, 7, "second"}});
  EXPECT_NE(handle, 0u);
  EXPECT_TRUE(isWasmCode(kBase));
  EXPECT_TRUE(isWasmCode(kBase + 0xff));
  EXPECT_FALSE(isWasmCode(kBase + 0x100));
  EXPECT_FALSE(isWasmCode(kBase - 1));

  std::optional<Frame> frame = lookupFrame(kBase + 0x50);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->funcIndex, 7u);
  EXPECT_EQ(frame->name, "second");
  EXPECT_EQ(frame->pc, kBase + 0x50);
  frame = lookupFrame(kBase + 0x3f);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->funcIndex, 0u);
  EXPECT_FALSE(lookupFrame(kBase + 0x100));

  unregisterCode(handle);
  EXPECT_FALSE(isWasmCode(kBase));
  EXPECT_FALSE(lookupFrame(kBase + 0x50));
  unregisterCode(handle); // unknown handles are ignored
}

TEST(CodeRegistryTest, EachPcGetsTheOffsetOfTheLastRowAtOrBeforeIt) {
  FunctionRange function{kBase, kBase + 0x100, 4, "f", false, {{0, 0x30}, {0x10, 0x35}, {0x20, 0x3a}}, 0x2e};
  uint64_t handle = registerCode({function});
  EXPECT_EQ(lookupFrame(kBase)->offset, 0x30u);
  EXPECT_EQ(lookupFrame(kBase + 0xf)->offset, 0x30u);
  EXPECT_EQ(lookupFrame(kBase + 0x10)->offset, 0x35u);
  EXPECT_EQ(lookupFrame(kBase + 0x1f)->offset, 0x35u);
  EXPECT_EQ(lookupFrame(kBase + 0xff)->offset, 0x3au);
  EXPECT_EQ(lookupFrame(kBase + 0x20)->functionStart, 0x2eu);
  EXPECT_EQ(lookupFrame(kBase + 0x20)->functionOffset(), 0xcu);
  unregisterCode(handle);

  // Code before the first row, or a function without a table, has none.
  handle = registerCode({{kBase, kBase + 0x40, 1, "", false, {{0x8, 0x50}}, 0x4c},
                         {kBase + 0x40, kBase + 0x80, 2, ""}});
  EXPECT_EQ(lookupFrame(kBase + 0x4)->offset, abi::kNoWasmOffset);
  EXPECT_EQ(lookupFrame(kBase + 0x8)->offset, 0x50u);
  EXPECT_EQ(lookupFrame(kBase + 0x50)->offset, abi::kNoWasmOffset);
  unregisterCode(handle);
}

TEST(CodeRegistryTest, DistantFunctionsDoNotClaimTheGap) {
  uintptr_t far = kBase + (1 << 20);
  uint64_t handle = registerCode({{far, far + 0x10, 1, "b"}, {kBase, kBase + 0x10, 0, "a"}});
  EXPECT_TRUE(isWasmCode(kBase + 8));
  EXPECT_TRUE(isWasmCode(far + 8));
  EXPECT_FALSE(isWasmCode(kBase + (1 << 19)));
  EXPECT_FALSE(lookupFrame(kBase + 0x20));
  unregisterCode(handle);
}

TEST(CodeRegistryTest, CloseFunctionsShareOneRangeButNotTheirFrames) {
  uint64_t handle = registerCode({{kBase, kBase + 0x10, 0, "a"}, {kBase + 0x30, kBase + 0x40, 1, "b"}});
  EXPECT_TRUE(isWasmCode(kBase + 0x20)); // padding or a trampoline of the same module
  EXPECT_FALSE(lookupFrame(kBase + 0x20));
  unregisterCode(handle);
}

TEST(CodeRegistryTest, ModulesAreIndependent) {
  uint64_t a = registerCode({{kBase, kBase + 0x10, 0, "a"}});
  uint64_t b = registerCode({{kBase + 0x100000, kBase + 0x100010, 0, "b"}});
  EXPECT_NE(a, b);
  unregisterCode(a);
  EXPECT_FALSE(isWasmCode(kBase));
  EXPECT_TRUE(isWasmCode(kBase + 0x100000));
  EXPECT_EQ(lookupFrame(kBase + 0x100000)->name, "b");
  unregisterCode(b);
}

// The lazy JIT adds functions one at a time: more of them than the signal
// handler has slots (65,536), each a page after the last, all stay known.
TEST(CodeRegistryTest, CodeAddedOneFunctionAtATimeJoinsItsNeighbours) {
  uint64_t handle = registerCode({{kBase, kBase + 0x10, 0, "tables"}});
  constexpr uint32_t kFunctions = 70000;
  for (uint32_t i = 1; i <= kFunctions; ++i) {
    uintptr_t start = kBase + uintptr_t(i) * 0x1000;
    addCode(handle, {{start, start + 0x80, i, ""}});
  }
  EXPECT_TRUE(isWasmCode(kBase + 0x1000 + 0x40));
  EXPECT_TRUE(isWasmCode(kBase + uintptr_t(kFunctions) * 0x1000 + 0x7f));
  EXPECT_EQ(lookupFrame(kBase + 0x5000 + 8)->funcIndex, 5u);
  // A function far away is its own range and does not claim the gap.
  uintptr_t far = kBase + (uintptr_t(1) << 32);
  addCode(handle, {{far, far + 0x10, 1, ""}});
  EXPECT_TRUE(isWasmCode(far));
  EXPECT_FALSE(isWasmCode(far - 0x100000));
  unregisterCode(handle);
  EXPECT_FALSE(isWasmCode(kBase + 0x5000));
  EXPECT_FALSE(isWasmCode(far));
}

TEST(CodeRegistryTest, ManyRegistrationsReuseSlots) {
  for (int i = 0; i < 5000; ++i) {
    uintptr_t start = kBase + uintptr_t(i) * 0x10000;
    uint64_t handle = registerCode({{start, start + 0x10, 0, ""}});
    ASSERT_TRUE(isWasmCode(start));
    unregisterCode(handle);
    ASSERT_FALSE(isWasmCode(start));
  }
}

TEST(CodeRegistryTest, ReadersSeeStableRangesWhileOthersChange) {
  uint64_t stable = registerCode({{kBase, kBase + 0x10, 0, "stable"}});
  std::atomic<bool> stop{false};
  std::atomic<int> misses{0};
  std::thread reader([&] {
    while (!stop.load())
      if (!isWasmCode(kBase + 4))
        misses.fetch_add(1);
  });
  for (int i = 0; i < 20000; ++i) {
    uintptr_t start = kBase + 0x1000000 + uintptr_t(i % 16) * 0x10000;
    unregisterCode(registerCode({{start, start + 0x10, 0, ""}}));
  }
  stop.store(true);
  reader.join();
  EXPECT_EQ(misses.load(), 0);
  unregisterCode(stable);
}

TEST(CodeRegistryTest, PerfMapNamesEachFunctionRegisteredAfterItIsOn) {
  uint64_t before = registerCode({{kBase, kBase + 0x10, 1, "before"}});
  ASSERT_TRUE(enablePerfMap());
  uint64_t handle = registerCode({{kBase + 0x100, kBase + 0x140, 2, "named"}});
  addCode(handle, {{kBase + 0x200, kBase + 0x210, 3, "", /*loopEntry=*/true}});
  std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path.c_str());
  EXPECT_EQ(text.str(), "7e0000000100 40 named\n7e0000000200 10 wasm[3] (loop entry)\n");
  unregisterCode(handle);
  unregisterCode(before);
}

} // namespace
} // namespace wasmc::rt
