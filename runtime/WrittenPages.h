#pragma once
// Which pages of a range this process has written, read from its page
// tables with the PAGEMAP_SCAN ioctl of /proc/self/pagemap (Linux 6.7 and
// later): private anonymous pages, copy-on-write copies of file pages
// included; neither pages still backed by their file (an unwritten memory
// image page) nor the shared zero page (a page only read) count.
//
// Why: a pooled memory (MemoryPool.h) is reset by rewriting the few pages
// an instance wrote instead of dropping them with madvise(MADV_DONTNEED),
// which makes the kernel flush the TLB of every CPU running this process,
// an inter-processor interrupt per reset; with two threads instantiating,
// those interrupts cost more than everything else together.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace wasmc::rt {

struct PageRange {
  uintptr_t start = 0;
  uintptr_t end = 0;
};

/// The written pages of [start, end) (page-aligned) as ranges in `out`,
/// how many; nullopt when the kernel cannot tell (no PAGEMAP_SCAN), or they
/// take more than `out.size()` ranges or more than `maxBytes` bytes: then
/// the caller must treat every page as written. Thread-safe.
std::optional<size_t> writtenPages(uintptr_t start, uintptr_t end, std::span<PageRange> out, size_t maxBytes);

/// Whether this kernel answers writtenPages (tests that need it skip otherwise).
bool writtenPagesSupported();

} // namespace wasmc::rt
