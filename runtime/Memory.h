#pragma once
// A 32-bit linear memory: one fixed reservation of abi::kMemoryGuardBelow
// bytes below the base and abi::kMemoryReservation bytes from it
// (addressable part plus guard region, PROT_NONE), of which the first
// pages() * 64 KiB are readable and writable. The base never moves.

#include "compiler/wasm/Error.h"
#include "runtime/Abi.h"

#include <cstdint>
#include <memory>
#include <optional>

namespace wasmc::rt {

class MemoryImage;

inline constexpr uint64_t kWasmPageSize = 64 * 1024;
inline constexpr uint32_t kMaxWasmPages = 65536; // 4 GiB
inline constexpr uint64_t kDefaultMemoryLimit = uint64_t(kMaxWasmPages) * kWasmPageSize;

class Memory {
public:
  /// Reserves the address space and commits `minPages`. `maxPages` is the
  /// module's declared maximum; `limitBytes` the embedder's cap (for example
  /// `-W max-memory-size`); `owner` the store whose wasm code may fault in
  /// the reservation as a trap (Signals.cpp). Fails with an Error, never a
  /// crash, when the minimum exceeds the cap or the system refuses the mapping.
  static Expected<std::unique_ptr<Memory>> create(uint32_t minPages,
                                                  std::optional<uint32_t> maxPages,
                                                  uint64_t limitBytes = kDefaultMemoryLimit,
                                                  const abi::StoreRecord* owner = nullptr);
  ~Memory();
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;

  /// Current size in wasm pages.
  uint32_t pages() const { return static_cast<uint32_t>(record_.size / kWasmPageSize); }
  /// The most pages grow() can ever reach (declared max, 65536 and the cap).
  uint32_t maxPages() const { return maxPages_; }
  uint8_t* base() const { return record_.base; }
  uint64_t sizeBytes() const { return record_.size; }

  /// memory.grow: adds `deltaPages` and returns the old page count, or -1 if
  /// that would pass the maximum or the cap, or the system refuses to commit
  /// the pages. The base never moves. Not thread-safe (one store, one thread).
  int64_t grow(uint32_t deltaPages);

  /// Maps `image` copy-on-write over the memory's first image.bytes()
  /// (MemoryImage.h), which must be zero pages it has not written yet (a
  /// fresh memory). False, with the memory as it was, if the image does
  /// not fit or the system refuses the mapping.
  /// The memory keeps the image (a pooled memory's reset copies from it,
  /// and a later mapImage of the same image is known by its address).
  bool mapImage(std::shared_ptr<const MemoryImage> image);

  /// Pooling (MemoryPool.h): every page as a fresh memory of `minPages`
  /// with its image (if mapped) has it: the image's pages back to the
  /// image, the rest zero, grown pages inaccessible again. False if the
  /// system refuses; then the memory must not be used again.
  /// A memory that was not grown and wrote at most kKeepResidentBytes is
  /// reset by rewriting just the pages it wrote (WrittenPages.h), which stay
  /// resident; otherwise every page is dropped (madvise).
  bool reset(uint32_t minPages);
  static constexpr size_t kKeepResidentBytes = 64 << 10;
  /// Pooling: a reset memory for another store, with that store's caps.
  /// False if the signal handler's registry is full.
  bool reuse(std::optional<uint32_t> maxPages, uint64_t limitBytes, const abi::StoreRecord* owner);

  /// The record compiled code reads (base and current size), kept current by
  /// grow(). Lives as long as this Memory.
  abi::MemoryRecord* record() { return &record_; }

private:
  /// reset's fast path: false when the written pages are not known or too many.
  bool rewriteWrittenPages();
  Memory(uint8_t* base, uint64_t sizeBytes, uint32_t maxPages, uint32_t slot);

  abi::MemoryRecord record_;
  uint32_t maxPages_;
  std::shared_ptr<const MemoryImage> mappedImage_; // mapImage's, kept across reset
  uint32_t slot_; // in the reservation registry
};

/// True if `addr` lies in the reservation (guard regions included) of a
/// live Memory. Async-signal-safe and lock-free.
bool isInMemoryReservation(uintptr_t addr);

/// True if `addr` lies in the reservation of a live Memory of `store` (its
/// `owner`). Async-signal-safe and lock-free.
bool isInStoreMemoryReservation(uintptr_t addr, const abi::StoreRecord* store);

} // namespace wasmc::rt
