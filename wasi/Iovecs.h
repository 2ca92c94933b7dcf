#pragma once
// Private to wasi/: scatter/gather between host descriptors and the guest's
// iovec arrays (fd_read/write/pread/pwrite, sock_recv/send).

#include "wasi/Errno.h"
#include "wasi/GuestMemory.h"
#include "wasi/WasiTypes.h"

#include <cerrno>
#include <sys/uio.h>

namespace wasmc::wasi {

/// Host iovecs per syscall. The host array is this fixed size whatever the
/// guest's count; longer lists take several syscalls.
inline constexpr int kIovecBatch = 64;
/// Stop starting new syscalls past this many bytes, so the u32 result cannot
/// overflow (Linux moves at most 0x7ffff000 bytes per call).
inline constexpr uint64_t kMaxTransfer = 0x80000000ull;

struct GuestIovec {
  uint32_t buf;
  uint32_t len;
};

inline GuestIovec iovecAt(std::span<const uint8_t> list, size_t index) {
  GuestIovec iov;
  std::memcpy(&iov.buf, list.data() + index * layout::kIovecSize, 4);
  std::memcpy(&iov.len, list.data() + index * layout::kIovecSize + 4, 4);
  return iov;
}

/// Runs `io(iovecs, count, bytesSoFar)` over the guest's iovec list in
/// batches until one moves fewer bytes than asked. Every iovec is checked
/// against the memory first, so Fault means no I/O happened. After partial
/// progress an error is dropped and the byte count returned, as POSIX does.
template <class Io>
ErrnoOr<uint32_t> transfer(const GuestMemory& memory, uint32_t iovsPtr, uint32_t iovsLen, Io io) {
  std::span<uint8_t> list = WASMC_WASI_TRY(memory.array(iovsPtr, iovsLen, layout::kIovecSize));
  for (size_t i = 0; i < iovsLen; ++i) {
    GuestIovec iov = iovecAt(list, i);
    WASMC_WASI_TRY(memory.bytes(iov.buf, iov.len));
  }
  struct iovec batch[kIovecBatch];
  uint64_t total = 0;
  size_t next = 0;
  while (next < iovsLen && total < kMaxTransfer) {
    int count = 0;
    uint64_t asked = 0;
    for (; next < iovsLen && count < kIovecBatch; ++next) {
      GuestIovec iov = iovecAt(list, next);
      if (iov.len == 0)
        continue;
      std::span<uint8_t> bytes = *memory.bytes(iov.buf, iov.len); // checked above
      batch[count++] = {bytes.data(), bytes.size()};
      asked += iov.len;
    }
    if (count == 0)
      break;
    ssize_t moved;
    do {
      moved = io(batch, count, total);
    } while (moved < 0 && errno == EINTR);
    if (moved < 0) {
      if (total > 0)
        break;
      return errnoFromHost(errno);
    }
    total += static_cast<uint64_t>(moved);
    if (static_cast<uint64_t>(moved) < asked)
      break;
  }
  return static_cast<uint32_t>(total);
}

} // namespace wasmc::wasi
