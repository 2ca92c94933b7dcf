// Tier-up (engine/TierUp.h): baseline functions counted, recompiled by
// LLVM and switched over through their stubs. Calls that cross the tier
// boundary (a baseline frame calling the LLVM version of itself), traps in
// the optimised code, the threshold, and installation in the background
// while the module keeps running.

#include "test/unit/codegen/ModuleFixture.h"
#include "engine/BaselineModule.h"
#include "engine/TierUp.h"

#include <chrono>
#include <thread>
#include <vector>

namespace wasmc {
namespace {

const char* kModule = R"((module
  (func $fact (export "fact") (param $n i64) (result i64)
    (if (result i64) (i64.le_s (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fact (i64.sub (local.get $n) (i64.const 1)))))))
  (func $quot (export "quot") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (call $sq (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $s)))
)";

struct Tiered {
  std::shared_ptr<const rt::CompiledModule> module;
  std::shared_ptr<const engine::TierUpStats> stats;

  explicit Tiered(engine::TierUpOptions options) {
    auto bytes = test::assembleWat(kModule);
    engine::BaselineCoverage coverage;
    auto compiled = engine::compileModuleBaseline(bytes, codegen::Options{.optLevel = 2, .jobs = 1}, options,
                                                 &coverage, engine::BaselineCompile::Ahead);
    EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
    if (!compiled)
      return;
    module = *compiled;
    stats = coverage.tierUp;
    EXPECT_EQ(coverage.baseline->compiled, coverage.functions) << "every function should start on baseline code";
  }
};

/// Wraps as i64.mul does (25! does not fit).
uint64_t factorial(int64_t n) { return n <= 1 ? 1 : uint64_t(n) * factorial(n - 1); }

TEST(TierUp, RecursionCrossesTheTierBoundary) {
  // The first call asks and waits; its recursive call already runs the
  // LLVM code, which calls itself through the stub.
  Tiered tiered({.afterCalls = 1, .wait = true});
  ASSERT_TRUE(tiered.module && tiered.stats);
  test::Fixture f(tiered.module);
  ASSERT_NE(f.instance, nullptr);
  for (int64_t n : {20, 5, 1, 0, 25}) {
    rt::CallResult result = f.call("fact", {rt::Value::i64(static_cast<uint64_t>(n))});
    ASSERT_FALSE(result.trap);
    EXPECT_EQ(result.values[0].asI64(), factorial(n)) << n;
  }
  EXPECT_EQ(tiered.stats->requested.load(), 1u);
  EXPECT_EQ(tiered.stats->installed.load(), 1u);
  EXPECT_EQ(tiered.stats->failed.load(), 0u);
}

TEST(TierUp, WaitsForItsThreshold) {
  Tiered tiered({.afterCalls = 5, .wait = true});
  ASSERT_TRUE(tiered.module && tiered.stats);
  test::Fixture f(tiered.module);
  ASSERT_NE(f.instance, nullptr);
  for (int call = 1; call <= 4; ++call)
    EXPECT_EQ(f.call("quot", {rt::Value::i32(7), rt::Value::i32(2)}).values[0].asI32(), 3u);
  EXPECT_EQ(tiered.stats->requested.load(), 0u) << "four calls, threshold five";
  EXPECT_EQ(f.call("quot", {rt::Value::i32(-9), rt::Value::i32(2)}).values[0].asI32(), uint32_t(-4));
  EXPECT_EQ(tiered.stats->installed.load(), 1u);
}

TEST(TierUp, TrapsInOptimisedCodeAreTrapsWithTheirFunction) {
  Tiered tiered({.afterCalls = 1, .wait = true});
  ASSERT_TRUE(tiered.module && tiered.stats);
  test::Fixture f(tiered.module);
  ASSERT_NE(f.instance, nullptr);
  // Before and after the switch: the same traps, from a known function.
  for (int round = 0; round < 2; ++round) {
    rt::CallResult zero = f.call("quot", {rt::Value::i32(1), rt::Value::i32(0)});
    ASSERT_TRUE(zero.trap) << "round " << round;
    EXPECT_EQ(zero.trap->code, abi::TrapCode::IntegerDivideByZero);
    ASSERT_FALSE(zero.trap->backtrace.empty());
    EXPECT_EQ(zero.trap->backtrace[0].funcIndex, 1u);
    rt::CallResult overflow = f.call("quot", {rt::Value::i32(0x80000000), rt::Value::i32(uint32_t(-1))});
    ASSERT_TRUE(overflow.trap);
    EXPECT_EQ(overflow.trap->code, abi::TrapCode::IntegerOverflow);
  }
  EXPECT_EQ(tiered.stats->installed.load(), 1u);
  // The instance survives its traps.
  EXPECT_EQ(f.call("quot", {rt::Value::i32(100), rt::Value::i32(7)}).values[0].asI32(), 14u);
}

