// fd_* functions that manage descriptors rather than move data: close,
// renumber, fdstat, filestat, prestat, seek/tell, sync, advise, allocate.

#include "wasi/HostCall.h"
#include "wasi/HostUtil.h"
#include "wasi/Wasi.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace wasmc::wasi {

Outcome fdClose(WasiCtx& ctx, const HostArgs& a) { return ctx.fds().close(a.u32(0)); }

Outcome fdRenumber(WasiCtx& ctx, const HostArgs& a) {
  return ctx.fds().renumber(a.u32(0), a.u32(1));
}

Outcome fdFdstatGet(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0)));
  int hostFlags = ::fcntl(entry->hostFd, F_GETFL);
  if (hostFlags < 0)
    return errnoFromHost(errno);
  Record<layout::kFdstatSize> record;
  record.put<uint8_t>(layout::kFdstatFiletype, static_cast<uint8_t>(entry->type));
  record.put<uint16_t>(layout::kFdstatFlags, fdflagsFromHost(hostFlags));
  record.put<uint64_t>(layout::kFdstatRightsBase, entry->base);
  record.put<uint64_t>(layout::kFdstatRightsInheriting, entry->inheriting);
  return ctx.memory().store(a.u32(1), record.span());
}

Outcome fdFdstatSetFlags(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdFdstatSetFlags));
  uint32_t requested = a.u32(1);
  if (requested & ~uint32_t(fdflag::All))
    return Errno::Inval;
  int current = ::fcntl(entry->hostFd, F_GETFL);
  if (current < 0)
    return errnoFromHost(errno);
  // Linux cannot change O_SYNC/O_DSYNC after open (fcntl ignores them):
  // refuse rather than pretend.
  constexpr uint16_t kSyncFlags = fdflag::Dsync | fdflag::Rsync | fdflag::Sync;
  uint16_t currentSync = fdflagsFromHost(current) & kSyncFlags;
  uint16_t wantedSync = static_cast<uint16_t>(requested) & kSyncFlags;
  if (wantedSync & fdflag::Rsync)
    wantedSync = static_cast<uint16_t>((wantedSync & ~fdflag::Rsync) | fdflag::Sync);
  if (wantedSync != currentSync)
    return Errno::NotSup;
  int updated =
      (current & ~(O_APPEND | O_NONBLOCK)) |
      hostFlagsFromFdflags(static_cast<uint16_t>(requested & (fdflag::Append | fdflag::Nonblock)));
  if (::fcntl(entry->hostFd, F_SETFL, updated) != 0)
    return errnoFromHost(errno);
  return Errno::Success;
}

Outcome fdFdstatSetRights(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0)));
  Rights base = a.u64(1);
  Rights inheriting = a.u64(2);
  // Rights can only be dropped, never gained.
  if ((base & ~entry->base) || (inheriting & ~entry->inheriting))
    return Errno::NotCapable;
  entry->base = base;
  entry->inheriting = inheriting;
  return Errno::Success;
}

Outcome fdFilestatGet(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdFilestatGet));
  struct stat info;
  if (::fstat(entry->hostFd, &info) != 0)
    return errnoFromHost(errno);
  return storeFilestat(ctx.memory(), a.u32(1), info, entry->hostFd);
}

Outcome fdFilestatSetSize(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdFilestatSetSize));
  uint64_t size = a.u64(1);
  if (size > uint64_t(INT64_MAX))
    return Errno::Inval;
  if (::ftruncate(entry->hostFd, static_cast<off_t>(size)) != 0)
    return errnoFromHost(errno);
  return Errno::Success;
}

Outcome fdFilestatSetTimes(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdFilestatSetTimes));
  SetTimes times = WASMC_WASI_TRY(setTimesFrom(a.u64(1), a.u64(2), a.u32(3)));
  if (::futimens(entry->hostFd, times.times) != 0)
    return errnoFromHost(errno);
  return Errno::Success;
}

