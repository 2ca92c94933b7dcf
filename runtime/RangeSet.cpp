#include "runtime/RangeSet.h"

namespace wasmc::rt {

void RangeSet::write(Slot& slot, uintptr_t start, uintptr_t end, uintptr_t owner) {
  uint64_t seq = slot.seq.load(std::memory_order_relaxed);
  slot.seq.store(seq + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  slot.start.store(start, std::memory_order_relaxed);
  slot.end.store(end, std::memory_order_relaxed);
  slot.owner.store(owner, std::memory_order_relaxed);
  slot.seq.store(seq + 2, std::memory_order_release);
}

uint32_t RangeSet::insert(uintptr_t start, uintptr_t end, uintptr_t owner) {
  std::lock_guard<std::mutex> lock(mutex_);
  uint32_t used = highWater_.load(std::memory_order_relaxed);
  // Reuse a free slot below the high-water mark first, so a create/destroy
  // loop does not grow the set.
  for (uint32_t index = 0; index < used; ++index) {
    Slot& slot = chunks_[index / kChunkSlots].load(std::memory_order_relaxed)[index % kChunkSlots];
    if (slot.end.load(std::memory_order_relaxed) == 0) {
      write(slot, start, end, owner);
      return index;
    }
  }
  if (used == kChunkSlots * kMaxChunks)
    return kNoSlot;
  uint32_t chunkIndex = used / kChunkSlots;
  Slot* chunk = chunks_[chunkIndex].load(std::memory_order_relaxed);
  if (!chunk) {
    // Never freed: a signal handler may be reading it at any time.
    chunk = new Slot[kChunkSlots]();
    chunks_[chunkIndex].store(chunk, std::memory_order_release);
  }
  write(chunk[used % kChunkSlots], start, end, owner);
  highWater_.store(used + 1, std::memory_order_release);
  return used;
}

void RangeSet::erase(uint32_t index) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (index >= highWater_.load(std::memory_order_relaxed))
    return;
  Slot& slot = chunks_[index / kChunkSlots].load(std::memory_order_relaxed)[index % kChunkSlots];
  write(slot, 0, 0, 0);
}

bool RangeSet::contains(uintptr_t addr) const {
  uintptr_t owner;
  return find(addr, owner);
}

bool RangeSet::containsOwnedBy(uintptr_t addr, uintptr_t owner) const {
  uintptr_t found;
  return find(addr, found) && found == owner;
}

bool RangeSet::find(uintptr_t addr, uintptr_t& found) const {
  uint32_t used = highWater_.load(std::memory_order_acquire);
  for (uint32_t index = 0; index < used; ++index) {
    const Slot* chunk = chunks_[index / kChunkSlots].load(std::memory_order_acquire);
    if (!chunk)
      return false;
    const Slot& slot = chunk[index % kChunkSlots];
    uint64_t seq = slot.seq.load(std::memory_order_acquire);
    if (seq & 1)
      continue;
    uintptr_t start = slot.start.load(std::memory_order_relaxed);
    uintptr_t end = slot.end.load(std::memory_order_relaxed);
    uintptr_t owner = slot.owner.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (slot.seq.load(std::memory_order_relaxed) != seq)
      continue;
    if (start <= addr && addr < end) {
      found = owner;
      return true;
    }
  }
  return false;
}

} // namespace wasmc::rt
