// path_* functions. Each resolves its path beneath the directory fd it was
// given (Paths.h) and then acts with one *at() call on the resolved
// directory and a single, unfollowed component.

#include "wasi/HostCall.h"
#include "wasi/HostUtil.h"
#include "wasi/Wasi.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wasmc::wasi {

namespace {

/// The directory entry for `fd` (NotDir for other kinds) holding `need`.
ErrnoOr<FdEntry*> directory(WasiCtx& ctx, uint32_t fd, Rights need) {
  FdEntry* entry = WASMC_WASI_TRY(ctx.fds().get(fd));
  if (!entry->isDirectory())
    return Errno::NotDir;
  WASMC_WASI_CHECK(entry->require(need));
  return entry;
}

/// Resolves a guest path beneath `dir`; a path that reaches one of wasmc's
/// protected directories is EACCES, whatever it names (Protected.h).
ErrnoOr<ResolvedPath> resolveGuestPath(WasiCtx& ctx, const FdEntry& dir, uint32_t pathPtr,
                                       uint32_t pathLen, bool followFinal,
                                       PathUse use = PathUse::Access) {
  std::string_view path = WASMC_WASI_TRY(ctx.memory().string(pathPtr, pathLen));
  ResolvedPath resolved = WASMC_WASI_TRY(resolvePath(dir.hostFd, path, followFinal, ctx.resolveStrategy()));
  WASMC_WASI_CHECK(ctx.protectedDirectories().check(resolved.dirFd, resolved.name, use));
  return resolved;
}

ErrnoOr<struct stat> statResolved(const ResolvedPath& path) {
  struct stat info;
  if (::fstatat(path.dirFd, path.name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0)
    return errnoFromHost(errno);
  return info;
}

Errno fromSyscall(int result) { return result == 0 ? Errno::Success : errnoFromHost(errno); }

/// A trailing slash on a path that is about to be created (symlink or link
/// target) as Linux answers it: EEXIST over a directory, ENOTDIR over
/// anything else, ENOENT (or the lookup's error) when nothing is there.
Errno createWithTrailingSlash(const ResolvedPath& path) {
  ErrnoOr<struct stat> existing = statResolved(path);
  if (!existing)
    return existing.error();
  return S_ISDIR(existing->st_mode) ? Errno::Exist : Errno::NotDir;
}

} // namespace

Outcome pathCreateDirectory(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* dir = WASMC_WASI_TRY(directory(ctx, a.u32(0), right::PathCreateDirectory));
  ResolvedPath path = WASMC_WASI_TRY(resolveGuestPath(ctx, *dir, a.u32(1), a.u32(2), false));
  return fromSyscall(::mkdirat(path.dirFd, path.name.c_str(), 0777));
}

Outcome pathFilestatGet(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* dir = WASMC_WASI_TRY(directory(ctx, a.u32(0), right::PathFilestatGet));
  bool follow = a.u32(1) & kLookupSymlinkFollow;
  ResolvedPath path = WASMC_WASI_TRY(resolveGuestPath(ctx, *dir, a.u32(2), a.u32(3), follow));
  struct stat info = WASMC_WASI_TRY(statResolved(path));
  if (path.trailingSlash && !S_ISDIR(info.st_mode))
    return Errno::NotDir;
  return storeFilestat(ctx.memory(), a.u32(4), info, -1);
}

Outcome pathFilestatSetTimes(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* dir = WASMC_WASI_TRY(directory(ctx, a.u32(0), right::PathFilestatSetTimes));
  SetTimes times = WASMC_WASI_TRY(setTimesFrom(a.u64(4), a.u64(5), a.u32(6)));
  bool follow = a.u32(1) & kLookupSymlinkFollow;
  ResolvedPath path = WASMC_WASI_TRY(resolveGuestPath(ctx, *dir, a.u32(2), a.u32(3), follow));
  if (path.trailingSlash) {
    struct stat info = WASMC_WASI_TRY(statResolved(path));
    if (!S_ISDIR(info.st_mode))
      return Errno::NotDir;
  }
  return fromSyscall(::utimensat(path.dirFd, path.name.c_str(), times.times, AT_SYMLINK_NOFOLLOW));
}

Outcome pathLink(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* oldDir = WASMC_WASI_TRY(directory(ctx, a.u32(0), right::PathLinkSource));
  FdEntry* newDir = WASMC_WASI_TRY(directory(ctx, a.u32(4), right::PathLinkTarget));
  bool follow = a.u32(1) & kLookupSymlinkFollow;
  ResolvedPath from = WASMC_WASI_TRY(resolveGuestPath(ctx, *oldDir, a.u32(2), a.u32(3), follow));
  ResolvedPath to = WASMC_WASI_TRY(resolveGuestPath(ctx, *newDir, a.u32(5), a.u32(6), false));
  if (from.trailingSlash) {
    struct stat info = WASMC_WASI_TRY(statResolved(from));
    return S_ISDIR(info.st_mode) ? Errno::Perm : Errno::NotDir;
  }
  if (to.trailingSlash)
    return createWithTrailingSlash(to);
  // Flags 0: the kernel never follows `from`; resolvePath did if asked to.
  return fromSyscall(::linkat(from.dirFd, from.name.c_str(), to.dirFd, to.name.c_str(), 0));
}

Outcome pathOpen(WasiCtx& ctx, const HostArgs& a) {
  uint32_t oflags = a.u32(4);
  Rights requestedBase = a.u64(5);
  Rights requestedInheriting = a.u64(6);
  uint32_t fdflags = a.u32(7);
  uint32_t openedPtr = a.u32(8);
  if ((oflags & ~uint32_t(oflag::All)) || (fdflags & ~uint32_t(fdflag::All)))
    return Errno::Inval;
  Rights need = right::PathOpen;
  if (oflags & oflag::Creat)
    need |= right::PathCreateFile;
  if (oflags & oflag::Trunc)
    need |= right::PathFilestatSetSize;
  FdEntry* dir = WASMC_WASI_TRY(directory(ctx, a.u32(0), need));
  WASMC_WASI_TRY(ctx.memory().bytes(openedPtr, 4));

  // O_CREAT|O_EXCL never follows a final symlink (it is EEXIST), as in POSIX.
  bool exclusive = (oflags & oflag::Creat) && (oflags & oflag::Excl);
  bool follow = (a.u32(1) & kLookupSymlinkFollow) && !exclusive;
  ResolvedPath path = WASMC_WASI_TRY(resolveGuestPath(ctx, *dir, a.u32(2), a.u32(3), follow));

  // A descriptor gets at most what its directory may pass on; the access
  // mode follows from the rights it will hold.
  Rights base = requestedBase & dir->inheriting;
  Rights inheriting = requestedInheriting & dir->inheriting;
  bool read = base & right::ReadAccess;
  bool write = base & right::WriteAccess;
  int flags = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & oflag::Creat)
    flags |= O_CREAT;
  if (oflags & oflag::Excl)
    flags |= O_EXCL;
  if (oflags & oflag::Trunc)
    flags |= O_TRUNC;
  if (oflags & oflag::Directory)
    flags |= O_DIRECTORY;
  flags |= hostFlagsFromFdflags(static_cast<uint16_t>(fdflags));

