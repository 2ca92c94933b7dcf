#pragma once
// Tier-up (issue 15, docs/BASELINE.md): baseline functions count their
// calls; the call that uses up a function's budget queues it for LLVM, and
// a background thread compiles it (the lazy JIT's single-function compile,
// at the module's -O level) and points the function's stub at the new code.
// Every call goes through the stub, so every call that starts after the
// switch runs optimised code; calls already running finish in baseline code.

#include "compiler/baseline/X64Compiler.h"
#include "compiler/codegen/Codegen.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace wasmc::tools {

struct TierUpOptions {
  /// Calls of a baseline function before LLVM recompiles it; 0: never (the
  /// baseline tier alone).
  uint32_t afterCalls = 0;
  /// The call that asks for a tier-up waits until the optimised code is
  /// installed, so the function's next call runs it (deterministic; tests).
  bool wait = false;
};

/// What tier-up did so far; read while the module runs.
struct TierUpStats {
  std::atomic<uint32_t> requested{0};
  std::atomic<uint32_t> installed{0};
  std::atomic<uint32_t> failed{0}; // LLVM could not compile it: it stays on baseline code
};

class TierUp {
public:
  /// `jit` must be a lazy JIT's code and outlive this.
  TierUp(codegen::JitCode& jit, uint32_t functions, TierUpOptions options);
  /// Waits for the compile in progress, if any; queued ones are dropped.
  ~TierUp();
  TierUp(const TierUp&) = delete;
  TierUp& operator=(const TierUp&) = delete;

  /// For the baseline compiler: this module's counters and request hook.
  baseline::CallCounting counting() { return {counters_.get(), &request, this}; }
  std::shared_ptr<const TierUpStats> stats() const { return stats_; }

private:
  enum State : uint8_t { Baseline, Queued, Installed };

  /// Called from baseline code (CallCounting::request), on a wasm thread.
  static void request(void* self, uint32_t index);
  void work();

  codegen::JitCode& jit_;
  TierUpOptions options_;
  std::unique_ptr<int32_t[]> counters_;
  std::unique_ptr<std::atomic<uint8_t>[]> state_;
  std::shared_ptr<TierUpStats> stats_ = std::make_shared<TierUpStats>();
  std::mutex mutex_;
  std::condition_variable wake_;     // the worker: work queued, or stop
  std::condition_variable finished_; // waiting callers: a function left the queue
  std::deque<uint32_t> queue_;
  bool stopping_ = false;
  std::thread worker_;
};

} // namespace wasmc::tools
