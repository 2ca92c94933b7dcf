#pragma once
// Tier-up (issue 15, docs/BASELINE.md): baseline functions count their
// calls; the call that uses up a function's budget queues it for LLVM, and
// a background thread compiles it (the lazy JIT's single-function compile,
// at the module's -O level) and points the function's stub at the new code.
// Every call goes through the stub, so every call that starts after the
// switch runs optimised code. A call already running in a loop switches at
// the loop's header (on-stack replacement): the loop's back-edges count
// too, and when they use up the budget the thread compiles the function's
// entry at that loop (JitCode::compileLoopEntry), which the baseline code
// calls with its locals.

#include "compiler/baseline/X64Compiler.h"
#include "compiler/codegen/Codegen.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace wasmc::engine {

/// Both budgets below are for a function of up to kBudgetBodyBytes of
/// wasm; a bigger one gets them times its size over that: its compile
/// costs about that much more, and on a machine whose cores share their
/// throughput (this project's 2-core CI machine runs a program at half
/// speed beside a busy loop) a background compile is paid for by the
/// program. (V8 scales its tier-up budget by function size too.)
inline constexpr uint32_t kBudgetBodyBytes = 4096;

/// What compiling any function costs beyond its body, in bytes of body
/// that cost as much: a function of a few bytes took 2 ms at -O2 (pass
/// set-up, code generation, linking), a large one about 20 us per byte.
/// Tier-up compiles the queued function that gains most per unit of this.
inline constexpr double kCompileFixedBytes = 100;

struct TierUpOptions {
  /// Calls of a baseline function before LLVM recompiles it; 0: never (the
  /// baseline tier alone).
  uint32_t afterCalls = 0;
  /// The call that asks for a tier-up waits until the optimised code is
  /// installed, so the function's next call runs it (deterministic; tests).
  bool wait = false;
  /// Loop headers a function's calls may pass before the loop is entered
  /// in LLVM code (each function's loops share one budget); 0: no
  /// on-stack replacement. With `wait`, the loop goes on in LLVM code at
  /// once.
  uint32_t afterIterations = 0;
};

/// Tier-up as `wasmc run` and embedders' TIERED engines do it.
inline constexpr TierUpOptions kDefaultTierUp{.afterCalls = 1000, .wait = false, .afterIterations = 1000000};

/// What tier-up did so far; read while the module runs.
struct TierUpStats {
  std::atomic<uint32_t> requested{0};
  std::atomic<uint32_t> installed{0};
  std::atomic<uint32_t> failed{0}; // LLVM could not compile it: it stays on baseline code
  std::atomic<uint32_t> loopEntries{0}; // loop entries compiled (on-stack replacement)
  std::atomic<uint32_t> loopsEntered{0}; // times a baseline call went on in one
  std::atomic<uint64_t> compileNs{0};     // the worker's time compiling functions
  std::atomic<uint64_t> loopCompileNs{0}; // and loop entries
};

/// A function waiting for tier-up's compile.
struct TierUpCandidate {
  uint32_t index;            // defined function
  int32_t counterAtRequest;  // its call counter when it was queued
  std::chrono::steady_clock::time_point requested;
  bool hotLoop;              // queued by a loop header (on-stack replacement), not by calls
};

/// Which of `waiting` (not empty) tier-up compiles next. First the
/// earliest with a hot loop: its later calls start in baseline code, and
/// once one of them has entered LLVM code at the loop the loop budget is
/// spent, so the others run their loops on baseline code until the
/// function is compiled; its calls may be few, so by calls alone it would
/// come last. Then the one with the most calls since its request (the
/// counter goes on down past 0; `counter(index)` reads it now) per second
/// queued, times the share of its compile that is its body's own
/// (kCompileFixedBytes): a small function costs mostly the fixed part and
/// saves little per call. What gains most per millisecond of compiling
/// goes first; first come, first served put flite's hottest function
/// (fmult, a third of its run) behind 50 others.
size_t nextToCompile(std::span<const TierUpCandidate> waiting, const std::function<int32_t(uint32_t)>& counter,
                     std::span<const uint32_t> bodyBytes, std::chrono::steady_clock::time_point now);

class TierUp {
public:
  /// `jit` must be a lazy JIT's code and outlive this.
  TierUp(codegen::JitCode& jit, const wasm::Module& module, TierUpOptions options);
  /// Waits for the compile in progress, if any; queued ones are dropped.
  ~TierUp();
  TierUp(const TierUp&) = delete;
  TierUp& operator=(const TierUp&) = delete;

  /// For the baseline compiler: this module's counters and request hook.
  baseline::CallCounting counting() {
    return {counters_.get(), &request, this, loopCounters_.get(), &enterLoop};
  }
  std::shared_ptr<const TierUpStats> stats() const { return stats_; }

private:
  enum State : uint8_t { Baseline, Queued, Installed };

  /// Called from baseline code (CallCounting::request), on a wasm thread.
  static void request(void* self, uint32_t index);
  /// Called from a baseline loop header (CallCounting::enterLoop).
  static const void* enterLoop(void* self, uint32_t index, uint32_t loopOffset);
  void work();
  void compile(uint32_t index);
  void compileLoop(uint64_t key);

  /// A loop entry's state; `entry` is set (or stays null after a failure)
  /// before `done`.
  struct LoopEntry {
    bool done = false;
    const void* entry = nullptr;
  };
  static uint64_t loopKey(uint32_t index, uint32_t loopOffset) { return (uint64_t(index) << 32) | loopOffset; }

  codegen::JitCode& jit_;
  TierUpOptions options_;
  /// A budget of `base` for defined function `index` (kBudgetBodyBytes).
  int32_t budget(uint32_t base, uint32_t index) const;

  std::vector<uint32_t> scale_; // per defined function: its budgets' multiple
  std::vector<uint32_t> bodyBytes_; // per defined function: its body's size
  bool logEach_ = false;            // WASMC_TIER_STATS=2: a line per compile
  std::chrono::steady_clock::time_point created_ = std::chrono::steady_clock::now();
  std::unique_ptr<int32_t[]> counters_;
  std::unique_ptr<int32_t[]> loopCounters_;
  std::unique_ptr<std::atomic<uint8_t>[]> state_;
  std::shared_ptr<TierUpStats> stats_ = std::make_shared<TierUpStats>();
  std::mutex mutex_;
  std::condition_variable wake_;     // the worker: work queued, or stop
  std::condition_variable finished_; // waiting callers: a function left the queue
  /// The caller holds mutex_.
  void enqueue(uint32_t index, bool hotLoop);
  /// The queued function to compile next (nextToCompile); the caller
  /// holds mutex_.
  uint32_t takeHottest();
  int32_t callCounter(uint32_t index) const;
  std::vector<TierUpCandidate> queue_; // functions, in no order
  std::deque<uint64_t> loopQueue_;      // loop entries (loopKey), before functions
  std::map<uint64_t, LoopEntry> loops_; // every loop entry asked for
  std::set<uint32_t> loopsPending_;     // functions with a loop entry compiling
  bool stopping_ = false;
  std::thread worker_;
};

} // namespace wasmc::engine