  UniqueFd opened = WASMC_WASI_TRY(openResolved(path, flags, 0666, ctx.resolveStrategy()));
  int hostFd = opened.get();
  FdEntry entry = WASMC_WASI_TRY(describeHostFd(std::move(opened), hostFd));
  // describeHostFd gave the maximum for the file's type; keep what was asked.
  entry.base &= base;
  entry.inheriting &= inheriting;
  uint32_t fd = WASMC_WASI_TRY(ctx.fds().insert(std::move(entry)));
  return ctx.memory().write<uint32_t>(openedPtr, fd);
}

Outcome pathReadlink(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* dir = WASMC_WASI_TRY(directory(ctx, a.u32(0), right::PathReadlink));
  ResolvedPath path = WASMC_WASI_TRY(resolveGuestPath(ctx, *dir, a.u32(1), a.u32(2), false));
  std::span<uint8_t> buffer = WASMC_WASI_TRY(ctx.memory().bytes(a.u32(3), a.u32(4)));
  uint32_t bufusedPtr = a.u32(5);
  WASMC_WASI_TRY(ctx.memory().bytes(bufusedPtr, 4));
  // Straight into the (checked) guest buffer; a short buffer gets the first
  // bytes of the target, as readlink(2) does.
  ssize_t length = ::readlinkat(path.dirFd, path.name.c_str(),
                                reinterpret_cast<char*>(buffer.data()), buffer.size());
  if (length < 0)
    return errnoFromHost(errno);
  return ctx.memory().write<uint32_t>(bufusedPtr, static_cast<uint32_t>(length));
}

