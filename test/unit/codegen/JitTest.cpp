// The JIT and runtime end to end: out-of-bounds accesses trap without
// touching anything outside the memory (at -O0 and -O3), traps leave
// instances usable, stack exhaustion traps on big and small stacks, and
// instantiate/drop cycles give their address space back.

#include "compiler/codegen/Codegen.h"
#include "compiler/wasm/Validator.h"
#include "runtime/Instance.h"
#include "runtime/Invoke.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "tools/wasmc/Engine.h"

#include <gtest/gtest.h>

#include <pthread.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <tuple>

namespace wasmc {
namespace {

std::vector<uint8_t> readModule() {
  std::ifstream in(WASMC_TRAPS_WASM, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

std::shared_ptr<const rt::CompiledModule> compile(unsigned optLevel) {
  auto compiled = tools::compileModule(readModule(), codegen::Options{.optLevel = optLevel});
  if (!compiled)
    ADD_FAILURE() << compiled.error().describe();
  return compiled ? *compiled : nullptr;
}

struct Fixture {
  rt::Store store;
  rt::Linker linker;
  rt::Instance* instance = nullptr;

  explicit Fixture(std::shared_ptr<const rt::CompiledModule> module) {
    auto created = rt::Instance::instantiate(store, std::move(module), linker);
    EXPECT_TRUE(created) << (created ? "" : created.error().describe());
    if (created)
      instance = *created;
  }

  rt::CallResult call(const std::string& name, std::vector<rt::Value> args) {
    const rt::Extern* found = instance->findExport(name);
    EXPECT_NE(found, nullptr) << name;
    return rt::callFunction(store, *found->func, args);
  }

  uint8_t* memory() { return instance->memory()->memory->base(); }
  uint64_t memorySize() { return instance->memory()->memory->sizeBytes(); }
};

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

// Loops whose i32 pointer steps wrap: WidenLoopAddresses.cpp must send
// them to the unchanged copy of the loop.
TEST_P(JitAtLevel, LoopAddressesThatWrapReachTheWrappedWords) {
  Fixture f(compile(GetParam()));
  ASSERT_NE(f.instance, nullptr);
  auto i32 = [](uint32_t v) { return rt::Value::i32(v); };
  auto* words = reinterpret_cast<uint32_t*>(f.memory());
  for (uint32_t i = 0; i < 16; ++i)
    words[i] = i + 1;
  // Not wrapping: words 0..15 and 4..7.
  EXPECT_EQ(f.call("sum_low_words", {i32(0), i32(16)}).values.at(0).asI32(), 136u);
  EXPECT_EQ(f.call("sum_low_words", {i32(16), i32(4)}).values.at(0).asI32(), 5u + 6 + 7 + 8);
  // 0xFFFFFFF0 + 4 * 4 wraps to 0: the last four steps read words 0..3.
  rt::CallResult wrapped = f.call("sum_low_words", {i32(0xFFFFFFF0u), i32(8)});
  ASSERT_FALSE(wrapped.trap) << wrapped.trap->message();
  EXPECT_EQ(wrapped.values.at(0).asI32(), 1u + 2 + 3 + 4);
  ASSERT_FALSE(f.call("fill_low_words", {i32(0xFFFFFFF8u), i32(4), i32(99)}).trap);
  EXPECT_EQ(words[0], 99u);
  EXPECT_EQ(words[1], 99u);
  EXPECT_EQ(words[2], 3u);
  // Every word loaded: within the memory, then across 0 going down and
  // across the size going up, which must trap.
  EXPECT_EQ(f.call("sum_words_up", {i32(60), i32(3)}).values.at(0).asI32(), 0u);
  EXPECT_EQ(f.call("sum_words_up", {i32(0), i32(3)}).values.at(0).asI32(), 99u + 3 + 4);
  EXPECT_EQ(f.call("sum_words_down", {i32(12), i32(4)}).values.at(0).asI32(), 4u + 3 + 99 + 99);
  for (auto [name, p, n] : {std::tuple<const char*, uint32_t, uint32_t>{"sum_words_down", 12, 5},
                            {"sum_words_down", 4, 1000},
                            {"sum_words_up", 65536 - 16, 4},
                            {"sum_words_up", 0xFFFFFFF0u, 8}}) {
    rt::CallResult result = f.call(name, {i32(p), i32(n)});
    ASSERT_TRUE(result.trap) << name << " " << p << " " << n;
    EXPECT_EQ(result.trap->code, abi::TrapCode::MemoryOutOfBounds);
  }
}

// The loops above are the ones the pass is for: at -O2 each of the four
// functions has a checked copy with 64-bit addresses (block wasmc.wide.ph).
TEST(Jit, LoopsSteppingPointersGetACheckedWideCopy) {
  auto module = wasm::loadModule(readModule());
  ASSERT_TRUE(module) << module.error().describe();
  for (unsigned level : {0u, 2u}) {
    auto ir = codegen::emitModule(*module, codegen::Options{.optLevel = level, .jobs = 1},
                                  codegen::EmitForm::LlvmIr);
    ASSERT_TRUE(ir) << ir.error().describe();
    size_t versioned = 0;
    for (size_t at = ir->find("\nwasmc.wide.ph"); at != std::string::npos; at = ir->find("\nwasmc.wide.ph", at + 1))
      ++versioned;
    if (level == 0)
      EXPECT_EQ(versioned, 0u);
    else
      EXPECT_GE(versioned, 4u);
  }
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
