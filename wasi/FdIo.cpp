// fd_read, fd_write, fd_pread, fd_pwrite and fd_readdir: data between host
// descriptors and guest memory, with no copy through host buffers (iovecs
// point straight into the guest memory once every one has been checked).

#include "wasi/HostCall.h"
#include "wasi/HostUtil.h"
#include "wasi/Iovecs.h"
#include "wasi/Wasi.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace wasmc::wasi {

namespace {

ErrnoOr<off_t> fileOffset(uint64_t offset) {
  if (offset > uint64_t(INT64_MAX))
    return Errno::Inval;
  return static_cast<off_t>(offset);
}

} // namespace

/// Before a read that may block (a pipe, socket or terminal): waits until
/// `fd` is readable, waking every WasiCtx::kInterruptPollMs to see whether
/// the store was interrupted. Regular files never block.
Outcome awaitReadable(WasiCtx& ctx, const FdEntry& entry) {
  if (!ctx.watchingInterrupts() || entry.type == Filetype::RegularFile || entry.type == Filetype::Directory)
    return Errno::Success;
  int flags = ::fcntl(entry.hostFd, F_GETFL);
  if (flags < 0 || (flags & O_NONBLOCK)) // the read answers at once
    return Errno::Success;
  while (true) {
    if (ctx.interrupted())
      return Outcome::trap(abi::TrapCode::Interrupt);
    pollfd waiting{entry.hostFd, POLLIN, 0};
    int ready = ::poll(&waiting, 1, WasiCtx::kInterruptPollMs);
    if (ready != 0 && !(ready < 0 && errno == EINTR))
      return Errno::Success; // readable, or an error the read will report
  }
}

Outcome fdRead(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdRead));
  if (Outcome waited = awaitReadable(ctx, *entry); waited.trapCode != abi::TrapCode::None)
    return waited;
  int fd = entry->hostFd;
  uint32_t n = WASMC_WASI_TRY(
      transfer(ctx.memory(), a.u32(1), a.u32(2),
               [fd](const iovec* iov, int count, uint64_t) { return ::readv(fd, iov, count); }));
  return ctx.memory().write<uint32_t>(a.u32(3), n);
}

Outcome fdWrite(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdWrite));
  int fd = entry->hostFd;
  uint32_t n = WASMC_WASI_TRY(
      transfer(ctx.memory(), a.u32(1), a.u32(2),
               [fd](const iovec* iov, int count, uint64_t) { return ::writev(fd, iov, count); }));
  return ctx.memory().write<uint32_t>(a.u32(3), n);
}

Outcome fdPread(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdRead | right::FdSeek));
  off_t offset = WASMC_WASI_TRY(fileOffset(a.u64(3)));
  int fd = entry->hostFd;
  uint32_t n = WASMC_WASI_TRY(transfer(
      ctx.memory(), a.u32(1), a.u32(2), [fd, offset](const iovec* iov, int count, uint64_t done) {
        return ::preadv(fd, iov, count, offset + static_cast<off_t>(done));
      }));
  return ctx.memory().write<uint32_t>(a.u32(4), n);
}

Outcome fdPwrite(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdWrite | right::FdSeek));
  off_t offset = WASMC_WASI_TRY(fileOffset(a.u64(3)));
  int fd = entry->hostFd;
  uint32_t n = WASMC_WASI_TRY(transfer(
      ctx.memory(), a.u32(1), a.u32(2), [fd, offset](const iovec* iov, int count, uint64_t done) {
        return ::pwritev(fd, iov, count, offset + static_cast<off_t>(done));
      }));
  return ctx.memory().write<uint32_t>(a.u32(4), n);
}

namespace {

Filetype filetypeFromDirent(unsigned char type) {
  switch (type) {
  case DT_REG: return Filetype::RegularFile;
  case DT_DIR: return Filetype::Directory;
  case DT_LNK: return Filetype::SymbolicLink;
  case DT_CHR: return Filetype::CharacterDevice;
  case DT_BLK: return Filetype::BlockDevice;
  case DT_SOCK: return Filetype::SocketStream;
  default: return Filetype::Unknown;
  }
}

/// The kernel's dirent64 (getdents64 has no glibc wrapper we can rely on).
struct LinuxDirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

} // namespace

Outcome fdReaddir(WasiCtx& ctx, const HostArgs& a) {
  // Cookies are the kernel's directory offsets (d_off): 0 is the start and
  // each entry's d_next is where the one after it begins, so a guest can
  // resume anywhere with lseek + getdents64. "." and ".." come from the
  // kernel like every other entry.
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdReaddir));
  std::span<uint8_t> out = WASMC_WASI_TRY(ctx.memory().bytes(a.u32(1), a.u32(2)));
  uint64_t cookie = a.u64(3);
  uint32_t bufusedPtr = a.u32(4);
  WASMC_WASI_TRY(ctx.memory().bytes(bufusedPtr, 4));
  if (cookie > uint64_t(INT64_MAX))
    return Errno::Inval;
  int fd = entry->hostFd;
  if (::lseek(fd, static_cast<off_t>(cookie), SEEK_SET) < 0)
    return errnoFromHost(errno);

  // Host buffer: bounded, and sized to what the guest can take.
  size_t hostSize = std::clamp<size_t>(out.size() * 2, 4096, 64 * 1024);
  std::unique_ptr<char[]> host(new char[hostSize]);
  size_t used = 0;
  while (used < out.size()) {
    long got = ::syscall(SYS_getdents64, fd, host.get(), hostSize);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return errnoFromHost(errno);
    }
    if (got == 0)
      break; // end of directory
    for (long offset = 0; offset < got && used < out.size();) {
      auto* d = reinterpret_cast<LinuxDirent64*>(host.get() + offset);
      offset += d->d_reclen;
      size_t nameLength = std::strlen(d->d_name);
      Filetype type = filetypeFromDirent(d->d_type);
      if (d->d_type == DT_UNKNOWN) {
        struct stat info;
        if (::fstatat(fd, d->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0)
          type = filetypeOf(info, -1);
      }
      Record<layout::kDirentSize> header;
      header.put<uint64_t>(0, static_cast<uint64_t>(d->d_off));
      header.put<uint64_t>(8, d->d_ino);
      header.put<uint32_t>(16, static_cast<uint32_t>(nameLength));
      header.put<uint8_t>(20, static_cast<uint8_t>(type));
      // The spec's truncation rule: fill the buffer completely, cutting the
      // last entry short; a full buffer tells the guest to ask again.
      size_t take = std::min<size_t>(layout::kDirentSize, out.size() - used);
      std::memcpy(out.data() + used, header.bytes, take);
      used += take;
      take = std::min<size_t>(nameLength, out.size() - used);
      std::memcpy(out.data() + used, d->d_name, take);
      used += take;
    }
  }
  return ctx.memory().write<uint32_t>(bufusedPtr, static_cast<uint32_t>(used));
}

} // namespace wasmc::wasi
