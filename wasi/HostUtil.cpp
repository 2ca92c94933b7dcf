#include "wasi/HostUtil.h"

#include "wasi/Fds.h"

#include <fcntl.h>

namespace wasmc::wasi {

Errno storeFilestat(const GuestMemory& memory, uint32_t ptr, const struct stat& info, int hostFd) {
  Record<layout::kFilestatSize> record;
  record.put<uint64_t>(0, info.st_dev);
  record.put<uint64_t>(8, info.st_ino);
  record.put<uint8_t>(16, static_cast<uint8_t>(filetypeOf(info, hostFd)));
  record.put<uint64_t>(24, info.st_nlink);
  record.put<uint64_t>(32, static_cast<uint64_t>(info.st_size));
  record.put<uint64_t>(40, nanoseconds(info.st_atim));
  record.put<uint64_t>(48, nanoseconds(info.st_mtim));
  record.put<uint64_t>(56, nanoseconds(info.st_ctim));
  return memory.store(ptr, record.span());
}

uint16_t fdflagsFromHost(int hostFlags) {
  uint16_t flags = 0;
  if (hostFlags & O_APPEND)
    flags |= fdflag::Append;
  if (hostFlags & O_NONBLOCK)
    flags |= fdflag::Nonblock;
  // O_SYNC includes the O_DSYNC bit on Linux, and O_RSYNC equals O_SYNC.
  if ((hostFlags & O_SYNC) == O_SYNC)
    flags |= fdflag::Sync;
  else if (hostFlags & O_DSYNC)
    flags |= fdflag::Dsync;
  return flags;
}

int hostFlagsFromFdflags(uint16_t fdflags) {
  int flags = 0;
  if (fdflags & fdflag::Append)
    flags |= O_APPEND;
  if (fdflags & fdflag::Nonblock)
    flags |= O_NONBLOCK;
  if (fdflags & fdflag::Dsync)
    flags |= O_DSYNC;
  if (fdflags & (fdflag::Sync | fdflag::Rsync))
    flags |= O_SYNC;
  return flags;
}

ErrnoOr<SetTimes> setTimesFrom(uint64_t atim, uint64_t mtim, uint32_t fstflags) {
  if ((fstflags & ~uint32_t(fstflag::All)) != 0)
    return Errno::Inval;
  if ((fstflags & fstflag::Atim) && (fstflags & fstflag::AtimNow))
    return Errno::Inval;
  if ((fstflags & fstflag::Mtim) && (fstflags & fstflag::MtimNow))
    return Errno::Inval;
  auto convert = [](uint64_t ns, bool set, bool now) {
    struct timespec ts = {0, UTIME_OMIT};
    if (now) {
      ts.tv_nsec = UTIME_NOW;
    } else if (set) {
      ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000ull);
      ts.tv_nsec = static_cast<long>(ns % 1'000'000'000ull);
    }
    return ts;
  };
  SetTimes out;
  out.times[0] = convert(atim, fstflags & fstflag::Atim, fstflags & fstflag::AtimNow);
  out.times[1] = convert(mtim, fstflags & fstflag::Mtim, fstflags & fstflag::MtimNow);
  return out;
}

} // namespace wasmc::wasi
