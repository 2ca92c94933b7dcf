#pragma once
// Private to wasi/: scatter/gather between host descriptors and the guest's
// iovec arrays (fd_read/write/pread/pwrite, sock_recv/send).

#include "wasi/Errno.h"
#include "wasi/GuestMemory.h"
#include "wasi/WasiTypes.h"

#include <cerrno>
#include <sys/uio.h>

#include <algorithm>
#include <vector>

namespace wasmc::wasi {

/// Host iovecs per syscall (Linux's IOV_MAX); longer lists take several.
inline constexpr int kIovecBatch = 1024;
/// The most iovecs one call takes: more is EINVAL. It bounds the host copy
/// of the list below (16 MiB).
inline constexpr uint32_t kMaxIovecs = 1u << 20;
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
/// batches until one moves fewer bytes than asked. The list is read from
/// guest memory once, checked against the memory and turned into host
/// iovecs before any I/O: data that lands on the list itself cannot change
/// where later batches go (issue 14 F7), and Fault means no I/O happened.
/// After partial progress an error is dropped and the byte count returned,
/// as POSIX does.
template <class Io>
ErrnoOr<uint32_t> transfer(const GuestMemory& memory, uint32_t iovsPtr, uint32_t iovsLen, Io io) {
  std::span<uint8_t> list = WASMC_WASI_TRY(memory.array(iovsPtr, iovsLen, layout::kIovecSize));
  if (iovsLen > kMaxIovecs)
    return Errno::Inval;
  std::vector<struct iovec> host;
  host.reserve(iovsLen);
  for (size_t i = 0; i < iovsLen; ++i) {
    GuestIovec iov = iovecAt(list, i);
    std::span<uint8_t> bytes = WASMC_WASI_TRY(memory.bytes(iov.buf, iov.len));
    if (iov.len != 0)
      host.push_back({bytes.data(), bytes.size()});
  }
  uint64_t total = 0;
  for (size_t next = 0; next < host.size() && total < kMaxTransfer;) {
    int count = static_cast<int>(std::min<size_t>(kIovecBatch, host.size() - next));
    uint64_t asked = 0;
    for (int i = 0; i < count; ++i)
      asked += host[next + i].iov_len;
    ssize_t moved;
    do {
      moved = io(host.data() + next, count, total);
    } while (moved < 0 && errno == EINTR);
    if (moved < 0) {
      if (total > 0)
        break;
      return errnoFromHost(errno);
    }
    total += static_cast<uint64_t>(moved);
    if (static_cast<uint64_t>(moved) < asked)
      break;
    next += static_cast<size_t>(count);
  }
  return static_cast<uint32_t>(total);
}

} // namespace wasmc::wasi
