// The JIT and runtime end to end: out-of-bounds accesses trap without
// touching anything outside the memory (at -O0 and -O3), traps leave
// instances usable, loops whose 32-bit addresses wrap still reach the
// wrapped words (WidenLoopAddresses.cpp), stack exhaustion traps on big and
// small stacks, and instantiate/drop cycles give their address space back.

#include "compiler/codegen/Codegen.h"
#include "compiler/wasm/Validator.h"
#include "test/unit/codegen/ModuleFixture.h"

#include <pthread.h>

#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace wasmc {
namespace {

std::shared_ptr<const rt::CompiledModule> compile(unsigned optLevel) {
  return test::compileWasm(WASMC_TRAPS_WASM, optLevel);
}

using test::Fixture;

bool allZero(const uint8_t* bytes, uint64_t size) {
  for (uint64_t i = 0; i < size; ++i)
    if (bytes[i])
      return false;
  return true;
}

class JitAtLevel : public ::testing::TestWithParam<unsigned> {};

TEST_P(JitAtLevel, StoreAtLargestEffectiveAddressTrapsAndChangesNothing) {
  Fixture f(compile(GetParam()));
  ASSERT_NE(f.instance, nullptr);
  for (const char* name : {"store_max", "store_max64"}) {
    std::vector<rt::Value> args{rt::Value::i32(0xFFFFFFFF)};
    if (std::string(name) == "store_max")
      args.push_back(rt::Value::i32(0x12345678));
    rt::CallResult result = f.call(name, args);
    ASSERT_TRUE(result.trap) << name;
    EXPECT_EQ(result.trap->code, abi::TrapCode::MemoryOutOfBounds);
    EXPECT_EQ(result.trap->message(), "out of bounds memory access");
  }
  // The whole accessible memory is still zero; everything past it is a
  // PROT_NONE guard region that nothing could have written.
  EXPECT_TRUE(allZero(f.memory(), f.memorySize()));
}

TEST_P(JitAtLevel, UnusedLoadStillTraps) {
  Fixture f(compile(GetParam()));
  ASSERT_NE(f.instance, nullptr);
  rt::CallResult result = f.call("unused_load", {rt::Value::i32(65536)});
  ASSERT_TRUE(result.trap);
  EXPECT_EQ(result.trap->code, abi::TrapCode::MemoryOutOfBounds);
  EXPECT_FALSE(f.call("unused_load", {rt::Value::i32(65532)}).trap);
}

TEST_P(JitAtLevel, StoreBeforeTrapStaysVisible) {
  Fixture f(compile(GetParam()));
  ASSERT_NE(f.instance, nullptr);
  rt::CallResult result = f.call("store_then_trap", {rt::Value::i32(65535)});
  ASSERT_TRUE(result.trap);
  EXPECT_EQ(f.memory()[0], 42);
}

TEST_P(JitAtLevel, WrappingAddressSumsReachTheWrappedAddress) {
  Fixture f(compile(GetParam()));
  ASSERT_NE(f.instance, nullptr);
  auto i32 = [](uint32_t v) { return rt::Value::i32(v); };
  // 0xFFFFFFF0 + 0x20 wraps to 0x10.
  ASSERT_FALSE(f.call("store_sum", {i32(0xFFFFFFF0), i32(0x20), i32(0x11223344)}).trap);
  EXPECT_EQ(f.memory()[0x10], 0x44);
  EXPECT_EQ(f.call("load_sum", {i32(0x10), i32(0)}).values.at(0).asI32(), 0x11223344u);
  EXPECT_EQ(f.call("load_sum", {i32(0x20), i32(0xFFFFFFF0)}).values.at(0).asI32(), 0x11223344u);
  // The last in-bounds word, reached both ways.
  ASSERT_FALSE(f.call("store_sum", {i32(65532), i32(0), i32(7)}).trap);
  EXPECT_FALSE(f.call("load_sum", {i32(65531), i32(0xFFFFFFFF)}).trap);
  EXPECT_EQ(f.call("load_sum", {i32(65533), i32(0xFFFFFFFF)}).values.at(0).asI32(), 7u);
  EXPECT_EQ(f.call("load_sum_v128", {i32(65520), i32(0)}).values.at(0).asI32(), 7u);
  // Sums that do not wrap but pass the size trap, whichever view they hit.
  for (auto [a, b] : {std::pair<uint32_t, uint32_t>{65533, 0}, {65536, 0}, {0x80000000u, 0x7FFFFFF0u},
                      {0xFFFFFFFFu, 0}, {65535, 0xFFFFFFFF}}) {
    rt::CallResult result = f.call("load_sum", {i32(a), i32(b)});
    ASSERT_TRUE(result.trap) << a << " + " << b;
    EXPECT_EQ(result.trap->code, abi::TrapCode::MemoryOutOfBounds);
    EXPECT_TRUE(f.call("store_sum", {i32(a), i32(b), i32(1)}).trap) << a << " + " << b;
  }
  EXPECT_TRUE(f.call("load_sum_v128", {i32(65521), i32(0)}).trap);
  EXPECT_TRUE(f.call("load_sum_v128", {i32(0xFFFFFFF8u), i32(0)}).trap);
}

// What the loop functions of traps.wat compute, with wasm's wrapping i32
// arithmetic; nullopt where an access traps. `deltas` are the addresses
// each iteration touches relative to p; `onlyBelow64` skips the others.
std::optional<uint32_t> loopModel(const uint32_t* words, uint32_t p, uint64_t n, int32_t step,
                                  std::initializer_list<int32_t> deltas, bool onlyBelow64) {
  uint32_t sum = 0;
  for (uint64_t i = 0; i < n; ++i, p += uint32_t(step)) {
    for (int32_t delta : deltas) {
      uint32_t address = p + uint32_t(delta);
      if (onlyBelow64 && address >= 64)
        continue;
      if (address > 65536 - 4)
        return std::nullopt;
      sum += words[address / 4];
    }
  }
  return sum;
}

// Loops whose i32 address steps wrap: WidenLoopAddresses.cpp must send
// them to the unchanged copy of the loop, and loops that run below 0 or
// past the size must trap.
TEST_P(JitAtLevel, LoopAddressesThatWrapReachTheWrappedWords) {
  Fixture f(compile(GetParam()));
  ASSERT_NE(f.instance, nullptr);
  auto i32 = [](uint32_t v) { return rt::Value::i32(v); };
  auto* words = reinterpret_cast<uint32_t*>(f.memory());
  for (uint32_t i = 0; i < 24; ++i)
    words[i] = i + 1;
  auto expectModel = [&](const char* name, uint32_t p, uint64_t n, int32_t step,
                         std::initializer_list<int32_t> deltas, bool onlyBelow64) {
    std::optional<uint32_t> expected = loopModel(words, p, n, step, deltas, onlyBelow64);
    rt::Value count = std::string(name).ends_with("64") ? rt::Value::i64(n) : i32(uint32_t(n));
    rt::CallResult result = f.call(name, {i32(p), count});
    if (!expected) {
      ASSERT_TRUE(result.trap) << name << "(" << p << ", " << n << ") should trap";
      EXPECT_EQ(result.trap->code, abi::TrapCode::MemoryOutOfBounds);
      return;
    }
    ASSERT_FALSE(result.trap) << name << "(" << p << ", " << n << "): " << result.trap->message();
    EXPECT_EQ(result.values.at(0).asI32(), *expected) << name << "(" << p << ", " << n << ")";
  };
  // Not wrapping, then starting just below 2^32 so that p, p+16 and p+32
  // wrap to the low words on different iterations.
  for (const char* name : {"sum_low3", "sum_low3_64"})
    for (auto [p, n] : {std::pair<uint32_t, uint32_t>{0, 16}, {8, 3}, {0xFFFFFFF0u, 8}, {0xFFFFFFC0u, 40},
                        {0xFFFFFFFCu, 1}, {0xFFFFFFDCu, 30}})
      expectModel(name, p, n, 4, {0, 16, 32}, true);
  for (auto [p, n] : {std::pair<uint32_t, uint32_t>{16, 8}, {8, 8}, {0, 12}, {4, 1}, {0xFFFFFFF0u, 12}})
    expectModel("sum_low3_back", p, n, 4, {0, -8, -16}, true);
  // 4 * (2^62 - 20) wraps to -80 in 64 bits: the corners alone would call
  // this run safe. From p = -16 the stores reach words 0..15 before the
  // load at p + 64 passes the memory and traps.
  rt::CallResult filled = f.call("fill_low3_64", {i32(0xFFFFFFF0u), rt::Value::i64((uint64_t(1) << 62) - 19), i32(99)});
  ASSERT_TRUE(filled.trap);
  EXPECT_EQ(filled.trap->code, abi::TrapCode::MemoryOutOfBounds);
  for (uint32_t i = 0; i < 24; ++i) {
    EXPECT_EQ(words[i], i < 16 ? 99u : i + 1) << i;
    words[i] = i + 1;
  }
  ASSERT_FALSE(f.call("fill_low3", {i32(0xFFFFFFE8u), i32(4), i32(99)}).trap);
  // p = -24, -20, -16, -12: p+16 wraps to words 0 and 1, p+32 to words 2..5.
  for (uint32_t i = 0; i < 8; ++i)
    EXPECT_EQ(words[i], i <= 5 ? 99u : i + 1) << i;
  // Every word loaded: within the memory, across 0 going down (p-8 first),
  // and across the size going up.
  for (auto [p, n] : {std::pair<uint32_t, uint32_t>{0, 10}, {65536 - 16, 2}, {65536 - 16, 3}, {65536 - 12, 1},
                      {0xFFFFFFF8u, 4}})
    expectModel("sum_up3", p, n, 4, {0, 4, 8}, false);
  for (auto [p, n] : {std::pair<uint32_t, uint32_t>{40, 8}, {40, 9}, {8, 1}, {4, 1}, {16, 1000}})
    expectModel("sum_down3", p, n, -4, {0, -4, -8}, false);
}

// What traps.wat's "sum_until3" computes over a memory of `size` bytes.
std::optional<uint32_t> untilModel(const uint8_t* memory, uint64_t size, uint32_t p, uint32_t end) {
  uint32_t sum = 0;
  do {
    for (uint32_t delta : {0u, 4u, 8u}) {
      uint32_t address = p + delta;
      if (uint64_t(address) + 4 > size)
        return std::nullopt;
      uint32_t word;
      std::memcpy(&word, memory + address, 4);
      sum += word;
    }
    p += 16;
  } while (p != end);
  return sum;
}

// A loop with no countable trip count, widened by the guard proof: runs
// that leave the memory trap where the unchanged loop would, and once the
// memory is 4 GiB (no gap between its size and 2^32 is left) the check
// sends a run that wraps to the unchanged copy, which reaches the low words.
TEST_P(JitAtLevel, GuardedLoopAddressesTrapOrWrapAsTheyShould) {
  Fixture f(compile(GetParam()));
  ASSERT_NE(f.instance, nullptr);
  auto i32 = [](uint32_t v) { return rt::Value::i32(v); };
  for (uint32_t i = 0; i < 64; ++i)
    f.memory()[i] = uint8_t(i * 7 + 1);
  auto expectModel = [&](uint32_t p, uint32_t end) {
    std::optional<uint32_t> expected = untilModel(f.memory(), f.memorySize(), p, end);
    rt::CallResult result = f.call("sum_until3", {i32(p), i32(end)});
    if (!expected) {
      ASSERT_TRUE(result.trap) << p << " to " << end << " should trap";
      EXPECT_EQ(result.trap->code, abi::TrapCode::MemoryOutOfBounds);
      return;
    }
    ASSERT_FALSE(result.trap) << p << " to " << end << ": " << result.trap->message();
    EXPECT_EQ(result.values.at(0).asI32(), *expected) << p << " to " << end;
  };
  for (auto [p, end] : {std::pair<uint32_t, uint32_t>{0, 64}, {16, 32}, {65536 - 16, 65536}, {65536 - 48, 65536 + 16},
                        {16, 0}, {0xFFFFFFF0u, 0x20}, {0xFFFFFFE0u, 0x20}})
    expectModel(p, end);
  // p = 0xFFFFE010, 0xFFFFF010, then 16 (words 16, 32 and 48), then end.
  auto word = [&](uint32_t address) { return *reinterpret_cast<const uint32_t*>(f.memory() + address); };
  rt::CallResult skipped = f.call("sum_low3_until", {i32(0xFFFFE010u), i32(0x1010)});
  ASSERT_FALSE(skipped.trap) << skipped.trap->message();
  EXPECT_EQ(skipped.values.at(0).asI32(), word(16) + word(32) + word(48));
  // Grown to 4 GiB - 64 KiB before the loop (the check passes) and to 4 GiB
  // inside it, just before p reaches the last page: the run goes on from
  // page 2 to the top of the memory, then to its first page (p = 0x10), and
  // stops at page 1.
  ASSERT_EQ(f.call("grow", {i32(65534)}).values.at(0).asI32(), 1u);
  rt::CallResult grown = f.call("sum_until3_growing", {i32(0x20010), i32(0x10010), i32(0xFFFE0010u)});
  ASSERT_FALSE(grown.trap) << grown.trap->message();
  ASSERT_EQ(f.memorySize(), uint64_t(1) << 32);
  uint32_t low = word(0x10) + word(0x14) + word(0x18);
  EXPECT_EQ(grown.values.at(0).asI32(), low); // every other page is still zero
  for (auto [p, end] : {std::pair<uint32_t, uint32_t>{0, 64}, {0xFFFFFFE0u, 0x20}, {0xFFFFFFF0u, 0x10}})
    expectModel(p, end);
}

// The loops above are the ones the pass is for: at -O2 each of the seven
// functions has a checked copy with 64-bit addresses (block wasmc.wide.ph).
// Two checks are the guard proof's, on the memory's size: sum_until3's,
// which has no trip count, and sum_up3's, whose recurrences all qualify;
// the others need the trip-count proof (conditional loads, a downward step).
TEST(Jit, LoopsSteppingPointersGetACheckedWideCopy) {
  for (unsigned level : {0u, 2u}) {
    std::string ir = test::emitWasm(WASMC_TRAPS_WASM, level, codegen::EmitForm::LlvmIr);
    ASSERT_FALSE(ir.empty());
    size_t versioned = test::countOccurrences(ir, "\nwasmc.wide.ph");
    if (level == 0)
      EXPECT_EQ(versioned, 0u);
    else
      EXPECT_GE(versioned, 7u);
    EXPECT_EQ(test::countOccurrences(ir, "icmp ugt i64 %wasmc.size"), level == 0 ? 0u : 2u);
  }
}

// Innermost loops are aligned to 64 bytes (Target.cpp: a hot block across
// two 64-byte lines of code made the vm benchmark 1.3x slower); functions
// and other blocks keep LLVM's alignment.
TEST(Jit, InnermostLoopsStartOn64ByteBoundaries) {
  std::string assembly = test::emitWasm(WASMC_TRAPS_WASM, 2, codegen::EmitForm::Assembly);
  EXPECT_NE(assembly.find("\t.p2align\t6, 0x90\n"), std::string::npos);
  EXPECT_NE(assembly.find("\t.p2align\t4, 0x90\n"), std::string::npos);
}

TEST_P(JitAtLevel, TrapLeavesThisAndOtherInstancesUsable) {
  auto module = compile(GetParam());
  Fixture first(module);
  Fixture second(module);
  ASSERT_NE(first.instance, nullptr);
  ASSERT_NE(second.instance, nullptr);
  first.memory()[8] = 7;
  second.memory()[8] = 9;
  ASSERT_TRUE(first.call("divide", {rt::Value::i32(1), rt::Value::i32(0)}).trap);
  rt::CallResult again = first.call("read", {rt::Value::i32(8)});
  ASSERT_FALSE(again.trap);
  EXPECT_EQ(again.values[0].asI32(), 7u);
  rt::CallResult other = second.call("read", {rt::Value::i32(8)});
  ASSERT_FALSE(other.trap);
  EXPECT_EQ(other.values[0].asI32(), 9u);
  rt::CallResult divided = first.call("divide", {rt::Value::i32(-9), rt::Value::i32(3)});
  ASSERT_FALSE(divided.trap);
  EXPECT_EQ(static_cast<int32_t>(divided.values[0].asI32()), -3);
}

TEST_P(JitAtLevel, DeepRecursionExhaustsTheStack) {
  Fixture f(compile(GetParam()));
  ASSERT_NE(f.instance, nullptr);
  for (int round = 0; round < 3; ++round) {
    rt::CallResult result = f.call("recurse", {rt::Value::i32(0)});
    ASSERT_TRUE(result.trap);
    EXPECT_EQ(result.trap->message(), "call stack exhausted");
    ASSERT_FALSE(result.trap->backtrace.empty());
    EXPECT_EQ(result.trap->backtrace[0].funcIndex, 5u); // $recurse
  }
}

INSTANTIATE_TEST_SUITE_P(OptLevels, JitAtLevel, ::testing::Values(0u, 2u, 3u));

struct ThreadJob {
  Fixture* fixture;
  std::string message;
};

TEST(Jit, DeepRecursionOnA256KiBThread) {
  Fixture f(compile(2));
  ASSERT_NE(f.instance, nullptr);
  ThreadJob job{&f, ""};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t thread;
  auto body = [](void* arg) -> void* {
    auto* work = static_cast<ThreadJob*>(arg);
    rt::CallResult result = work->fixture->call("recurse", {rt::Value::i32(0)});
    work->message = result.trap ? result.trap->message() : "returned";
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, body, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_EQ(job.message, "call stack exhausted");
}

/// Total bytes mapped by this process, from /proc/self/maps.
uint64_t mappedBytes() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  uint64_t total = 0;
  while (std::getline(maps, line)) {
    uint64_t start = 0, end = 0;
    char dash;
    std::istringstream fields(line);
    fields >> std::hex >> start >> dash >> end;
    total += end - start;
  }
  return total;
}

TEST(Jit, InstantiateAndDropCyclesReturnTheirAddressSpace) {
  auto module = compile(2);
  ASSERT_NE(module, nullptr);
  { Fixture warmUp(module); } // first-use allocations (signal stack, caches)
  uint64_t before = mappedBytes();
  for (int i = 0; i < 10000; ++i) {
    Fixture f(module);
    ASSERT_NE(f.instance, nullptr);
  }
  uint64_t after = mappedBytes();
  // Each instance reserved 8 GiB; 10,000 leaked reservations would be 80 TiB.
  EXPECT_LE(after, before + (4u << 20)) << "before " << before << " after " << after;
}

} // namespace
} // namespace wasmc
