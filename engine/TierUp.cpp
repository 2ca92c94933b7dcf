#include "engine/TierUp.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <optional>
#include <cstdio>
#include <cstdlib>

namespace wasmc::engine {

TierUp::TierUp(codegen::JitCode& jit, const wasm::Module& module, TierUpOptions options)
    : jit_(jit), options_(options), counters_(new int32_t[module.functions.size()]),
      loopCounters_(new int32_t[module.functions.size()]),
      state_(new std::atomic<uint8_t>[module.functions.size()]) {
  const auto functions = static_cast<uint32_t>(module.functions.size());
  scale_.resize(functions);
  bodyBytes_.resize(functions);
  for (uint32_t i = 0; i < functions; ++i) {
    bodyBytes_[i] = module.functions[i].body.size;
    scale_[i] = std::max<uint32_t>(1, module.functions[i].body.size / kBudgetBodyBytes);
    // A budget of 0 never reaches 0 again before 2^32 calls; the requests
    // check for it anyway.
    counters_[i] = budget(options.afterCalls, i);
    loopCounters_[i] = budget(options.afterIterations, i);
    state_[i].store(Baseline, std::memory_order_relaxed);
  }
  const char* statsLevel = std::getenv("WASMC_TIER_STATS");
  logEach_ = statsLevel && std::atoi(statsLevel) >= 2;
  worker_ = std::thread([this] { work(); });
}

int32_t TierUp::budget(uint32_t base, uint32_t index) const {
  return static_cast<int32_t>(std::min<uint64_t>(uint64_t(base) * scale_[index], INT_MAX));
}

TierUp::~TierUp() {
  if (std::getenv("WASMC_TIER_STATS"))
    std::fprintf(stderr,
                 "tier-up: %u requested, %u installed, %u failed (%.1f ms compiling); %u loop entries (%.1f ms), "
                 "%u entered\n",
                 stats_->requested.load(), stats_->installed.load(), stats_->failed.load(),
                 stats_->compileNs.load() / 1e6, stats_->loopEntries.load(), stats_->loopCompileNs.load() / 1e6,
                 stats_->loopsEntered.load());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
    loopQueue_.clear();
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
    tierUp.enqueue(index, /*hotLoop=*/false);
    tierUp.wake_.notify_one();
  }
  if (!tierUp.options_.wait)
    return;
  std::unique_lock<std::mutex> lock(tierUp.mutex_);
  tierUp.finished_.wait(lock, [&] {
    return tierUp.stopping_ || tierUp.state_[index].load(std::memory_order_acquire) == Installed;
  });
}

const void* TierUp::enterLoop(void* self, uint32_t index, uint32_t loopOffset) {
  auto& tierUp = *static_cast<TierUp*>(self);
  if (tierUp.options_.afterIterations == 0) {
    tierUp.loopCounters_[index] = INT_MAX;
    return nullptr;
  }
  const uint64_t key = loopKey(index, loopOffset);
  std::unique_lock<std::mutex> lock(tierUp.mutex_);
  // A loop this hot makes its function hot: later calls start in LLVM
  // code. Queued behind the loop entry, and never waited for here.
  if (uint8_t expected = Baseline; tierUp.state_[index].compare_exchange_strong(expected, Queued)) {
    tierUp.stats_->requested.fetch_add(1, std::memory_order_relaxed);
    tierUp.enqueue(index, /*hotLoop=*/true);
    tierUp.wake_.notify_one();
  }
  auto loop = tierUp.loops_.find(key);
  if (loop == tierUp.loops_.end()) {
    // One loop entry of a function at a time: its loops share one budget,
    // so while the first one compiles the others would all be asked for
    // (each a whole-function compile) before the first is ready.
    if (!tierUp.loopsPending_.insert(index).second) {
      tierUp.loopCounters_[index] = tierUp.budget(tierUp.options_.afterIterations, index);
      return nullptr;
    }
    loop = tierUp.loops_.try_emplace(key).first;
    tierUp.loopQueue_.push_back(key);
    tierUp.wake_.notify_one();
  }
  if (tierUp.options_.wait)
    tierUp.finished_.wait(lock, [&] { return tierUp.stopping_ || loop->second.done; });
  if (loop->second.done && loop->second.entry) {
    tierUp.stats_->loopsEntered.fetch_add(1, std::memory_order_relaxed);
    return loop->second.entry;
  }
  // Still compiling: ask again after another budget. Failed: not again.
  tierUp.loopCounters_[index] = loop->second.done ? INT_MAX : tierUp.budget(tierUp.options_.afterIterations, index);
  return nullptr;
}

