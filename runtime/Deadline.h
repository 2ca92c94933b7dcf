#pragma once
// A timeout for a store: interrupts it (Store::interrupt) once a duration
// has passed, from a thread of its own.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace wasmc::rt {

class Store;

class Deadline {
public:
  /// Interrupts `store` after `ns` nanoseconds unless destroyed first
  /// (which stops and joins the thread). `store` must outlive it.
  Deadline(Store& store, uint64_t ns);
  ~Deadline();
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

private:
  std::mutex mutex_;
  std::condition_variable done_;
  bool finished_ = false;
  std::thread thread_;
};

} // namespace wasmc::rt