TEST(TierUp, InstallsInTheBackgroundWhileTheModuleRuns) {
  // $sq is called a million times by one long call of "sum": it is queued
  // on its 100th call and switched over while that call goes on.
  Tiered tiered({.afterCalls = 100, .wait = false});
  ASSERT_TRUE(tiered.module && tiered.stats);
  test::Fixture f(tiered.module);
  ASSERT_NE(f.instance, nullptr);
  uint32_t expected = 0;
  for (uint32_t n = 1; n <= 1000000; ++n)
    expected += n * n;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (tiered.stats->installed.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    rt::CallResult result = f.call("sum", {rt::Value::i32(1000000)});
    ASSERT_FALSE(result.trap);
    EXPECT_EQ(result.values[0].asI32(), expected);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(tiered.stats->installed.load(), 1u) << "sq should have been recompiled within a minute";
  EXPECT_EQ(f.call("sum", {rt::Value::i32(1000000)}).values[0].asI32(), expected);
}

TEST(TierUp, DestroyingTheModuleStopsTheWorker) {
  // Requests queued and never waited for: the module goes away with its
  // worker mid-queue, and nothing runs after it.
  for (int i = 0; i < 5; ++i) {
    Tiered tiered({.afterCalls = 1, .wait = false});
    ASSERT_TRUE(tiered.module);
    test::Fixture f(tiered.module);
    ASSERT_NE(f.instance, nullptr);
    EXPECT_EQ(f.call("sum", {rt::Value::i32(10)}).values[0].asI32(), 385u);
    EXPECT_EQ(f.call("fact", {rt::Value::i64(3)}).values[0].asI64(), 6u);
  }
}

// The order of tier-up's queue (engine::nextToCompile). Counters count
// down from the budget; at 0 the function is queued, and every later call
// takes it further below 0.
struct Queue {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
  std::vector<engine::TierUpCandidate> waiting;
  std::vector<int32_t> counters = std::vector<int32_t>(8, 0);
  std::vector<uint32_t> bodyBytes = std::vector<uint32_t>(8, 1000);

  /// Function `index`, queued `msAgo` ms ago and called `calls` times since.
  void add(uint32_t index, int msAgo, int32_t calls, bool hotLoop = false) {
    waiting.push_back({index, 0, now - std::chrono::milliseconds(msAgo), hotLoop});
    counters[index] = -calls;
  }
  uint32_t next() const {
    size_t chosen = engine::nextToCompile(
        waiting, [&](uint32_t index) { return counters[index]; }, bodyBytes, now);
    return waiting.at(chosen).index;
  }
};

TEST(TierUpOrder, MostCallsPerSecondSinceTheRequestFirst) {
  Queue queue;
  queue.add(0, 100, 1000);  // 10,000 calls a second
  queue.add(1, 10, 500);    // 50,000: queued later, hotter
  queue.add(2, 1000, 5000); // 5,000: most calls, over the longest time
  EXPECT_EQ(queue.next(), 1u);
}

TEST(TierUpOrder, ASmallFunctionNeedsMoreCallsToGoFirst) {
  // Same calls a second; the 10-byte function's compile is mostly the
  // fixed part, and each of its calls saves little.
  Queue queue;
  queue.bodyBytes[3] = 10;
  queue.bodyBytes[4] = 400;
  queue.add(3, 100, 1000);
  queue.add(4, 100, 1000);
  EXPECT_EQ(queue.next(), 4u);
  // Ten times the calls of the bigger one and it comes first: 10/110 of
  // 10x beats 400/500 of 1x.
  queue.counters[3] = -10000;
  EXPECT_EQ(queue.next(), 3u);
}

TEST(TierUpOrder, AFunctionWithAHotLoopFirstAndTheEarliestOfThem) {
  Queue queue;
  queue.add(0, 10, 100000);            // very hot by calls
  queue.add(5, 50, 0, /*hotLoop=*/true); // called once, looping
  queue.add(6, 80, 0, /*hotLoop=*/true); // earlier
  EXPECT_EQ(queue.next(), 6u);
}

TEST(TierUpOrder, NoCallsSinceTheRequestStillTakesOne) {
  Queue queue;
  queue.add(2, 0, 0); // queued this instant: no division by zero
  queue.add(7, 5, 0);
  uint32_t next = queue.next();
  EXPECT_TRUE(next == 2u || next == 7u);
}

} // namespace
} // namespace wasmc
