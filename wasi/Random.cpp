// random_get: the host's getrandom, written straight into guest memory in
// bounded chunks (no host buffer, whatever length the guest asks for).

#include "wasi/HostCall.h"
#include "wasi/Wasi.h"

#include <cerrno>
#include <sys/random.h>

namespace wasmc::wasi {

Outcome randomGet(WasiCtx& ctx, const HostArgs& a) {
  std::span<uint8_t> out = WASMC_WASI_TRY(ctx.memory().bytes(a.u32(0), a.u32(1)));
  constexpr size_t kChunk = 1 << 20; // getrandom returns at most ~32 MiB per call anyway
  size_t done = 0;
  while (done < out.size()) {
    size_t want = std::min(kChunk, out.size() - done);
    ssize_t got = ::getrandom(out.data() + done, want, 0);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return errnoFromHost(errno);
    }
    done += static_cast<size_t>(got);
  }
  return Errno::Success;
}

} // namespace wasmc::wasi