Outcome pathRemoveDirectory(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* dir = WASMC_WASI_TRY(directory(ctx, a.u32(0), right::PathRemoveDirectory));
  ResolvedPath path = WASMC_WASI_TRY(resolveGuestPath(ctx, *dir, a.u32(1), a.u32(2), false));
  return fromSyscall(::unlinkat(path.dirFd, path.name.c_str(), AT_REMOVEDIR));
}

Outcome pathRename(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* oldDir = WASMC_WASI_TRY(directory(ctx, a.u32(0), right::PathRenameSource));
  FdEntry* newDir = WASMC_WASI_TRY(directory(ctx, a.u32(3), right::PathRenameTarget));
  ResolvedPath from =
      WASMC_WASI_TRY(resolveGuestPath(ctx, *oldDir, a.u32(1), a.u32(2), false, PathUse::Move));
  ResolvedPath to = WASMC_WASI_TRY(resolveGuestPath(ctx, *newDir, a.u32(4), a.u32(5), false));
  if (from.trailingSlash || to.trailingSlash) {
    // Trailing slashes are allowed only when renaming a directory.
    struct stat info = WASMC_WASI_TRY(statResolved(from));
    if (!S_ISDIR(info.st_mode))
      return Errno::NotDir;
  }
  return fromSyscall(::renameat(from.dirFd, from.name.c_str(), to.dirFd, to.name.c_str()));
}

Outcome pathSymlink(WasiCtx& ctx, const HostArgs& a) {
  std::string_view target = WASMC_WASI_TRY(ctx.memory().string(a.u32(0), a.u32(1)));
  FdEntry* dir = WASMC_WASI_TRY(directory(ctx, a.u32(2), right::PathSymlink));
  // The link's content is checked like any guest path: an absolute target
  // could never be followed inside the sandbox, so it is not created.
  WASMC_WASI_CHECK(checkGuestPath(target));
  ResolvedPath path = WASMC_WASI_TRY(resolveGuestPath(ctx, *dir, a.u32(3), a.u32(4), false));
  if (path.trailingSlash)
    return createWithTrailingSlash(path);
  std::string content(target);
  return fromSyscall(::symlinkat(content.c_str(), path.dirFd, path.name.c_str()));
}

Outcome pathUnlinkFile(WasiCtx& ctx, const HostArgs& a) {
  FdEntry* dir = WASMC_WASI_TRY(directory(ctx, a.u32(0), right::PathUnlinkFile));
  ResolvedPath path = WASMC_WASI_TRY(resolveGuestPath(ctx, *dir, a.u32(1), a.u32(2), false));
  if (path.trailingSlash) {
    // "name/" names a directory: never a file to unlink.
    struct stat info = WASMC_WASI_TRY(statResolved(path));
    return S_ISDIR(info.st_mode) ? Errno::IsDir : Errno::NotDir;
  }
  return fromSyscall(::unlinkat(path.dirFd, path.name.c_str(), 0));
}

} // namespace wasmc::wasi
