#include "runtime/MemoryPool.h"

#include "runtime/Function.h"
#include "runtime/Memory.h"

#include <atomic>

namespace wasmc::rt {
namespace {

std::atomic<size_t> poolCapacity{0};

} // namespace

MemoryPool::~MemoryPool() = default;

std::unique_ptr<Memory> MemoryPool::take(const wasm::MemoryType& type, uint64_t limitBytes,
                                         const abi::StoreRecord* owner) {
  std::unique_ptr<Memory> memory;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty())
      return nullptr;
    memory = std::move(free_.back());
    free_.pop_back();
  }
  std::optional<uint32_t> max;
  if (type.limits.hasMax)
    max = type.limits.max;
  if (!memory->reuse(max, limitBytes, owner))
    return nullptr; // freed; the caller creates one, or reports the limit
  return memory;
}

void MemoryPool::give(std::unique_ptr<Memory> memory, const wasm::MemoryType& type) {
  if (!memory->reset(type.limits.min))
    return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.size() < capacity_)
    free_.push_back(std::move(memory));
}

MemoryInstance::~MemoryInstance() {
  if (pool && memory)
    pool->give(std::move(memory), wasm::MemoryType{declared});
}

void setMemoryPoolCapacity(size_t capacity) { poolCapacity.store(capacity); }
size_t memoryPoolCapacity() { return poolCapacity.load(); }

} // namespace wasmc::rt
