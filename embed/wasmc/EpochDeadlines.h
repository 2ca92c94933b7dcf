#pragma once
// An engine's epoch and the stores waiting for it (wasmc_engine_increment_epoch,
// wasmc_store_set_epoch_deadline).
//
// increment() is what a timer thread or a signal handler calls, often: one
// atomic add and one atomic load, plus a write to an eventfd when a
// deadline falls due. No lock and no allocation, so it is async-signal-safe.
// The engine's epoch thread (started with the first deadline) wakes on the
// eventfd and interrupts the due stores, which needs the stores' locks.

#include <atomic>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace wasmc::rt {
class Store;
}

namespace wasmc::capi {

class EpochDeadlines {
public:
  EpochDeadlines() = default;
  EpochDeadlines(const EpochDeadlines&) = delete;
  EpochDeadlines& operator=(const EpochDeadlines&) = delete;
  /// Stops and joins the epoch thread.
  ~EpochDeadlines();

  /// Advances the epoch by one. Async-signal-safe and lock-free.
  void increment();
  uint64_t epoch() const { return epoch_.load(); }
  /// Interrupts `store` once the epoch has advanced `ticks` from now
  /// (replacing its earlier deadline); 0 removes its deadline.
  void arm(rt::Store& store, uint64_t ticks);
  /// What to do when `store`'s deadline falls due, instead of interrupting
  /// it: the callback returns the ticks to extend the deadline by (the
  /// store runs on), or 0 to interrupt it. It runs on the epoch thread with
  /// this object's lock held, while the store's wasm may be running:
  /// it must not arm, forget or set callbacks (increment and epoch are
  /// fine). An empty function removes it.
  using Callback = std::function<uint64_t()>;
  void setCallback(rt::Store& store, Callback callback);
  /// Removes `store`'s deadline and callback (before the store goes); when
  /// it returns, the callback is not running and never will.
  void forget(rt::Store& store);

private:
  /// Interrupts and removes every store whose deadline has come, and
  /// publishes the next deadline. Called with mutex_ held.
  void interruptDue();
  void run(int fd);

  std::atomic<uint64_t> epoch_{0};
  std::atomic<uint64_t> next_{UINT64_MAX}; // the earliest deadline
  std::mutex mutex_;
  std::vector<std::pair<rt::Store*, uint64_t>> deadlines_;
  std::unordered_map<rt::Store*, Callback> callbacks_;
  std::atomic<int> wake_{-1}; // eventfd the epoch thread reads
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

} // namespace wasmc::capi
