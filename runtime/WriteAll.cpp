#include "runtime/WriteAll.h"

#include <sys/types.h>
#include <unistd.h>

#include <cerrno>

namespace wasmc::rt {
namespace {

/// The loop both share; `offset` < 0 writes at the file position.
bool writeLoop(int fd, std::span<const uint8_t> bytes, int64_t offset) {
  while (!bytes.empty()) {
    ssize_t wrote = offset < 0 ? ::write(fd, bytes.data(), bytes.size())
                               : ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (wrote < 0 && errno == EINTR)
      continue;
    if (wrote <= 0)
      return false;
    bytes = bytes.subspan(static_cast<size_t>(wrote));
    if (offset >= 0)
      offset += wrote;
  }
  return true;
}

} // namespace

bool writeAll(int fd, std::span<const uint8_t> bytes) { return writeLoop(fd, bytes, -1); }

bool writeAllAt(int fd, std::span<const uint8_t> bytes, uint64_t offset) {
  return writeLoop(fd, bytes, static_cast<int64_t>(offset));
}

} // namespace wasmc::rt
