#include "runtime/Memory.h"

#include "runtime/MemoryImage.h"
#include "runtime/RangeSet.h"
#include "runtime/WrittenPages.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <sys/mman.h>

namespace wasmc::rt {
namespace {

/// Every live reservation; read by the signal handler.
constinit RangeSet reservations;

Error memoryError(std::string message) {
  return makeError(ErrorKind::Uninstantiable, kNoOffset, std::move(message));
}

} // namespace

constexpr uint64_t kMappingSize = abi::kMemoryGuardBelow + abi::kMemoryReservation;

namespace {

/// The most pages a memory may reach: its declared maximum, the cap, 65536.
uint32_t capPagesFor(std::optional<uint32_t> maxPages, uint64_t limitBytes) {
  uint64_t capPages = std::min<uint64_t>(kMaxWasmPages, limitBytes / kWasmPageSize);
  if (maxPages)
    capPages = std::min<uint64_t>(capPages, *maxPages);
  return static_cast<uint32_t>(capPages);
}

} // namespace

Expected<std::unique_ptr<Memory>> Memory::create(uint32_t minPages,
                                                 std::optional<uint32_t> maxPages,
                                                 uint64_t limitBytes, const abi::StoreRecord* owner) {
  const uint32_t capPages = capPagesFor(maxPages, limitBytes);
  if (minPages > kMaxWasmPages)
    return memoryError("memory size must be at most 65536 pages (4GiB)");
  if (uint64_t(minPages) * kWasmPageSize > limitBytes)
    return memoryError("memory minimum size of " + std::to_string(minPages) +
                       " pages exceeds the memory limit of " + std::to_string(limitBytes) +
                       " bytes");
  if (maxPages && *maxPages < minPages)
    return memoryError("memory maximum is smaller than its minimum");

  // MAP_NORESERVE: the guard region and the uncommitted tail must not count
  // against the commit limit; only pages made accessible by mprotect do.
  void* mapped = mmap(nullptr, kMappingSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapped == MAP_FAILED)
    return memoryError(std::string("cannot reserve linear memory address space: ") +
                       std::strerror(errno));
  auto* base = static_cast<uint8_t*>(mapped) + abi::kMemoryGuardBelow;
  // Guest memory is touched page by page, and on a VM a 4 KiB page fault
  // costs about 10 us: 2 MiB pages where the kernel gives them on request
  // (a hint; pages the guest never touches stay unbacked either way).
  madvise(base, kMappingSize - abi::kMemoryGuardBelow, MADV_HUGEPAGE);
  uint64_t size = uint64_t(minPages) * kWasmPageSize;
  if (size != 0 && mprotect(base, size, PROT_READ | PROT_WRITE) != 0) {
    int error = errno;
    munmap(mapped, kMappingSize);
    return memoryError(std::string("cannot commit linear memory: ") + std::strerror(error));
  }
  uintptr_t start = reinterpret_cast<uintptr_t>(mapped);
  uint32_t slot = reservations.insert(start, start + kMappingSize, reinterpret_cast<uintptr_t>(owner));
  if (slot == RangeSet::kNoSlot) {
    munmap(mapped, kMappingSize);
    return memoryError("too many live linear memories");
  }
  return std::unique_ptr<Memory>(new Memory(base, size, capPages, slot));
}

Memory::Memory(uint8_t* base, uint64_t sizeBytes, uint32_t maxPages, uint32_t slot)
    : record_{base, sizeBytes}, maxPages_(maxPages), slot_(slot) {}

Memory::~Memory() {
  // Unpublish first: once unmapped the range may be handed to someone else.
  if (slot_ != RangeSet::kNoSlot)
    reservations.erase(slot_);
  munmap(record_.base - abi::kMemoryGuardBelow, kMappingSize);
}

bool Memory::mapImage(std::shared_ptr<const MemoryImage> image) {
  if (mappedImage_ == image) // a pooled memory, reset to it (reset)
    return true;
  if (mappedImage_ || image->bytes() > record_.size)
    return false;
  void* at = mmap(record_.base, image->bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, image->fd(), 0);
  if (at != MAP_FAILED) {
    mappedImage_ = std::move(image);
    return true;
  }
  // MAP_FIXED may have removed the pages it was to replace before failing:
  // put zero pages back. A hole inside the reservation could be handed to
  // another mapping of the process, which the guest could then reach.
  if (mmap(record_.base, image->bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
      MAP_FAILED)
    fatal("cannot restore linear memory after a failed memory image mapping");
  return false;
}

bool Memory::reset(uint32_t minPages) {
  const uint64_t minSize = uint64_t(minPages) * kWasmPageSize;
  if (minSize > record_.size)
    return false;
  if (record_.size == minSize && (record_.size == 0 || rewriteWrittenPages()))
    return true;
  // Private pages are dropped: an anonymous page reads as zero again, a
  // page of the image's private file mapping as the image's again.
  if (record_.size != 0 && madvise(record_.base, record_.size, MADV_DONTNEED) != 0)
    return false;
  if (record_.size > minSize && mprotect(record_.base + minSize, record_.size - minSize, PROT_NONE) != 0)
    return false;
  record_.size = minSize;
  return true;
}

bool Memory::rewriteWrittenPages() {
  PageRange written[16];
  const auto base = reinterpret_cast<uintptr_t>(record_.base);
  std::optional<size_t> count = writtenPages(base, base + record_.size, written, kKeepResidentBytes);
  if (!count)
    return false;
  // Each written page back to what a fresh memory holds there: the image's
  // bytes over the image, zeros past it. They stay written (and resident),
  // so the next reset finds them again; at most kKeepResidentBytes.
  const uintptr_t imageEnd = base + (mappedImage_ ? mappedImage_->bytes() : 0);
  for (size_t i = 0; i < *count; ++i) {
    const PageRange& range = written[i];
    if (range.start < imageEnd) {
      const uintptr_t copyEnd = std::min(range.end, imageEnd);
      std::memcpy(reinterpret_cast<void*>(range.start), mappedImage_->contents() + (range.start - base),
                  copyEnd - range.start);
    }
    if (range.end > imageEnd) {
      const uintptr_t zeroStart = std::max(range.start, imageEnd);
      std::memset(reinterpret_cast<void*>(zeroStart), 0, range.end - zeroStart);
    }
  }
  return true;
}

bool Memory::reuse(std::optional<uint32_t> maxPages, uint64_t limitBytes, const abi::StoreRecord* owner) {
  if (record_.size > limitBytes)
    return false;
  maxPages_ = capPagesFor(maxPages, limitBytes);
  // A trap in this memory is now the new store's.
  const uintptr_t start = reinterpret_cast<uintptr_t>(record_.base - abi::kMemoryGuardBelow);
  reservations.erase(slot_);
  slot_ = reservations.insert(start, start + kMappingSize, reinterpret_cast<uintptr_t>(owner));
  return slot_ != RangeSet::kNoSlot;
}

int64_t Memory::grow(uint32_t deltaPages) {
  uint32_t oldPages = pages();
  uint64_t newPages = uint64_t(oldPages) + deltaPages;
  if (newPages > maxPages_)
    return -1;
  if (deltaPages == 0)
    return oldPages;
  uint64_t newSize = newPages * kWasmPageSize;
  if (mprotect(record_.base + record_.size, newSize - record_.size, PROT_READ | PROT_WRITE) != 0)
    return -1;
  record_.size = newSize;
  return oldPages;
}

bool isInMemoryReservation(uintptr_t addr) { return reservations.contains(addr); }

bool isInStoreMemoryReservation(uintptr_t addr, const abi::StoreRecord* store) {
  return reservations.containsOwnedBy(addr, reinterpret_cast<uintptr_t>(store));
}

} // namespace wasmc::rt
