#include "compiler/codegen/CompileThreads.h"

#include <llvm/Support/thread.h>

#include <condition_variable>
#include <optional>

namespace wasmc::codegen {

struct CompileThreads::Worker {
  std::mutex mutex;
  std::condition_variable wake; // a task, or stop
  std::condition_variable done; // the task finished
  llvm::function_ref<void()>* task = nullptr;
  bool stop = false;
  llvm::thread thread;

  explicit Worker(unsigned stackBytes) : thread(std::optional<unsigned>(stackBytes), [this] { loop(); }) {}

  void loop() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return stop || task; });
      if (stop)
        return;
      (*task)();
      task = nullptr;
      done.notify_one();
    }
  }

  void run(llvm::function_ref<void()>& work) {
    std::unique_lock<std::mutex> lock(mutex);
    task = &work;
    wake.notify_one();
    done.wait(lock, [&] { return task == nullptr; });
  }
};

CompileThreads::CompileThreads(unsigned stackBytes) : stackBytes_(stackBytes) {}

CompileThreads::~CompileThreads() {
  for (std::unique_ptr<Worker>& worker : all_) {
    {
      std::lock_guard<std::mutex> lock(worker->mutex);
      worker->stop = true;
    }
    worker->wake.notify_one();
    worker->thread.join();
  }
}

void CompileThreads::run(llvm::function_ref<void()> task) {
  Worker* worker = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.empty()) {
      all_.push_back(std::make_unique<Worker>(stackBytes_));
      worker = all_.back().get();
    } else {
      worker = idle_.back();
      idle_.pop_back();
    }
  }
  worker->run(task);
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(worker);
}

} // namespace wasmc::codegen
