#include "runtime/WrittenPages.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

namespace wasmc::rt {
namespace {

// The kernel's ABI (include/uapi/linux/fs.h, Linux 6.7); Debian 12's
// headers predate it.
struct PageRegion {
  uint64_t start;
  uint64_t end;
  uint64_t categories;
};

struct PmScanArg {
  uint64_t size;
  uint64_t flags;
  uint64_t start;
  uint64_t end;
  uint64_t walkEnd;
  uint64_t vec;
  uint64_t vecLen;
  uint64_t maxPages;
  uint64_t categoryInverted;
  uint64_t categoryMask;
  uint64_t categoryAnyofMask;
  uint64_t returnMask;
};

constexpr unsigned long kPagemapScan = _IOWR('f', 16, PmScanArg);
constexpr uint64_t kPageIsFile = 1 << 2;
constexpr uint64_t kPageIsPresent = 1 << 3;
constexpr uint64_t kPageIsSwapped = 1 << 4;
constexpr uint64_t kPageIsPfnZero = 1 << 5;
constexpr size_t kPageSize = 4096;

/// /proc/self/pagemap, opened once. A forked child must not scan its
/// parent's page tables through the inherited descriptor: closed in the
/// child, which opens its own.
std::atomic<int> pagemapFd{-1};
std::once_flag atforkOnce;

void forgetInChild() {
  int fd = pagemapFd.exchange(-1);
  if (fd >= 0)
    ::close(fd);
}

int pagemap() {
  int fd = pagemapFd.load(std::memory_order_acquire);
  if (fd >= 0)
    return fd;
  std::call_once(atforkOnce, [] { pthread_atfork(nullptr, nullptr, &forgetInChild); });
  int opened = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (opened < 0)
    return -1;
  int expected = -1;
  if (!pagemapFd.compare_exchange_strong(expected, opened)) {
    ::close(opened); // another thread was first
    return expected;
  }
  return opened;
}

} // namespace

std::optional<size_t> writtenPages(uintptr_t start, uintptr_t end, std::span<PageRange> out, size_t maxBytes) {
  int fd = pagemap();
  if (fd < 0 || out.empty())
    return std::nullopt;
  PageRegion regions[32];
  const size_t capacity = std::min(out.size(), std::size(regions));
  PmScanArg arg{};
  arg.size = sizeof arg;
  arg.start = start;
  arg.end = end;
  arg.vec = reinterpret_cast<uintptr_t>(regions);
  arg.vecLen = capacity;
  // One page more than allowed: finding it means too many.
  arg.maxPages = maxBytes / kPageSize + 1;
  // Present or swapped out, and neither the file's page nor the zero page.
  arg.categoryInverted = kPageIsFile | kPageIsPfnZero;
  arg.categoryMask = kPageIsFile | kPageIsPfnZero;
  arg.categoryAnyofMask = kPageIsPresent | kPageIsSwapped;
  arg.returnMask = kPageIsPresent | kPageIsSwapped;
  long count = ::ioctl(fd, kPagemapScan, &arg);
  if (count < 0 || arg.walkEnd < end) // unsupported, or stopped early: ranges or pages ran out
    return std::nullopt;
  size_t bytes = 0;
  for (long i = 0; i < count; ++i) {
    // Ranges with different categories (present, swapped) may touch.
    bytes += regions[i].end - regions[i].start;
    out[i] = PageRange{static_cast<uintptr_t>(regions[i].start), static_cast<uintptr_t>(regions[i].end)};
  }
  if (bytes > maxBytes)
    return std::nullopt;
  return static_cast<size_t>(count);
}

bool writtenPagesSupported() {
  static const bool supported = [] {
    alignas(kPageSize) static char probe[kPageSize];
    PageRange ranges[1];
    auto at = reinterpret_cast<uintptr_t>(probe);
    return writtenPages(at, at + kPageSize, ranges, kPageSize).has_value();
  }();
  return supported;
}

} // namespace wasmc::rt
