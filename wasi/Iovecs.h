#pragma once
// Private to wasi/: scatter/gather between host descriptors and the guest's
// iovec arrays (fd_read/write/pread/pwrite, sock_recv/send).

#include "wasi/Errno.h"
#include "wasi/GuestMemory.h"
#include "wasi/WasiTypes.h"

#include <cerrno>
#include <sys/uio.h>

namespace wasmc::wasi {

/// The most iovecs one call takes (Linux's IOV_MAX): more is EINVAL, as
/// readv/writev say. It bounds the host copy of the list below.
inline constexpr uint32_t kMaxIovecs = 1024;

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

/// Runs `io(iovecs, count, 0)` once over the guest's iovec list. The list
/// is read from guest memory once, checked against the memory and turned
/// into host iovecs before any I/O: a read that lands on the list itself
/// cannot change where later bytes go (issue 14 F7), and Fault means no
/// I/O happened. Linux moves at most 0x7ffff000 bytes per call, so the
/// count fits the u32 result.
template <class Io>
ErrnoOr<uint32_t> transfer(const GuestMemory& memory, uint32_t iovsPtr, uint32_t iovsLen, Io io) {
  if (iovsLen > kMaxIovecs)
    return Errno::Inval;
  std::span<uint8_t> list = WASMC_WASI_TRY(memory.array(iovsPtr, iovsLen, layout::kIovecSize));
  struct iovec host[kMaxIovecs];
  int count = 0;
  for (size_t i = 0; i < iovsLen; ++i) {
    GuestIovec iov = iovecAt(list, i);
    std::span<uint8_t> bytes = WASMC_WASI_TRY(memory.bytes(iov.buf, iov.len));
    if (iov.len != 0)
      host[count++] = {bytes.data(), bytes.size()};
  }
  if (count == 0)
    return 0u;
  ssize_t moved;
  do {
    moved = io(host, count, uint64_t(0));
  } while (moved < 0 && errno == EINTR);
  if (moved < 0)
    return errnoFromHost(errno);
  return static_cast<uint32_t>(moved);
}

} // namespace wasmc::wasi