int32_t TierUp::callCounter(uint32_t index) const {
  // Baseline code decrements it with plain instructions; a relaxed read
  // sees some recent value, which is all a priority needs.
  return std::atomic_ref<int32_t>(counters_[index]).load(std::memory_order_relaxed);
}

void TierUp::enqueue(uint32_t index, bool hotLoop) {
  queue_.push_back(TierUpCandidate{index, callCounter(index), std::chrono::steady_clock::now(), hotLoop});
}

size_t nextToCompile(std::span<const TierUpCandidate> waiting, const std::function<int32_t(uint32_t)>& counter,
                     std::span<const uint32_t> bodyBytes, std::chrono::steady_clock::time_point now) {
  std::optional<size_t> loop;
  for (size_t i = 0; i < waiting.size(); ++i)
    if (waiting[i].hotLoop && (!loop || waiting[i].requested < waiting[*loop].requested))
      loop = i;
  if (loop)
    return *loop;
  size_t best = 0;
  double bestPriority = -1;
  for (size_t i = 0; i < waiting.size(); ++i) {
    const TierUpCandidate& candidate = waiting[i];
    const double calls = std::max<int64_t>(0, int64_t(candidate.counterAtRequest) - counter(candidate.index));
    const double seconds = std::max(1e-6, std::chrono::duration<double>(now - candidate.requested).count());
    const double size = bodyBytes[candidate.index];
    const double priority = calls / seconds * size / (size + kCompileFixedBytes);
    if (priority > bestPriority) {
      best = i;
      bestPriority = priority;
    }
  }
  return best;
}

uint32_t TierUp::takeHottest() {
  const size_t next = nextToCompile(
      queue_, [this](uint32_t index) { return callCounter(index); }, bodyBytes_, std::chrono::steady_clock::now());
  const uint32_t index = queue_[next].index;
  queue_[next] = queue_.back();
  queue_.pop_back();
  return index;
}

void TierUp::work() {
  for (;;) {
    std::optional<uint64_t> loop;
    uint32_t index = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || !loopQueue_.empty(); });
      if (stopping_)
        return;
      // A loop entry first: a call is waiting in that loop right now.
      if (!loopQueue_.empty()) {
        loop = loopQueue_.front();
        loopQueue_.pop_front();
      } else {
        index = takeHottest();
      }
    }
    auto start = std::chrono::steady_clock::now();
    if (loop)
      compileLoop(*loop);
    else
      compile(index);
    auto ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
    (loop ? stats_->loopCompileNs : stats_->compileNs).fetch_add(ns, std::memory_order_relaxed);
    if (logEach_)
      std::fprintf(stderr, "tier-up: at %.1f ms, %s %u (%u bytes of wasm) in %.2f ms\n",
                   std::chrono::duration<double, std::milli>(start - created_).count(),
                   loop ? "loop entry of" : "function", loop ? uint32_t(*loop >> 32) : index,
                   bodyBytes_[loop ? uint32_t(*loop >> 32) : index], ns / 1e6);
    finished_.notify_all();
  }
}

void TierUp::compile(uint32_t index) {
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
  // Installed also after a failure: nobody waits for it forever.
  std::lock_guard<std::mutex> lock(mutex_);
  state_[index].store(Installed, std::memory_order_release);
}

void TierUp::compileLoop(uint64_t key) {
  const auto index = static_cast<uint32_t>(key >> 32);
  Expected<const void*> entry = jit_.compileLoopEntry(index, static_cast<uint32_t>(key));
  if (entry) {
    stats_->loopEntries.fetch_add(1, std::memory_order_relaxed);
  } else {
    stats_->failed.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "wasmc: on-stack replacement failed, staying on baseline code: %s\n",
                 entry.error().describe().c_str());
  }
  std::lock_guard<std::mutex> lock(mutex_);
  LoopEntry& loop = loops_[key];
  loop.entry = entry ? *entry : nullptr;
  loop.done = true;
  loopsPending_.erase(index);
}

} // namespace wasmc::engine
