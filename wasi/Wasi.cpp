#include "wasi/Wasi.h"

#include "runtime/CallState.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "wasi/HostCall.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wasmc::wasi {

namespace {

Error ioError(const std::string& what, int error) {
  return makeError(ErrorKind::Io, kNoOffset, what + ": " + std::strerror(error));
}

/// One import: its name, its wasm signature ('i' = i32, 'I' = i64; every
/// function but proc_exit returns an i32 errno) and the implementation.
struct HostSpec {
  const char* name;
  const char* params;
  bool returnsErrno;
  HostImpl impl;
};

constexpr HostSpec kFunctions[] = {
    {"args_get", "ii", true, argsGet},
    {"args_sizes_get", "ii", true, argsSizesGet},
    {"environ_get", "ii", true, environGet},
    {"environ_sizes_get", "ii", true, environSizesGet},
    {"clock_res_get", "ii", true, clockResGet},
    {"clock_time_get", "iIi", true, clockTimeGet},
    {"fd_advise", "iIIi", true, fdAdvise},
    {"fd_allocate", "iII", true, fdAllocate},
    {"fd_close", "i", true, fdClose},
    {"fd_datasync", "i", true, fdDatasync},
    {"fd_fdstat_get", "ii", true, fdFdstatGet},
    {"fd_fdstat_set_flags", "ii", true, fdFdstatSetFlags},
    {"fd_fdstat_set_rights", "iII", true, fdFdstatSetRights},
    {"fd_filestat_get", "ii", true, fdFilestatGet},
    {"fd_filestat_set_size", "iI", true, fdFilestatSetSize},
    {"fd_filestat_set_times", "iIIi", true, fdFilestatSetTimes},
    {"fd_pread", "iiiIi", true, fdPread},
    {"fd_prestat_get", "ii", true, fdPrestatGet},
    {"fd_prestat_dir_name", "iii", true, fdPrestatDirName},
    {"fd_pwrite", "iiiIi", true, fdPwrite},
    {"fd_read", "iiii", true, fdRead},
    {"fd_readdir", "iiiIi", true, fdReaddir},
    {"fd_renumber", "ii", true, fdRenumber},
    {"fd_seek", "iIii", true, fdSeek},
    {"fd_sync", "i", true, fdSync},
    {"fd_tell", "ii", true, fdTell},
    {"fd_write", "iiii", true, fdWrite},
    {"path_create_directory", "iii", true, pathCreateDirectory},
    {"path_filestat_get", "iiiii", true, pathFilestatGet},
    {"path_filestat_set_times", "iiiiIIi", true, pathFilestatSetTimes},
    {"path_link", "iiiiiii", true, pathLink},
    {"path_open", "iiiiiIIii", true, pathOpen},
    {"path_readlink", "iiiiii", true, pathReadlink},
    {"path_remove_directory", "iii", true, pathRemoveDirectory},
    {"path_rename", "iiiiii", true, pathRename},
    {"path_symlink", "iiiii", true, pathSymlink},
    {"path_unlink_file", "iii", true, pathUnlinkFile},
    {"poll_oneoff", "iiii", true, pollOneoff},
    {"proc_exit", "i", false, procExit},
    {"proc_raise", "i", true, procRaise},
    {"sched_yield", "", true, schedYield},
    {"random_get", "ii", true, randomGet},
    {"sock_accept", "iii", true, sockAccept},
    {"sock_recv", "iiiiii", true, sockRecv},
    {"sock_send", "iiiii", true, sockSend},
    {"sock_shutdown", "ii", true, sockShutdown},
};
static_assert(std::size(kFunctions) == 46, "wasi_snapshot_preview1 has 46 functions");

wasm::FuncType signatureOf(const HostSpec& spec) {
  wasm::FuncType type;
  for (const char* p = spec.params; *p; ++p)
    type.params.push_back(*p == 'I' ? wasm::ValType::I64 : wasm::ValType::I32);
  if (spec.returnsErrno)
    type.results.push_back(wasm::ValType::I32);
  return type;
}

} // namespace

WasiCtx::WasiCtx() {
  // Described on first use: a closed host stdio fd stays closed for the
  // guest too.
  for (uint32_t fd = 0; fd <= 2; ++fd)
    fds_.insertInherited(fd);
}

WasiCtx::~WasiCtx() = default;

