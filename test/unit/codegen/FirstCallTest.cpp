// The baseline tier compiles each function on its first call
// (engine/BaselineModule.cpp, JitCode::firstCallCode): a run pays only for
// the functions it calls. These tests count what the compiler did and
// check that code made on a first call behaves as code made ahead: direct
// and indirect first calls, a function the baseline compiler refuses (the
// lazy JIT compiles it), a trap with its frame, first calls racing on
// several threads, and tier-up after a first call.

#include "test/unit/codegen/ModuleFixture.h"

#include <atomic>
#include <bit>
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

// The stub's resolver saves and restores the argument registers around
// the compile (LazyStubs.cpp): integers in rdi..r9, floats and vectors in
// xmm0-7, the rest on the stack. A first call with more of each than there
// are registers must reach the function with every argument intact, on
// the baseline tier and on the lazy JIT (the function with v128
// parameters goes to LLVM on both). Mutants it kills: xmm5 restored from
// xmm6's slot, rcx and rdx popped in swapped order. One it cannot: xmm5
// not restored at all survives, since no compile here happens to use it;
// LazyStubsUnitTest's resolver clobbers every argument register and kills it.
rt::Value f64(double v) { return rt::Value::f64Bits(std::bit_cast<uint64_t>(v)); }
rt::Value f32(float v) { return rt::Value::f32Bits(std::bit_cast<uint32_t>(v)); }
double asF64(const rt::Value& value) { return std::bit_cast<double>(value.asI64()); }

constexpr const char* kArgumentsModule = R"(
(module
  (func (export "ints") (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (i64.add (i64.mul (local.get 0) (i64.const 1))
    (i64.add (i64.mul (local.get 1) (i64.const 3))
    (i64.add (i64.mul (local.get 2) (i64.const 5))
    (i64.add (i64.mul (local.get 3) (i64.const 7))
    (i64.add (i64.mul (local.get 4) (i64.const 11))
    (i64.add (i64.mul (local.get 5) (i64.const 13))
    (i64.add (i64.mul (local.get 6) (i64.const 17)) (i64.mul (local.get 7) (i64.const 19))))))))))
  (func (export "floats") (param f64 f64 f64 f64 f64 f64 f64 f64 f64 f64) (result f64)
    (f64.add (f64.mul (local.get 0) (f64.const 1))
    (f64.add (f64.mul (local.get 1) (f64.const 2))
    (f64.add (f64.mul (local.get 2) (f64.const 4))
    (f64.add (f64.mul (local.get 3) (f64.const 8))
    (f64.add (f64.mul (local.get 4) (f64.const 16))
    (f64.add (f64.mul (local.get 5) (f64.const 32))
    (f64.add (f64.mul (local.get 6) (f64.const 64))
    (f64.add (f64.mul (local.get 7) (f64.const 128))
    (f64.add (f64.mul (local.get 8) (f64.const 256)) (f64.mul (local.get 9) (f64.const 512))))))))))))
  (func $vectors (param v128 v128 i32 f32) (result i32)
    (i32.add (i32.add (i32x4.extract_lane 3 (local.get 0)) (i32x4.extract_lane 1 (local.get 1)))
             (i32.add (local.get 2) (i32.trunc_f32_s (local.get 3)))))
  (func (export "vectors") (param i32) (result i32)
    (call $vectors (i32x4.splat (local.get 0)) (i32x4.splat (i32.const 100)) (i32.const 1000) (f32.const 10000)))
  (func (export "mixed") (param i32 f32 i64 f64 i32 f32 i64 f64 i32 f32 i64 f64 i32 f32 i64 f64 i32 f64) (result f64)
    (f64.add (f64.convert_i32_s (local.get 16)) (f64.add (local.get 17) (f64.add (local.get 3)
      (f64.add (f64.promote_f32 (local.get 13)) (f64.convert_i64_s (local.get 14))))))))
)";

TEST(FirstCall, EveryArgumentRegisterSurvivesTheResolver) {
  auto bytes = test::assembleWat(kArgumentsModule);
  ASSERT_FALSE(bytes.empty());
  std::vector<std::pair<const char*, Expected<std::shared_ptr<const rt::CompiledModule>>>> modules;
  modules.emplace_back("baseline", engine::compileModuleBaseline(bytes, codegen::Options{.optLevel = 2}));
  modules.emplace_back("lazy", engine::compileModule(bytes, codegen::Options{.optLevel = 2, .lazy = true}));
  for (auto& [name, compiled] : modules) {
    ASSERT_TRUE(compiled) << name << ": " << compiled.error().describe();
    test::Fixture f(*compiled);
    ASSERT_NE(f.instance, nullptr);
    std::vector<rt::Value> ints;
    for (uint64_t i = 1; i <= 8; ++i)
      ints.push_back(rt::Value::i64(i * 1000003));
    rt::CallResult sum = f.call("ints", ints);
    ASSERT_FALSE(sum.trap) << name;
    EXPECT_EQ(sum.values[0].asI64(), uint64_t(1000003) * (1 * 1 + 2 * 3 + 3 * 5 + 4 * 7 + 5 * 11 + 6 * 13 + 7 * 17 + 8 * 19))
        << name;
    std::vector<rt::Value> floats;
    for (int i = 0; i < 10; ++i)
      floats.push_back(f64(i % 2 ? 1.0 : 3.0));
    rt::CallResult weighted = f.call("floats", floats);
    ASSERT_FALSE(weighted.trap) << name;
    EXPECT_EQ(asF64(weighted.values[0]), 3.0 * (1 + 4 + 16 + 64 + 256) + 1.0 * (2 + 8 + 32 + 128 + 512)) << name;
    rt::CallResult vectors = f.call("vectors", {rt::Value::i32(7)});
    ASSERT_FALSE(vectors.trap) << name;
    EXPECT_EQ(vectors.values[0].asI32(), 7u + 100u + 1000u + 10000u) << name;
    std::vector<rt::Value> mixed;
    for (int i = 0; i < 16; ++i) {
      double v = i + 1;
      switch (i % 4) {
      case 0: mixed.push_back(rt::Value::i32(static_cast<uint32_t>(v))); break;
      case 1: mixed.push_back(f32(static_cast<float>(v))); break;
      case 2: mixed.push_back(rt::Value::i64(static_cast<uint64_t>(v))); break;
      default: mixed.push_back(f64(v)); break;
      }
    }
    mixed.push_back(rt::Value::i32(17));
    mixed.push_back(f64(18.5));
    rt::CallResult result = f.call("mixed", mixed);
    ASSERT_FALSE(result.trap) << name;
    EXPECT_EQ(asF64(result.values[0]), 17 + 18.5 + 4 + 14 + 15) << name;
  }
}

} // namespace
} // namespace wasmc
