// The lazy JIT compiles a function on its first call: ORC's resolver runs
// on the calling wasm thread, below the caller's frame, before the callee's
// own stack check. Compiled code keeps abi::kStackReserve free below its
// frames; the resolver must fit in it, or a first call made at the deepest
// possible recursion would fault in host code and abort the process.
//
// The test finds the deepest recursion at which a call to an already
// compiled function still works, then makes first calls at that depth and
// just above it, on a thread whose stack is painted, and measures how much
// of the reserve the resolver used.

#include "test/unit/codegen/ModuleFixture.h"

#include <pthread.h>
#include <sys/mman.h>

#include <cstring>
#include <sstream>

namespace wasmc {
namespace {

constexpr int kFreshFunctions = 16;

/// rec(n, i): recurse n times, then call_indirect the i-th leaf, a function
/// not compiled until then.
std::string leafModule() {
  std::ostringstream out;
  out << "(module\n  (type $leaf (func (result i32)))\n";
  for (int i = 0; i < kFreshFunctions; ++i)
    out << "  (func $g" << i << " (type $leaf) (i32.const " << i << "))\n";
  out << "  (table funcref (elem";
  for (int i = 0; i < kFreshFunctions; ++i)
    out << " $g" << i;
  out << "))\n"
         "  (func $rec (export \"rec\") (param $n i32) (param $i i32) (result i32)\n"
         "    (if (result i32) (local.get $n)\n"
         "      (then (call $rec (i32.sub (local.get $n) (i32.const 1)) (local.get $i)))\n"
         "      (else (call_indirect (type $leaf) (local.get $i))))))\n";
  return out.str();
}

constexpr size_t kStackBytes = 2u << 20;
constexpr size_t kGuardBytes = 64u << 10;
constexpr uint8_t kPaint = 0xA5;

/// One call of rec(depth, leaf) on a fresh thread with a painted stack.
struct Probe {
  rt::Store* store = nullptr;
  const rt::Function* rec = nullptr;
  uint32_t depth = 0, leaf = 0;
  std::optional<abi::TrapCode> trap; // nullopt: returned
  int32_t result = -1;
  size_t deepest = 0; // bytes of the thread's stack ever touched
};

void* runProbe(void* arg) {
  auto& probe = *static_cast<Probe*>(arg);
  rt::Value args[] = {rt::Value::i32(probe.depth), rt::Value::i32(probe.leaf)};
  rt::CallResult result = rt::callFunction(*probe.store, *probe.rec, args);
  if (result.trap)
    probe.trap = result.trap->code;
  else
    probe.result = static_cast<int32_t>(result.values[0].asI32());
  return nullptr;
}

void runOnPaintedStack(Probe& probe) {
  // A guard page below, as a thread stack has: running past the stack must
  // fault, not write into the heap.
  void* mapping = mmap(nullptr, kStackBytes + kGuardBytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(mapping, MAP_FAILED);
  ASSERT_EQ(mprotect(mapping, kGuardBytes, PROT_NONE), 0);
  auto* stack = static_cast<uint8_t*>(mapping) + kGuardBytes;
  std::memset(stack, kPaint, kStackBytes);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, stack, kStackBytes);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, runProbe, &probe), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  size_t untouched = 0;
  while (untouched < kStackBytes && stack[untouched] == kPaint)
    ++untouched;
  probe.deepest = kStackBytes - untouched;
  munmap(mapping, kStackBytes + kGuardBytes);
}

/// First calls of fresh functions at and around the deepest recursion,
/// for `compiled` (leafModule, each function compiled on its first call).
void expectFirstCallsFitTheReserve(std::shared_ptr<const rt::CompiledModule> compiled, const char* compiler) {
  rt::Store store;
  rt::Linker linker;
  auto instance = rt::Instance::instantiate(store, compiled, linker);
  ASSERT_TRUE(instance) << instance.error().describe();
  const rt::Function* rec = (*instance)->findExport("rec")->func;

  auto probeAt = [&](uint32_t depth, uint32_t leaf) {
    Probe probe;
    probe.store = &store;
    probe.rec = rec;
    probe.depth = depth;
    probe.leaf = leaf;
    runOnPaintedStack(probe);
    return probe;
  };
  // Leaf 0 is compiled by this first call; the search below only uses it.
  Probe warm = probeAt(0, 0);
  ASSERT_FALSE(warm.trap);
  ASSERT_EQ(warm.result, 0);
  // The deepest recursion that still returns, with a compiled leaf.
  uint32_t low = 0, high = 1;
  while (!probeAt(high, 0).trap)
    low = high, high *= 2;
  while (high - low > 1) {
    uint32_t middle = low + (high - low) / 2;
    (probeAt(middle, 0).trap ? high : low) = middle;
  }
  uint32_t deepest = low;
  ASSERT_GT(deepest, 1000u);
  Probe compiledLeaf = probeAt(deepest, 0);
  ASSERT_FALSE(compiledLeaf.trap);

  // First calls of fresh leaves at that depth and around it: each returns
  // its value or traps "call stack exhausted"; none may crash.
  uint32_t leaf = 1;
  size_t resolverExtra = 0;
  for (int64_t delta = -4; delta <= 2 && leaf < kFreshFunctions; ++delta, ++leaf) {
    Probe fresh = probeAt(static_cast<uint32_t>(deepest + delta), leaf);
    if (fresh.trap) {
      EXPECT_EQ(*fresh.trap, abi::TrapCode::StackExhausted) << "depth " << deepest + delta;
      continue;
    }
    EXPECT_EQ(fresh.result, static_cast<int32_t>(leaf));
    if (delta == 0)
      resolverExtra = fresh.deepest > compiledLeaf.deepest ? fresh.deepest - compiledLeaf.deepest : 0;
  }
  // The resolver's own stack (measured, beyond the compiled leaf's) must
  // fit in the reserve with room to spare.
  EXPECT_LT(resolverExtra, abi::kStackReserve / 2) << "resolver used " << resolverExtra << " bytes";
  ::testing::Test::RecordProperty("resolver_stack_bytes", static_cast<int>(resolverExtra));
  std::printf("%s: a first call at depth %u used %zu bytes of stack beyond a compiled call (reserve %llu)\n",
              compiler, deepest, resolverExtra, static_cast<unsigned long long>(abi::kStackReserve));
}

class LazyStack : public ::testing::TestWithParam<unsigned> {};

TEST_P(LazyStack, FirstCallsAtTheStackLimitTrapOrRunNeverCrash) {
  auto bytes = test::assembleWat(leafModule());
  ASSERT_FALSE(bytes.empty());
  auto compiled = engine::compileModule(bytes, codegen::Options{.optLevel = GetParam(), .lazy = true});
  ASSERT_TRUE(compiled) << compiled.error().describe();
  expectFirstCallsFitTheReserve(*compiled, "lazy JIT (the resolver; LLVM on a helper thread)");
}

INSTANTIATE_TEST_SUITE_P(OptLevels, LazyStack, ::testing::Values(0u, 2u));

// The baseline tier compiles on the calling wasm thread itself, inside
// the reserve (JitCode::firstCallCode).
TEST(LazyStackBaseline, FirstCallsAtTheStackLimitTrapOrRunNeverCrash) {
  auto bytes = test::assembleWat(leafModule());
  ASSERT_FALSE(bytes.empty());
  auto compiled = engine::compileModuleBaseline(bytes, codegen::Options{.optLevel = 2});
  ASSERT_TRUE(compiled) << compiled.error().describe();
  expectFirstCallsFitTheReserve(*compiled, "baseline tier (the resolver and the baseline compiler)");
}

} // namespace
} // namespace wasmc
