// args_*, environ_*, proc_exit, proc_raise, sched_yield.

#include "runtime/CallState.h"
#include "wasi/HostCall.h"
#include "wasi/Wasi.h"

#include <csignal>
#include <sched.h>

namespace wasmc::wasi {

namespace {

/// Writes `strings` as the C argv/environ layout: `pointers` receives one
/// u32 per string, `buffer` the NUL-terminated strings back to back.
Errno storeStringList(const GuestMemory& memory, const std::vector<std::string>& strings,
                      uint32_t pointers, uint32_t buffer) {
  std::span<uint8_t> table =
      WASMC_WASI_TRY(memory.array(pointers, static_cast<uint32_t>(strings.size()), 4));
  uint64_t total = 0;
  for (const std::string& s : strings)
    total += s.size() + 1;
  std::span<uint8_t> bytes = WASMC_WASI_TRY(memory.bytes(buffer, total));
  uint64_t offset = 0;
  for (size_t i = 0; i < strings.size(); ++i) {
    uint32_t address = static_cast<uint32_t>(buffer + offset);
    std::memcpy(table.data() + 4 * i, &address, 4);
    std::memcpy(bytes.data() + offset, strings[i].data(), strings[i].size());
    bytes[offset + strings[i].size()] = 0;
    offset += strings[i].size() + 1;
  }
  return Errno::Success;
}

Errno storeStringSizes(const GuestMemory& memory, const std::vector<std::string>& strings,
                       uint32_t countPtr, uint32_t sizePtr) {
  uint64_t total = 0;
  for (const std::string& s : strings)
    total += s.size() + 1;
  if (total > UINT32_MAX || strings.size() > UINT32_MAX)
    return Errno::Overflow;
  WASMC_WASI_CHECK(memory.write<uint32_t>(countPtr, static_cast<uint32_t>(strings.size())));
  return memory.write<uint32_t>(sizePtr, static_cast<uint32_t>(total));
}

} // namespace

Outcome argsGet(WasiCtx& ctx, const HostArgs& a) {
  return storeStringList(ctx.memory(), ctx.args(), a.u32(0), a.u32(1));
}

Outcome argsSizesGet(WasiCtx& ctx, const HostArgs& a) {
  return storeStringSizes(ctx.memory(), ctx.args(), a.u32(0), a.u32(1));
}

Outcome environGet(WasiCtx& ctx, const HostArgs& a) {
  return storeStringList(ctx.memory(), ctx.env(), a.u32(0), a.u32(1));
}

Outcome environSizesGet(WasiCtx& ctx, const HostArgs& a) {
  return storeStringSizes(ctx.memory(), ctx.env(), a.u32(0), a.u32(1));
}

Outcome procExit(WasiCtx&, const HostArgs& a) {
  // Not an error: the call unwinds with TrapCode::Exit and the embedder
  // turns the code into the process exit status.
  rt::setPendingExit(static_cast<int32_t>(a.u32(0)));
  return Outcome::trap(abi::TrapCode::Exit);
}

Outcome procRaise(WasiCtx&, const HostArgs& a) {
  // WASI signal numbers, 1..30 (0 is "none"). Signals whose default action
  // is to be ignored do nothing; the others end the program with a trap, as
  // their default action would, without signalling the host process.
  uint32_t signal = a.u32(0);
  if (signal == 0)
    return Errno::Success;
  if (signal > 30)
    return Errno::Inval;
  constexpr uint32_t kChld = 16, kCont = 17, kUrg = 22, kWinch = 27;
  if (signal == kChld || signal == kCont || signal == kUrg || signal == kWinch)
    return Errno::Success;
  static constexpr const char* kNames[] = {
      "NONE", "HUP",  "INT",  "QUIT",   "ILL",  "TRAP",  "ABRT", "BUS",  "FPE",  "KILL", "USR1",
      "SEGV", "USR2", "PIPE", "ALRM",   "TERM", "CHLD",  "CONT", "STOP", "TSTP", "TTIN", "TTOU",
      "URG",  "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR",  "SYS"};
  rt::setPendingHostTrap(std::string("proc_raise: the guest raised SIG") + kNames[signal]);
  return Outcome::trap(abi::TrapCode::HostTrap);
}

Outcome schedYield(WasiCtx&, const HostArgs&) {
  ::sched_yield();
  return Errno::Success;
}

} // namespace wasmc::wasi
