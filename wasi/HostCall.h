#pragma once
// Private to wasi/: how the wasi_snapshot_preview1 host functions receive
// their wasm arguments and report back, and the list of them by source file.

#include "runtime/Abi.h"
#include "wasi/Errno.h"

#include <cstdint>
#include <cstring>
#include <span>

namespace wasmc::wasi {

class WasiCtx;

/// The wasm arguments of one call: i32 and i64 values in 16-byte slots.
class HostArgs {
public:
  explicit HostArgs(std::span<const abi::Slot> slots) : slots_(slots) {}

  uint32_t u32(size_t index) const { return read<uint32_t>(index); }
  uint64_t u64(size_t index) const { return read<uint64_t>(index); }
  int64_t i64(size_t index) const { return read<int64_t>(index); }

private:
  template <class T> T read(size_t index) const {
    T value;
    std::memcpy(&value, slots_[index].bytes, sizeof value);
    return value;
  }

  std::span<const abi::Slot> slots_;
};

/// What a host function hands back: an errno for the guest, or a trap that
/// ends the wasm call (proc_exit, proc_raise).
struct [[nodiscard]] Outcome {
  Outcome(Errno result) : result(result) {}
  static Outcome trap(abi::TrapCode code) {
    Outcome outcome(Errno::Success);
    outcome.trapCode = code;
    return outcome;
  }

  Errno result;
  abi::TrapCode trapCode = abi::TrapCode::None;
};

using HostImpl = Outcome (*)(WasiCtx& ctx, const HostArgs& args);

// Proc.cpp: arguments, environment, process.
Outcome argsGet(WasiCtx&, const HostArgs&);
Outcome argsSizesGet(WasiCtx&, const HostArgs&);
Outcome environGet(WasiCtx&, const HostArgs&);
Outcome environSizesGet(WasiCtx&, const HostArgs&);
Outcome procExit(WasiCtx&, const HostArgs&);
Outcome procRaise(WasiCtx&, const HostArgs&);
Outcome schedYield(WasiCtx&, const HostArgs&);

// Clock.cpp, Random.cpp, Poll.cpp
Outcome clockResGet(WasiCtx&, const HostArgs&);
Outcome clockTimeGet(WasiCtx&, const HostArgs&);
Outcome randomGet(WasiCtx&, const HostArgs&);
Outcome pollOneoff(WasiCtx&, const HostArgs&);

// FdOps.cpp: descriptor state.
Outcome fdAdvise(WasiCtx&, const HostArgs&);
Outcome fdAllocate(WasiCtx&, const HostArgs&);
Outcome fdClose(WasiCtx&, const HostArgs&);
Outcome fdDatasync(WasiCtx&, const HostArgs&);
Outcome fdFdstatGet(WasiCtx&, const HostArgs&);
Outcome fdFdstatSetFlags(WasiCtx&, const HostArgs&);
Outcome fdFdstatSetRights(WasiCtx&, const HostArgs&);
Outcome fdFilestatGet(WasiCtx&, const HostArgs&);
Outcome fdFilestatSetSize(WasiCtx&, const HostArgs&);
Outcome fdFilestatSetTimes(WasiCtx&, const HostArgs&);
Outcome fdPrestatGet(WasiCtx&, const HostArgs&);
Outcome fdPrestatDirName(WasiCtx&, const HostArgs&);
Outcome fdRenumber(WasiCtx&, const HostArgs&);
Outcome fdSeek(WasiCtx&, const HostArgs&);
Outcome fdSync(WasiCtx&, const HostArgs&);
Outcome fdTell(WasiCtx&, const HostArgs&);

// FdIo.cpp: data.
Outcome fdRead(WasiCtx&, const HostArgs&);
Outcome fdWrite(WasiCtx&, const HostArgs&);
Outcome fdPread(WasiCtx&, const HostArgs&);
Outcome fdPwrite(WasiCtx&, const HostArgs&);
Outcome fdReaddir(WasiCtx&, const HostArgs&);

// PathOps.cpp
Outcome pathCreateDirectory(WasiCtx&, const HostArgs&);
Outcome pathFilestatGet(WasiCtx&, const HostArgs&);
Outcome pathFilestatSetTimes(WasiCtx&, const HostArgs&);
Outcome pathLink(WasiCtx&, const HostArgs&);
Outcome pathOpen(WasiCtx&, const HostArgs&);
Outcome pathReadlink(WasiCtx&, const HostArgs&);
Outcome pathRemoveDirectory(WasiCtx&, const HostArgs&);
Outcome pathRename(WasiCtx&, const HostArgs&);
Outcome pathSymlink(WasiCtx&, const HostArgs&);
Outcome pathUnlinkFile(WasiCtx&, const HostArgs&);

// Sockets.cpp
Outcome sockAccept(WasiCtx&, const HostArgs&);
Outcome sockRecv(WasiCtx&, const HostArgs&);
Outcome sockSend(WasiCtx&, const HostArgs&);
Outcome sockShutdown(WasiCtx&, const HostArgs&);

} // namespace wasmc::wasi
