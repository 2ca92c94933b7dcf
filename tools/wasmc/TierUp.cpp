#include "tools/wasmc/TierUp.h"

#include <cstdio>

namespace wasmc::tools {

TierUp::TierUp(codegen::JitCode& jit, uint32_t functions, TierUpOptions options)
    : jit_(jit), options_(options), counters_(new int32_t[functions]),
      state_(new std::atomic<uint8_t>[functions]) {
  for (uint32_t i = 0; i < functions; ++i) {
    // afterCalls = 0 never reaches 0 again before 2^32 calls; the request
    // is idempotent anyway.
    counters_[i] = static_cast<int32_t>(options.afterCalls);
    state_[i].store(Baseline, std::memory_order_relaxed);
  }
  worker_ = std::thread([this] { work(); });
}

TierUp::~TierUp() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  finished_.notify_all();
  worker_.join();
}

void TierUp::request(void* self, uint32_t index) {
  auto& tierUp = *static_cast<TierUp*>(self);
  if (tierUp.options_.afterCalls == 0)
    return;
  uint8_t expected = Baseline;
  if (tierUp.state_[index].compare_exchange_strong(expected, Queued)) {
    tierUp.stats_->requested.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(tierUp.mutex_);
    tierUp.queue_.push_back(index);
    tierUp.wake_.notify_one();
  }
  if (!tierUp.options_.wait)
    return;
  std::unique_lock<std::mutex> lock(tierUp.mutex_);
  tierUp.finished_.wait(lock, [&] {
    return tierUp.stopping_ || tierUp.state_[index].load(std::memory_order_acquire) == Installed;
  });
}

void TierUp::work() {
  for (;;) {
    uint32_t index;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_)
        return;
      index = queue_.front();
      queue_.pop_front();
    }
    // The code is registered with the trap handler (JitCode::onCompiled)
    // during compileFunction, before redirect makes it reachable.
    Expected<const void*> code = jit_.compileFunction(index);
    Expected<void> redirected = code ? jit_.redirect(index, *code) : Expected<void>(code.error());
    if (redirected) {
      stats_->installed.fetch_add(1, std::memory_order_relaxed);
    } else {
      // Our bug (LLVM refused a function the validator accepted); the
      // baseline code stays and is correct, so the program goes on.
      stats_->failed.fetch_add(1, std::memory_order_relaxed);
      std::fprintf(stderr, "wasmc: tier-up failed, staying on baseline code: %s\n",
                   redirected.error().describe().c_str());
    }
    {
      // Installed also after a failure: nobody waits for it forever.
      std::lock_guard<std::mutex> lock(mutex_);
      state_[index].store(Installed, std::memory_order_release);
    }
    finished_.notify_all();
  }
}

} // namespace wasmc::tools
