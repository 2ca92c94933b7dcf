// sock_accept, sock_recv, sock_send, sock_shutdown on preopened sockets (and
// the connections accepted from them). Other descriptors are ENOTSOCK.

#include "wasi/HostCall.h"
#include "wasi/Iovecs.h"
#include "wasi/Wasi.h"

#include <cerrno>
#include <sys/socket.h>

namespace wasmc::wasi {

namespace {

ErrnoOr<FdEntry*> socket(WasiCtx& ctx, uint32_t fd, Rights need) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(fd));
  if (!entry->isSocket())
    return Errno::NotSock;
  WASMC_WASI_CHECK(entry->require(need));
  return entry;
}

} // namespace

Outcome sockAccept(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* listener = WASMC_WASI_TRY(socket(ctx, a.u32(0), right::SockAccept));
  uint32_t flags = a.u32(1);
  if (flags & ~uint32_t(kSockNonblock))
    return Errno::Inval;
  uint32_t resultPtr = a.u32(2);
  WASMC_WASI_TRY(ctx.memory().bytes(resultPtr, 4));
  int hostFd;
  do {
    hostFd = ::accept4(listener->hostFd, nullptr, nullptr,
                       SOCK_CLOEXEC | ((flags & kSockNonblock) ? SOCK_NONBLOCK : 0));
  } while (hostFd < 0 && errno == EINTR);
  if (hostFd < 0)
    return errnoFromHost(errno);
  FdEntry entry = WASMC_WASI_TRY(describeHostFd(UniqueFd(hostFd), hostFd));
  entry.base &= ~right::SockAccept; // a connection accepts nothing
  uint32_t fd = WASMC_WASI_TRY(ctx.fds().insert(std::move(entry)));
  return ctx.memory().write<uint32_t>(resultPtr, fd);
}

Outcome sockRecv(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(socket(ctx, a.u32(0), right::FdRead));
  uint32_t riFlags = a.u32(3);
  if (riFlags & ~uint32_t(kRecvPeek | kRecvWaitall))
    return Errno::Inval;
  uint32_t lengthPtr = a.u32(4);
  uint32_t flagsPtr = a.u32(5);
  WASMC_WASI_TRY(ctx.memory().bytes(lengthPtr, 4));
  WASMC_WASI_TRY(ctx.memory().bytes(flagsPtr, 2));
  int hostFlags =
      ((riFlags & kRecvPeek) ? MSG_PEEK : 0) | ((riFlags & kRecvWaitall) ? MSG_WAITALL : 0);
  int fd = entry->hostFd;
  bool truncated = false;
  uint32_t n = WASMC_WASI_TRY(
      transfer(ctx.memory(), a.u32(1), a.u32(2), [&](const iovec* iov, int count, uint64_t) {
        struct msghdr message = {};
        message.msg_iov = const_cast<iovec*>(iov);
        message.msg_iovlen = static_cast<size_t>(count);
        ssize_t got = ::recvmsg(fd, &message, hostFlags);
        if (got >= 0 && (message.msg_flags & MSG_TRUNC))
          truncated = true;
        return got;
      }));
  WASMC_WASI_CHECK(ctx.memory().write<uint32_t>(lengthPtr, n));
  return ctx.memory().write<uint16_t>(flagsPtr, truncated ? kRecvDataTruncated : 0);
}

Outcome sockSend(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(socket(ctx, a.u32(0), right::FdWrite));
  if (a.u32(3) != 0) // siflags: none are defined
    return Errno::Inval;
  int fd = entry->hostFd;
  uint32_t n = WASMC_WASI_TRY(
      transfer(ctx.memory(), a.u32(1), a.u32(2), [fd](const iovec* iov, int count, uint64_t) {
        struct msghdr message = {};
        message.msg_iov = const_cast<iovec*>(iov);
        message.msg_iovlen = static_cast<size_t>(count);
        return ::sendmsg(fd, &message, MSG_NOSIGNAL);
      }));
  return ctx.memory().write<uint32_t>(a.u32(4), n);
}

Outcome sockShutdown(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(socket(ctx, a.u32(0), right::SockShutdown));
  int how;
  switch (a.u32(1)) {
  case kShutdownRd: how = SHUT_RD; break;
  case kShutdownWr: how = SHUT_WR; break;
  case kShutdownRd | kShutdownWr: how = SHUT_RDWR; break;
  default: return Errno::Inval;
  }
  if (::shutdown(entry->hostFd, how) != 0)
    return errnoFromHost(errno);
  return Errno::Success;
}

} // namespace wasmc::wasi
