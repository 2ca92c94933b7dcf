#include "runtime/Deadline.h"

#include "runtime/Store.h"

#include <chrono>

namespace wasmc::rt {

Deadline::Deadline(Store& store, uint64_t ns) {
  thread_ = std::thread([this, &store, ns] {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!done_.wait_for(lock, std::chrono::nanoseconds(ns), [this] { return finished_; }))
      store.interrupt();
  });
}

Deadline::~Deadline() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
  }
  done_.notify_one();
  thread_.join();
}

} // namespace wasmc::rt
