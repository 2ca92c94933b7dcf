#pragma once
// wasi_snapshot_preview1 for wasmc: a WasiCtx holds one guest's arguments,
// environment, descriptors (stdio inherited, preopened directories and
// sockets) and its bound memory. The 46 host functions find it through the
// store they run in (attach, and addToLinker(linker): definitions made
// once, for rt::InstancePre) or are bound to it (addToLinker(store,
// linker, ctx)). Each context is independent.

#include "compiler/wasm/Error.h"
#include "wasi/Fds.h"
#include "wasi/GuestMemory.h"
#include "wasi/Paths.h"
#include "wasi/Protected.h"

#include <string>
#include <vector>

namespace wasmc::rt {
class Linker;
class Memory;
class Store;
} // namespace wasmc::rt

namespace wasmc::wasi {

class WasiCtx {
public:
  /// A context with the host's stdin, stdout and stderr as fds 0..2 (borrowed,
  /// never closed by the guest's fd_close), no arguments, no environment
  /// and nothing preopened: the guest reaches no file.
  WasiCtx();
  ~WasiCtx();
  WasiCtx(const WasiCtx&) = delete;
  WasiCtx& operator=(const WasiCtx&) = delete;

  /// argv as the guest sees it, argv[0] included.
  void setArgs(std::vector<std::string> args) { args_ = std::move(args); }
  /// "NAME=VALUE" entries, in order.
  void setEnv(std::vector<std::string> env) { env_ = std::move(env); }

  /// Hides the host directory `hostPath` and everything beneath it from the
  /// guest (wasmc's key and cache directories; see Protected.h): path_*
  /// calls that reach it fail with EACCES. Call before preopenDirectory.
  void protectDirectory(const std::string& hostPath) { protected_.add(hostPath); }

  enum class Access { ReadWrite, ReadOnly };
  /// Opens `hostPath` (a directory) and gives it to the guest as the next
  /// preopen (fds 3, 4, ... in call order) named `guestName`. ReadOnly takes
  /// every right that changes a file or directory (right::Modify) from it
  /// and from all it opens. Errors: Io (the directory cannot be opened, or
  /// is a protected one).
  Expected<void> preopenDirectory(const std::string& hostPath, const std::string& guestName,
                                  Access access = Access::ReadWrite);
  /// Gives the guest `hostFd` (taking ownership) as its stdin, stdout or
  /// stderr (`fd` 0, 1 or 2) instead of the host's. Errors: Io.
  Expected<void> setStdio(uint32_t fd, int hostFd);
  /// Gives the guest a listening socket as the next preopened fd, for
  /// sock_accept. Takes ownership of `hostFd`. Errors: Io (not a socket).
  Expected<void> preopenSocket(int hostFd);

  /// How paths are resolved beneath preopens (tests force one strategy).
  void setResolveStrategy(ResolveStrategy strategy) { strategy_ = strategy; }
  ResolveStrategy resolveStrategy() const { return strategy_; }

  /// The guest memory every pointer refers to: bind the instance's exported
  /// "memory" after instantiation and before calling _start/_initialize.
  /// Until then (or with null) every pointer is EFAULT.
  void bindMemory(const rt::Memory* memory) { memory_ = GuestMemory(memory); }

  /// The store's interrupt flag (abi::StoreRecord::interrupt), set by
  /// addToLinker: calls that block (poll_oneoff, reads from pipes and
  /// sockets) wake at least every kInterruptPollMs to look at it, and end
  /// with the trap "interrupt" once it is set.
  void watchInterrupts(const uint32_t* flag) { interruptFlag_ = flag; }
  bool interrupted() const { return interruptFlag_ && __atomic_load_n(interruptFlag_, __ATOMIC_RELAXED); }
  bool watchingInterrupts() const { return interruptFlag_ != nullptr; }
  static constexpr int kInterruptPollMs = 20;

  // --- for the host functions --------------------------------------------
  const GuestMemory& memory() const { return memory_; }
  FdTable& fds() { return fds_; }
  const ProtectedDirectories& protectedDirectories() const { return protected_; }
  const std::vector<std::string>& args() const { return args_; }
  const std::vector<std::string>& env() const { return env_; }

private:
  std::vector<std::string> args_;
  std::vector<std::string> env_;
  FdTable fds_;
  uint32_t nextPreopen_ = 3;
  GuestMemory memory_;
  ResolveStrategy strategy_ = ResolveStrategy::Auto;
  ProtectedDirectories protected_;
  const uint32_t* interruptFlag_ = nullptr;
};

/// Makes `ctx` the WASI context of `store` (one context per store; a later
/// call replaces it): the functions addToLinker defines find it there, and
/// it watches the store's interrupt flag. `ctx` must outlive every call into
/// the store's instances.
void attach(rt::Store& store, WasiCtx& ctx);
/// Defines every wasi_snapshot_preview1 function in `linker` as a host
/// function definition for any store (rt::HostFuncDef, made once per
/// process): called in a store, each uses the context attached to it, and
/// traps without one. A linker set up so serves any number of stores, and
/// rt::InstancePre can pre-link modules with it.
void addToLinker(rt::Linker& linker);
/// Defines the 46 functions in `linker` bound to `ctx` itself, whichever
/// store calls them (each linker its own context, even in one store: the C
/// API's linkers), and makes `ctx` watch `store`'s interrupt flag. `ctx`
/// must outlive every call into instances linked this way.
Expected<void> addToLinker(rt::Store& store, rt::Linker& linker, WasiCtx& ctx);

} // namespace wasmc::wasi
