#pragma once
// Private to compiler/codegen: threads with a big stack that stay for the
// next compile. LLVM recurses deeply (so does JITLink's lookup), so the
// lazy JIT never compiles on a wasm thread's stack; a new thread per
// compile paid for its stack's page faults (about 10 us each on this
// project's VM) and lost its cached TargetMachine (threadTargetMachine) at
// every function tier-up compiles.

#include <llvm/ADT/STLFunctionalExtras.h>

#include <memory>
#include <mutex>
#include <vector>

namespace wasmc::codegen {

class CompileThreads {
public:
  explicit CompileThreads(unsigned stackBytes);
  /// Joins every thread; no run may be in progress.
  ~CompileThreads();
  CompileThreads(const CompileThreads&) = delete;
  CompileThreads& operator=(const CompileThreads&) = delete;

  /// Runs `task` on an idle thread (a new one if all are busy: callers on
  /// several threads compile in parallel, as before) and returns when it
  /// has finished.
  void run(llvm::function_ref<void()> task);

private:
  struct Worker;
  unsigned stackBytes_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Worker>> all_;
  std::vector<Worker*> idle_;
};

} // namespace wasmc::codegen
