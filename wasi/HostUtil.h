#pragma once
// Private to wasi/: conversions shared by the fd_* and path_* functions
// (stat to filestat, fdflags to open flags, set-times arguments).

#include "wasi/Errno.h"
#include "wasi/GuestMemory.h"
#include "wasi/WasiTypes.h"

#include <cstdint>
#include <ctime>
#include <sys/stat.h>

namespace wasmc::wasi {

/// Writes the 64-byte filestat for `info` to guest memory at `ptr`.
Errno storeFilestat(const GuestMemory& memory, uint32_t ptr, const struct stat& info, int hostFd);

/// WASI fdflags for host open/fcntl flags, and back.
uint16_t fdflagsFromHost(int hostFlags);
int hostFlagsFromFdflags(uint16_t fdflags);

/// utimensat/futimens times for fd_filestat_set_times and
/// path_filestat_set_times; Inval for ATIM with ATIM_NOW (or MTIM with
/// MTIM_NOW) and unknown flags.
struct SetTimes {
  struct timespec times[2];
};
ErrnoOr<SetTimes> setTimesFrom(uint64_t atim, uint64_t mtim, uint32_t fstflags);

/// The host clock for a WASI clock id, or Inval (Clock.cpp).
ErrnoOr<clockid_t> hostClock(uint32_t clockId);

inline uint64_t nanoseconds(const struct timespec& ts) {
  return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
}

} // namespace wasmc::wasi
