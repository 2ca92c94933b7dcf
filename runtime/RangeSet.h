#pragma once
// A process-wide set of address ranges that a signal handler can query
// without locks or allocation (code ranges, memory reservations). Private to
// the runtime: CodeRegistry and Memory each own one.

#include <atomic>
#include <cstdint>
#include <mutex>

namespace wasmc::rt {

/// Ranges live in fixed-size chunks that are allocated on demand and never
/// freed, so a reader never touches freed memory. Each slot is a seqlock: a
/// writer makes the sequence odd, writes the bounds, makes it even again; a
/// reader skips a slot whose sequence is odd or changed under it. A slot in
/// transition belongs to a range being added (not yet in use) or removed
/// (no longer in use), so skipping it is the right answer, and a reader never
/// waits for a writer (the writer may be the very thread the signal hit).
///
/// Must be a namespace-scope `constinit` object: it is read from signal
/// handlers that can run before any dynamic initialisation.
class RangeSet {
public:
  static constexpr uint32_t kChunkSlots = 1024;
  static constexpr uint32_t kMaxChunks = 64;
  static constexpr uint32_t kNoSlot = UINT32_MAX;

  constexpr RangeSet() = default;
  RangeSet(const RangeSet&) = delete;
  RangeSet& operator=(const RangeSet&) = delete;

  /// Adds [start, end), tagged with `owner`, and returns its slot, or
  /// kNoSlot when all kChunkSlots * kMaxChunks slots are taken. Takes a
  /// mutex; not signal-safe.
  uint32_t insert(uintptr_t start, uintptr_t end, uintptr_t owner = 0);

  /// Removes the range in `slot` (from insert). Takes a mutex; not signal-safe.
  void erase(uint32_t slot);

  /// True if some range contains `addr`. Async-signal-safe and lock-free:
  /// no allocation, no locks, bounded time.
  bool contains(uintptr_t addr) const;

  /// True if a range tagged `owner` contains `addr`. Async-signal-safe and
  /// lock-free, like contains().
  bool containsOwnedBy(uintptr_t addr, uintptr_t owner) const;

private:
  struct Slot {
    std::atomic<uint64_t> seq{0}; // odd while being written
    std::atomic<uintptr_t> start{0};
    std::atomic<uintptr_t> end{0}; // 0 when the slot is free
    std::atomic<uintptr_t> owner{0};
  };

  static void write(Slot& slot, uintptr_t start, uintptr_t end, uintptr_t owner);
  /// The owner of the range containing `addr` in `found`; false if none.
  bool find(uintptr_t addr, uintptr_t& found) const;

  std::atomic<Slot*> chunks_[kMaxChunks] = {};
  std::atomic<uint32_t> highWater_{0}; // slots [0, highWater_) may be in use
  std::mutex mutex_;                   // serialises writers only
};

} // namespace wasmc::rt
