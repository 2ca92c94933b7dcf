// The baseline tier compiles each function on its first call
// (engine/BaselineModule.cpp, JitCode::firstCallCode): a run pays only for
// the functions it calls. These tests count what the compiler did and
// check that code made on a first call behaves as code made ahead: direct
// and indirect first calls, a function the baseline compiler refuses (the
// lazy JIT compiles it), a trap with its frame, first calls racing on
// several threads, and tier-up after a first call.

#include "test/unit/codegen/ModuleFixture.h"

#include <atomic>
#include <thread>

namespace wasmc {
namespace {

constexpr const char* kModule = R"(
(module
  (type $unary (func (param i32) (result i32)))
  (func $leaf (export "leaf") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1)))
  (func $mid (export "mid") (param i32) (result i32)
    (call $leaf (i32.mul (local.get 0) (i32.const 2))))
  (func $never (export "never") (result i32)
    (i32.const 7))
  (func $vector (export "vector") (param i32) (result i32) (local v128)
    (local.set 1 (i32x4.splat (local.get 0)))
    (i32x4.extract_lane 3 (local.get 1)))
  (func $div (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func $indirect (export "indirect") (param i32) (result i32)
    (call_indirect (type $unary) (local.get 0) (i32.const 0)))
  (table funcref (elem $leaf)))
)";

constexpr uint32_t kFunctions = 6;
constexpr uint32_t kDivIndex = 4;

struct Compiled {
  std::shared_ptr<const rt::CompiledModule> module;
  engine::BaselineCoverage coverage;
};

Compiled compile(engine::BaselineCompile when, engine::TierUpOptions tierUp = {}) {
  Compiled out;
  auto bytes = test::assembleWat(kModule);
  auto compiled = engine::compileModuleBaseline(bytes, codegen::Options{.optLevel = 2, .jobs = 1}, tierUp,
                                               &out.coverage, when);
  EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
  if (compiled)
    out.module = *compiled;
  return out;
}

uint32_t i32Of(const rt::CallResult& result) {
  EXPECT_FALSE(result.trap);
  return result.trap ? 0xdeadbeef : result.values.at(0).asI32();
}

TEST(FirstCall, CompilesOnlyTheFunctionsCalled) {
  Compiled c = compile(engine::BaselineCompile::OnFirstCall);
  ASSERT_TRUE(c.module);
  const engine::BaselineStats& stats = *c.coverage.baseline;
  EXPECT_EQ(c.coverage.functions, kFunctions);
  EXPECT_EQ(stats.compiled.load(), 0u) << "nothing before the first call";
  test::Fixture f(c.module);
  ASSERT_NE(f.instance, nullptr);
  EXPECT_EQ(stats.compiled.load(), 0u) << "instantiating calls nothing";

  EXPECT_EQ(i32Of(f.call("mid", {rt::Value::i32(5)})), 11u);
  EXPECT_EQ(stats.compiled.load(), 2u) << "mid and the leaf it calls";
  EXPECT_EQ(i32Of(f.call("mid", {rt::Value::i32(6)})), 13u);
  EXPECT_EQ(i32Of(f.call("leaf", {rt::Value::i32(1)})), 2u);
  EXPECT_EQ(stats.compiled.load(), 2u) << "compiled once, then called through the stub";

  // A v128 local: the baseline compiler refuses it, LLVM compiles it.
  EXPECT_EQ(i32Of(f.call("vector", {rt::Value::i32(9)})), 9u);
  EXPECT_EQ(stats.refused.load(), 1u);
  EXPECT_EQ(i32Of(f.call("vector", {rt::Value::i32(10)})), 10u);
  EXPECT_EQ(stats.refused.load(), 1u) << "asked once";
  EXPECT_EQ(stats.compiled.load(), 2u);
  EXPECT_GT(stats.codeBytes.load(), 0u);
}