Expected<void> WasiCtx::preopenDirectory(const std::string& hostPath, const std::string& guestName,
                                         Access access) {
  UniqueFd fd(::open(hostPath.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid())
    return ioError("cannot open directory " + hostPath, errno);
  if (protected_.contains(fd.get()))
    return makeError(ErrorKind::Io, kNoOffset,
                     "cannot give the guest " + hostPath + ": it is (or is inside) wasmc's key or cache directory");
  int hostFd = fd.get();
  ErrnoOr<FdEntry> entry = describeHostFd(std::move(fd), hostFd);
  if (!entry)
    return ioError("cannot open directory " + hostPath, EIO);
  entry->preopenName = guestName;
  if (access == Access::ReadOnly) {
    entry->base &= ~right::Modify;
    entry->inheriting &= ~right::Modify;
  }
  fds_.insertAt(nextPreopen_++, std::move(*entry));
  return {};
}

Expected<void> WasiCtx::setStdio(uint32_t fd, int hostFd) {
  UniqueFd owned(hostFd);
  if (fd > 2)
    return makeError(ErrorKind::Io, kNoOffset, "stdio is fd 0, 1 or 2, not " + std::to_string(fd));
  ErrnoOr<FdEntry> entry = describeHostFd(std::move(owned), hostFd);
  if (!entry)
    return ioError("cannot give the guest fd " + std::to_string(hostFd) + " as its fd " + std::to_string(fd), EBADF);
  fds_.insertAt(fd, std::move(*entry));
  return {};
}

Expected<void> WasiCtx::preopenSocket(int hostFd) {
  UniqueFd fd(hostFd);
  ErrnoOr<FdEntry> entry = describeHostFd(std::move(fd), hostFd);
  if (!entry || !entry->isSocket())
    return makeError(ErrorKind::Io, kNoOffset, "preopened socket: not a socket");
  fds_.insertAt(nextPreopen_++, std::move(*entry));
  return {};
}

namespace {

/// Its address keys a store's WASI context (rt::Store::setHostData).
constexpr char kContextKey = 0;

/// The 46 functions as host function definitions, each finding its context
/// with `contextOf(store)` (null: no context, a trap).
template <class ContextOf>
std::vector<std::shared_ptr<const rt::HostFuncDef>> makeDefinitions(ContextOf contextOf) {
  std::vector<std::shared_ptr<const rt::HostFuncDef>> defs;
  defs.reserve(std::size(kFunctions));
  for (const HostSpec& spec : kFunctions) {
    HostImpl impl = spec.impl;
    bool returnsErrno = spec.returnsErrno;
    auto call = [impl, returnsErrno, contextOf](rt::Store& store, std::span<abi::Slot> slots) {
      WasiCtx* ctx = contextOf(store);
      if (!ctx) {
        rt::setPendingHostTrap("wasi_snapshot_preview1 called in a store without a WASI context");
        return abi::TrapCode::HostTrap;
      }
      Outcome outcome = impl(*ctx, HostArgs(slots));
      if (outcome.trapCode != abi::TrapCode::None)
        return outcome.trapCode;
      if (returnsErrno) {
        uint32_t result = static_cast<uint16_t>(outcome.result);
        std::memset(slots[0].bytes, 0, sizeof slots[0].bytes);
        std::memcpy(slots[0].bytes, &result, sizeof result);
      }
      return abi::TrapCode::None;
    };
    defs.push_back(rt::HostFuncDef::make(signatureOf(spec), std::move(call)));
  }
  return defs;
}

void define(rt::Linker& linker, const std::vector<std::shared_ptr<const rt::HostFuncDef>>& defs) {
  for (size_t i = 0; i < defs.size(); ++i)
    linker.defineHostFunc("wasi_snapshot_preview1", kFunctions[i].name, defs[i]);
}

} // namespace

void attach(rt::Store& store, WasiCtx& ctx) {
  ctx.watchInterrupts(&store.record()->interrupt);
  store.setHostData(&kContextKey, &ctx);
}

void addToLinker(rt::Linker& linker) {
  // Made once per process: every store finds its own context.
  static const auto shared =
      makeDefinitions([](rt::Store& store) { return static_cast<WasiCtx*>(store.hostData(&kContextKey)); });
  define(linker, shared);
}

Expected<void> addToLinker(rt::Store& store, rt::Linker& linker, WasiCtx& ctx) {
  ctx.watchInterrupts(&store.record()->interrupt);
  define(linker, makeDefinitions([context = &ctx](rt::Store&) { return context; }));
  return {};
}

} // namespace wasmc::wasi
