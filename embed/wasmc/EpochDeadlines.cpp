#include "embed/wasmc/EpochDeadlines.h"

#include "runtime/Store.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace wasmc::capi {

namespace {

void signal(int fd) {
  uint64_t one = 1;
  // A full counter (2^64 - 2 wake-ups unread) cannot happen: the thread
  // reads it down to 0 on every wake-up.
  while (::write(fd, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

} // namespace

EpochDeadlines::~EpochDeadlines() {
  if (thread_.joinable()) {
    stopping_.store(true);
    signal(wake_.load());
    thread_.join();
  }
  if (wake_.load() >= 0)
    ::close(wake_.load());
}

void EpochDeadlines::increment() {
  // Both sequentially consistent, as in arm(): either this sees the
  // deadline arm() published, or arm() sees this epoch and interrupts.
  const uint64_t now = epoch_.fetch_add(1) + 1;
  if (now < next_.load())
    return;
  if (int fd = wake_.load(); fd >= 0) {
    signal(fd);
    return;
  }
  // No eventfd (arm() could not make one): deadlines are met here, under
  // the lock, which is not signal-safe; only then.
  std::lock_guard<std::mutex> lock(mutex_);
  interruptDue();
}

void EpochDeadlines::arm(rt::Store& store, uint64_t ticks) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::erase_if(deadlines_, [&](const auto& entry) { return entry.first == &store; });
  if (ticks) {
    if (!thread_.joinable() && wake_.load() < 0) {
      int fd = ::eventfd(0, EFD_CLOEXEC);
      if (fd >= 0) {
        thread_ = std::thread([this, fd] { run(fd); });
        wake_.store(fd);
      }
    }
    const uint64_t now = epoch_.load();
    deadlines_.emplace_back(&store, now + std::min(ticks, UINT64_MAX - now));
  }
  interruptDue();
}

void EpochDeadlines::setCallback(rt::Store& store, Callback callback) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (callback)
    callbacks_[&store] = std::move(callback);
  else
    callbacks_.erase(&store);
}

void EpochDeadlines::forget(rt::Store& store) {
  arm(store, 0);
  setCallback(store, nullptr);
}

void EpochDeadlines::interruptDue() {
  while (true) {
    const uint64_t now = epoch_.load();
    uint64_t next = UINT64_MAX;
    for (auto& [store, deadline] : deadlines_) {
      if (deadline > now)
        continue;
      // Due: the store's callback may extend it; otherwise it stops.
      auto callback = callbacks_.find(store);
      uint64_t extension = callback != callbacks_.end() ? callback->second() : 0;
      if (extension) {
        const uint64_t at = epoch_.load();
        deadline = at + std::min(extension, UINT64_MAX - at);
      } else {
        store->interrupt();
        deadline = 0; // removed below
      }
    }
    std::erase_if(deadlines_, [&](const std::pair<rt::Store*, uint64_t>& entry) {
      if (entry.second == 0)
        return true;
      next = std::min(next, entry.second);
      return false;
    });
    next_.store(next);
    // An increment since the load above compared with the old next_: look
    // again, now that this one is published.
    if (epoch_.load() < next)
      return;
  }
}

void EpochDeadlines::run(int fd) {
  while (!stopping_.load()) {
    uint64_t count;
    ssize_t got = ::read(fd, &count, sizeof count);
    if (got < 0 && errno != EINTR)
      return;
    if (stopping_.load())
      return;
    std::lock_guard<std::mutex> lock(mutex_);
    interruptDue();
  }
}

} // namespace wasmc::capi
