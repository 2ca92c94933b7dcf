// The JIT and runtime end to end: out-of-bounds accesses trap without
// touching anything outside the memory (at -O0 and -O3), traps leave
// instances usable, stack exhaustion traps on big and small stacks, and
// instantiate/drop cycles give their address space back.

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
