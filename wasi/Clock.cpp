// clock_res_get and clock_time_get: the four WASI clocks, in nanoseconds.

#include "wasi/HostCall.h"
#include "wasi/HostUtil.h"
#include "wasi/Wasi.h"

#include <cerrno>

namespace wasmc::wasi {

ErrnoOr<clockid_t> hostClock(uint32_t clockId) {
  switch (static_cast<ClockId>(clockId)) {
  case ClockId::Realtime: return CLOCK_REALTIME;
  case ClockId::Monotonic: return CLOCK_MONOTONIC;
  case ClockId::ProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
  case ClockId::ThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
  }
  return Errno::Inval;
}

Outcome clockResGet(WasiCtx& ctx, const HostArgs& a) {
  clockid_t clock = WASMC_WASI_TRY(hostClock(a.u32(0)));
  struct timespec res;
  if (::clock_getres(clock, &res) != 0)
    return errnoFromHost(errno);
  return ctx.memory().write<uint64_t>(a.u32(1), nanoseconds(res));
}

Outcome clockTimeGet(WasiCtx& ctx, const HostArgs& a) {
  // The precision argument is a hint; the host clocks are read at full precision.
  clockid_t clock = WASMC_WASI_TRY(hostClock(a.u32(0)));
  struct timespec now;
  if (::clock_gettime(clock, &now) != 0)
    return errnoFromHost(errno);
  return ctx.memory().write<uint64_t>(a.u32(2), nanoseconds(now));
}

} // namespace wasmc::wasi