TEST(FirstCall, ThroughATable) {
  Compiled c = compile(engine::BaselineCompile::OnFirstCall);
  ASSERT_TRUE(c.module);
  test::Fixture f(c.module);
  ASSERT_NE(f.instance, nullptr);
  // The table holds the leaf's FuncRef, which leads to its stub.
  EXPECT_EQ(i32Of(f.call("indirect", {rt::Value::i32(41)})), 42u);
  EXPECT_EQ(c.coverage.baseline->compiled.load(), 2u);
}

TEST(FirstCall, TrapsInCodeCompiledOnAFirstCallHaveTheirFrame) {
  Compiled c = compile(engine::BaselineCompile::OnFirstCall);
  ASSERT_TRUE(c.module);
  test::Fixture f(c.module);
  ASSERT_NE(f.instance, nullptr);
  rt::CallResult trap = f.call("div", {rt::Value::i32(1), rt::Value::i32(0)});
  ASSERT_TRUE(trap.trap);
  EXPECT_EQ(trap.trap->code, abi::TrapCode::IntegerDivideByZero);
  ASSERT_FALSE(trap.trap->backtrace.empty());
  EXPECT_EQ(trap.trap->backtrace[0].funcIndex, kDivIndex);
  EXPECT_EQ(i32Of(f.call("div", {rt::Value::i32(-9), rt::Value::i32(2)})), uint32_t(-4));
}

TEST(FirstCall, RacingFirstCallsCompileEachFunctionOnce) {
  Compiled c = compile(engine::BaselineCompile::OnFirstCall);
  ASSERT_TRUE(c.module);
  constexpr int kThreads = 4;
  std::atomic<int> ready{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      test::Fixture f(c.module); // a store per thread
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
      }
      for (int i = 0; i < 100; ++i) {
        rt::CallResult mid = f.call("mid", {rt::Value::i32(static_cast<uint32_t>(t + i))});
        rt::CallResult indirect = f.call("indirect", {rt::Value::i32(static_cast<uint32_t>(i))});
        if (mid.trap || indirect.trap || mid.values[0].asI32() != uint32_t(2 * (t + i) + 1) ||
            indirect.values[0].asI32() != uint32_t(i + 1))
          wrong.fetch_add(1);
      }
    });
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(c.coverage.baseline->compiled.load(), 3u) << "mid, leaf and indirect, once each";
}

TEST(FirstCall, TiersUpAfterAFirstCall) {
  Compiled c = compile(engine::BaselineCompile::OnFirstCall, {.afterCalls = 1, .wait = true});
  ASSERT_TRUE(c.module && c.coverage.tierUp);
  test::Fixture f(c.module);
  ASSERT_NE(f.instance, nullptr);
  for (uint32_t n = 0; n < 4; ++n)
    EXPECT_EQ(i32Of(f.call("mid", {rt::Value::i32(n)})), 2 * n + 1);
  EXPECT_EQ(c.coverage.baseline->compiled.load(), 2u);
  EXPECT_EQ(c.coverage.tierUp->installed.load(), 2u) << "mid and leaf, by LLVM after their first calls";
  EXPECT_EQ(c.coverage.tierUp->failed.load(), 0u);
  rt::CallResult trap = f.call("div", {rt::Value::i32(1), rt::Value::i32(0)});
  ASSERT_TRUE(trap.trap);
  EXPECT_EQ(trap.trap->backtrace.at(0).funcIndex, kDivIndex);
}

TEST(FirstCall, AheadCompilesEveryFunctionItCovers) {
  Compiled c = compile(engine::BaselineCompile::Ahead);
  ASSERT_TRUE(c.module);
  EXPECT_EQ(c.coverage.baseline->compiled.load(), kFunctions - 1) << "all but the vector function";
  EXPECT_EQ(c.coverage.baseline->refused.load(), 1u);
  test::Fixture f(c.module);
  ASSERT_NE(f.instance, nullptr);
  EXPECT_EQ(i32Of(f.call("mid", {rt::Value::i32(5)})), 11u);
  EXPECT_EQ(c.coverage.baseline->compiled.load(), kFunctions - 1) << "nothing more on calls";
}

} // namespace
} // namespace wasmc
