#pragma once
// Pooled linear memories (issue 18): a module's memories outlive their
// instances, reset instead of unmapped, and the module's next instance
// takes one: no reservation of 8 GiB to map, no page tables to build and
// free, and the memory image stays mapped (madvise puts its pages back).
// Off unless setMemoryPoolCapacity asks for it; then each module that
// defines a memory keeps up to that many.

#include "compiler/wasm/Module.h"
#include "runtime/Abi.h"
#include "runtime/Memory.h"

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace wasmc::rt {



class MemoryPool {
public:
  explicit MemoryPool(size_t capacity) : capacity_(capacity) {}
  ~MemoryPool();

  /// A reset memory of `type`'s minimum size for `owner`'s store with its
  /// cap, or null when the pool has none (or the cap is below the
  /// minimum): then the caller creates one.
  std::unique_ptr<Memory> take(const wasm::MemoryType& type, uint64_t limitBytes, const abi::StoreRecord* owner);
  /// A memory of `type` whose instance is gone: reset and kept, or freed
  /// when the pool is full or the reset fails.
  void give(std::unique_ptr<Memory> memory, const wasm::MemoryType& type);

private:
  size_t capacity_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Memory>> free_;
};

/// How many memories each module keeps for its next instances; 0 (the
/// default): none, every instance maps and unmaps its own. Process-wide;
/// a module reads it when first instantiated.
void setMemoryPoolCapacity(size_t capacity);
size_t memoryPoolCapacity();

} // namespace wasmc::rt
