// On-stack replacement (engine/TierUp.h, JitCode::compileLoopEntry):
// a call running a loop on baseline code goes on in LLVM's loop entry at
// the loop's header. Each test compares with the LLVM JIT: every kind of
// local carried over mid-loop, loops inside blocks and other loops, a
// float result, a loop at a non-empty operand stack (never entered), and a
// trap inside the entered code, whose backtrace shows the call once.

#include "test/unit/codegen/ModuleFixture.h"

#include <chrono>
#include <cstring>

namespace wasmc {
namespace {

const char* kModule = R"((module
  (memory 1)
  ;; Every kind of local, parameters too, changed on every iteration.
  (func (export "mix") (param $n i32) (param $a i64) (param $x f32) (param $y f64) (result i64)
    (local $i i32) (local $acc i64) (local $fx f32) (local $fy f64)
    (local.set $fx (local.get $x))
    (local.set $fy (local.get $y))
    (loop $next
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31)) (i64.extend_i32_u (local.get $i))))
      (local.set $a (i64.xor (local.get $a) (local.get $acc)))
      (local.set $fx (f32.add (local.get $fx) (f32.const 0.5)))
      (local.set $fy (f64.mul (local.get $fy) (f64.const 1.5)))
      (i32.store (i32.shl (i32.and (local.get $i) (i32.const 255)) (i32.const 2)) (local.get $i))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i64.add (i64.add (local.get $a) (local.get $acc))
             (i64.add (i64.reinterpret_f64 (local.get $fy))
                      (i64.extend_i32_u (i32.reinterpret_f32 (local.get $fx))))))
  ;; Nested loops inside a block, an early exit, a float result.
  (func (export "grid") (param $rows i32) (param $cols i32) (result f64)
    (local $r i32) (local $c i32) (local $s f64)
    (block $out
      (loop $row
        (br_if $out (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (loop $col
          (local.set $s (f64.add (local.get $s)
                                 (f64.convert_i32_s (i32.mul (local.get $r) (local.get $c)))))
          (br_if $col (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $cols))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row)))
    (local.get $s))
  ;; The loop's header has a value below it: never entered in LLVM code.
  (func (export "under") (param $n i32) (result i32) (local $i i32)
    (i32.add (i32.const 1000)
      (loop $next (result i32)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (local.get $n)))
        (local.get $i))))
  ;; Divides by (n - i): traps on the iteration where i reaches n.
  (func $divide (export "divide") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $next
      (local.set $s (i32.add (local.get $s) (i32.div_u (i32.const 1000000) (i32.sub (local.get $n) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))
    (local.get $s))
  (func (export "callsDivide") (param $n i32) (result i32) (call $divide (local.get $n)))
  ;; A nest inside a block with a result, left by a branch that carries a
  ;; value: entered at the inner loop, the branch goes from the entry's
  ;; copy of the loop to the end of the block in the copy that holds it.
  (func (export "sums") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $s i32)
    (block $found (result i32)
      (loop $outer
        (local.set $j (i32.const 0))
        (loop $inner
          (local.set $s (i32.add (local.get $s) (i32.xor (local.get $i) (local.get $j))))
          (br_if $inner (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
        (drop (br_if $found (i32.mul (local.get $s) (i32.const 3))
                            (i32.ge_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (br $outer))
      (i32.const -1))
    (i32.add (local.get $i)))
  (func (export "peek") (param $at i32) (result i32) (i32.load (local.get $at)))
))";

struct Compiled {
  std::shared_ptr<const rt::CompiledModule> module;
  std::shared_ptr<const engine::TierUpStats> stats;
};

/// The module on the baseline tier with on-stack replacement after
/// `afterIterations` loop headers (waited for), and no tier-up by calls
/// within these tests' few calls.
Compiled tiered(uint32_t afterIterations) {
  auto bytes = test::assembleWat(kModule);
  engine::BaselineCoverage coverage;
  auto compiled = engine::compileModuleBaseline(
      bytes, codegen::Options{.optLevel = 2, .jobs = 1},
      engine::TierUpOptions{.afterCalls = 1000000, .wait = true, .afterIterations = afterIterations}, &coverage,
      engine::BaselineCompile::Ahead);
  EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
  if (!compiled)
    return {};
  EXPECT_EQ(coverage.baseline->compiled, coverage.functions) << "every function should start on baseline code";
  return {*compiled, coverage.tierUp};
}

std::shared_ptr<const rt::CompiledModule> llvmJit() {
  auto compiled = engine::compileModule(test::assembleWat(kModule), codegen::Options{.optLevel = 2});
  EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
  return compiled ? *compiled : nullptr;
}

std::vector<rt::Value> mixArgs(uint32_t n) {
  return {rt::Value::i32(n), rt::Value::i64(0x0123456789abcdefull), rt::Value::f32Bits(0x3fc00000u),
          rt::Value::f64Bits(0x3ff8000000000000ull)};
}

TEST(LoopEntry, CarriesEveryLocalOverMidLoop) {
  test::Fixture reference(llvmJit());
  ASSERT_NE(reference.instance, nullptr);
  // The first header is the loop's entry; later ones are back-edges, with
  // every local changed by the iterations before.
  for (uint32_t after : {1u, 2u, 3u, 17u, 500u}) {
    Compiled c = tiered(after);
    ASSERT_TRUE(c.module && c.stats);
    test::Fixture f(c.module);
    ASSERT_NE(f.instance, nullptr);
    rt::CallResult expected = reference.call("mix", mixArgs(1000));
    rt::CallResult got = f.call("mix", mixArgs(1000));
    ASSERT_FALSE(got.trap) << "after " << after;
    EXPECT_EQ(got.values[0].asI64(), expected.values[0].asI64()) << "after " << after;
    EXPECT_EQ(c.stats->loopEntries.load(), 1u) << "after " << after;
    EXPECT_EQ(c.stats->loopsEntered.load(), 1u) << "after " << after;
    for (uint32_t at : {0u, 4u, 1020u})
      EXPECT_EQ(f.call("peek", {rt::Value::i32(at)}).values[0].asI32(),
                reference.call("peek", {rt::Value::i32(at)}).values[0].asI32())
          << "memory at " << at << ", after " << after;
    // A loop shorter than the budget stays on baseline code.
    Compiled late = tiered(after + 5);
    test::Fixture g(late.module);
    EXPECT_EQ(g.call("mix", mixArgs(after)).values[0].asI64(), reference.call("mix", mixArgs(after)).values[0].asI64());
  }
}

/// Calls export `name` with each of `argSets` on the module tiered with
/// on-stack replacement after each of `afters` headers: every call agrees
/// with the LLVM JIT (on the result's 64 bits when `wide`, else 32), and
/// some loop was entered.
void expectLoopEntriesAgree(const char* name, std::initializer_list<uint32_t> afters,
                            const std::vector<std::vector<rt::Value>>& argSets, bool wide) {
  test::Fixture reference(llvmJit());
  ASSERT_NE(reference.instance, nullptr);
  for (uint32_t after : afters) {
    Compiled c = tiered(after);
    ASSERT_TRUE(c.module && c.stats);
    test::Fixture f(c.module);
    ASSERT_NE(f.instance, nullptr);
    for (size_t i = 0; i < argSets.size(); ++i) {
      rt::CallResult got = f.call(name, argSets[i]);
      rt::CallResult expected = reference.call(name, argSets[i]);
      ASSERT_FALSE(got.trap || expected.trap) << name << " after " << after << ", arguments #" << i;
      if (wide)
        EXPECT_EQ(got.values[0].asI64(), expected.values[0].asI64()) << name << " after " << after << ", #" << i;
      else
        EXPECT_EQ(got.values[0].asI32(), expected.values[0].asI32()) << name << " after " << after << ", #" << i;
    }
    EXPECT_GE(c.stats->loopsEntered.load(), 1u) << name << " after " << after;
  }
}

TEST(LoopEntry, EntersNestedLoopsAndReturnsFloats) {
  std::vector<std::vector<rt::Value>> args;
  for (uint32_t rows : {0u, 1u, 9u})
    args.push_back({rt::Value::i32(rows), rt::Value::i32(13)});
  expectLoopEntriesAgree("grid", {1u, 2u, 7u, 40u}, args, /*wide=*/true);
}

TEST(LoopEntry, LeavesTheEnteredNestWithAValue) {
  std::vector<std::vector<rt::Value>> args;
  for (uint32_t n : {1u, 4u, 17u})
    args.push_back({rt::Value::i32(n)});
  expectLoopEntriesAgree("sums", {1u, 2u, 5u, 30u}, args, /*wide=*/false);
}

TEST(LoopEntry, NeverEntersALoopWithValuesBelowIt) {
  Compiled c = tiered(1);
  ASSERT_TRUE(c.module && c.stats);
  test::Fixture f(c.module);
  ASSERT_NE(f.instance, nullptr);
  EXPECT_EQ(f.call("under", {rt::Value::i32(100)}).values[0].asI32(), 1100u);
  EXPECT_EQ(c.stats->loopEntries.load(), 0u);
  EXPECT_EQ(c.stats->failed.load(), 0u);
}

TEST(LoopEntry, TrapsInTheEnteredCodeShowTheCallOnce) {
  Compiled c = tiered(3);
  ASSERT_TRUE(c.module && c.stats);
  test::Fixture f(c.module);
  ASSERT_NE(f.instance, nullptr);
  rt::CallResult result = f.call("callsDivide", {rt::Value::i32(10)});
  ASSERT_TRUE(result.trap);
  EXPECT_EQ(result.trap->code, abi::TrapCode::IntegerDivideByZero);
  EXPECT_EQ(c.stats->loopsEntered.load(), 1u) << "the trap should come from the loop entry";
  // divide, then callsDivide: the baseline frame the entry took over from
  // is not a frame of its own.
  ASSERT_EQ(result.trap->backtrace.size(), 2u) << result.trap->describe();
  EXPECT_EQ(result.trap->backtrace[0].funcIndex, 3u);
  EXPECT_EQ(result.trap->backtrace[1].funcIndex, 4u);
  // The instance goes on.
  EXPECT_EQ(f.call("peek", {rt::Value::i32(0)}).values[0].asI32(), 0u);
}

TEST(LoopEntry, EntersInTheBackgroundWhileTheLoopRuns) {
  // Not waited for: the loop keeps running baseline code while LLVM
  // compiles its entry, asks again every budget, and goes on in LLVM code
  // once it is there.
  auto bytes = test::assembleWat(kModule);
  engine::BaselineCoverage coverage;
  auto compiled = engine::compileModuleBaseline(
      bytes, codegen::Options{.optLevel = 2, .jobs = 1},
      engine::TierUpOptions{.afterCalls = 1000000, .wait = false, .afterIterations = 1000}, &coverage);
  ASSERT_TRUE(compiled);
  test::Fixture f(*compiled);
  test::Fixture reference(llvmJit());
  // The expected value first: between two calls of the tiered module the
  // test must not run anything long. A loop this hot also queues its whole
  // function, compiled right after the entry; if the function's LLVM code
  // were installed while this thread was elsewhere (it was, in a reference
  // call, on a loaded CI machine), later calls would start in LLVM code
  // and never reach the loop's header on baseline code.
  const uint64_t expected = reference.call("mix", mixArgs(20000000)).values[0].asI64();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (coverage.tierUp->loopsEntered.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    rt::CallResult got = f.call("mix", mixArgs(20000000));
    ASSERT_FALSE(got.trap);
    EXPECT_EQ(got.values[0].asI64(), expected);
  }
  EXPECT_EQ(coverage.tierUp->loopsEntered.load(), 1u) << "the loop should have been entered within a minute";
}

} // namespace
} // namespace wasmc