Outcome fdPrestatGet(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0)));
  if (!entry->preopenName)
    return Errno::Badf;
  Record<layout::kPrestatSize> record;
  record.put<uint8_t>(0, kPreopenTypeDir);
  record.put<uint32_t>(4, static_cast<uint32_t>(entry->preopenName->size()));
  return ctx.memory().store(a.u32(1), record.span());
}

Outcome fdPrestatDirName(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0)));
  if (!entry->preopenName)
    return Errno::Badf;
  const std::string& name = *entry->preopenName;
  if (a.u32(2) < name.size())
    return Errno::NameTooLong;
  return ctx.memory().store(
      a.u32(1),
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(name.data()), name.size()));
}

Outcome fdSeek(WasiCtx& ctx, const HostArgs& a) {
  int64_t offset = a.i64(1);
  uint32_t whence = a.u32(2);
  // A query of the position needs only the tell right.
  Rights need = (offset == 0 && whence == uint32_t(Whence::Cur)) ? right::FdTell : right::FdSeek;
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), need));
  int hostWhence;
  switch (whence) {
  case uint32_t(Whence::Set): hostWhence = SEEK_SET; break;
  case uint32_t(Whence::Cur): hostWhence = SEEK_CUR; break;
  case uint32_t(Whence::End): hostWhence = SEEK_END; break;
  default: return Errno::Inval;
  }
  off_t position = ::lseek(entry->hostFd, static_cast<off_t>(offset), hostWhence);
  if (position < 0)
    return errnoFromHost(errno);
  return ctx.memory().write<uint64_t>(a.u32(3), static_cast<uint64_t>(position));
}

Outcome fdTell(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdTell));
  off_t position = ::lseek(entry->hostFd, 0, SEEK_CUR);
  if (position < 0)
    return errnoFromHost(errno);
  return ctx.memory().write<uint64_t>(a.u32(1), static_cast<uint64_t>(position));
}

Outcome fdSync(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdSync));
  if (::fsync(entry->hostFd) != 0)
    return errnoFromHost(errno);
  return Errno::Success;
}

Outcome fdDatasync(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdDatasync));
  if (::fdatasync(entry->hostFd) != 0)
    return errnoFromHost(errno);
  return Errno::Success;
}

Outcome fdAdvise(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdAdvise));
  uint64_t offset = a.u64(1);
  uint64_t length = a.u64(2);
  int advice;
  switch (static_cast<Advice>(a.u32(3))) {
  case Advice::Normal: advice = POSIX_FADV_NORMAL; break;
  case Advice::Sequential: advice = POSIX_FADV_SEQUENTIAL; break;
  case Advice::Random: advice = POSIX_FADV_RANDOM; break;
  case Advice::WillNeed: advice = POSIX_FADV_WILLNEED; break;
  case Advice::DontNeed: advice = POSIX_FADV_DONTNEED; break;
  case Advice::NoReuse: advice = POSIX_FADV_NOREUSE; break;
  default: return Errno::Inval;
  }
  if (offset > uint64_t(INT64_MAX) || length > uint64_t(INT64_MAX))
    return Errno::Inval;
  int error = ::posix_fadvise(entry->hostFd, static_cast<off_t>(offset), static_cast<off_t>(length),
                              advice);
  return errnoFromHost(error);
}

Outcome fdAllocate(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(a.u32(0), right::FdAllocate));
  uint64_t offset = a.u64(1);
  uint64_t length = a.u64(2);
  if (offset > uint64_t(INT64_MAX) || length > uint64_t(INT64_MAX) - offset)
    return Errno::Fbig;
  int error;
  do {
    error =
        ::posix_fallocate(entry->hostFd, static_cast<off_t>(offset), static_cast<off_t>(length));
  } while (error == EINTR);
  return errnoFromHost(error);
}

} // namespace wasmc::wasi
