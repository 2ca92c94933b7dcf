#pragma once
// The WASI sandbox: guest paths resolved beneath a preopened directory, so
// that no `..`, absolute path or symlink (however created) reaches outside
// it. Every path_* host function goes through resolvePath and then acts with
// *at() calls relative to the directory it returns.

#include "wasi/Errno.h"
#include "wasi/Fds.h"

#include <string>
#include <string_view>
#include <sys/types.h>

namespace wasmc::wasi {

enum class ResolveStrategy : uint8_t {
  /// openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS); the walk where the
  /// kernel has no openat2 (ENOSYS, or EPERM from a seccomp filter).
  Auto,
  /// openat2 only (tests).
  Openat2,
  /// The component-by-component walk only (tests; kernels before 5.6).
  Walk,
};

/// Symlinks followed in one resolution before ELOOP (the kernel's limit).
inline constexpr int kMaxSymlinkFollows = 40;
/// Longest guest path accepted (PATH_MAX, as the kernel enforces).
inline constexpr size_t kMaxGuestPath = 4096;

/// A guest path resolved beneath its root: the directory that holds the last
/// component, and that component.
struct ResolvedPath {
  UniqueFd owned; // the directory (O_PATH) when it is not the root itself
  int dirFd = -1; // owned.get(), or the root
  /// One component: never empty, never "..", no '/'. "." when the path
  /// named a directory through "." or ".." (dirFd is then that directory).
  std::string name;
  /// The guest path ended in '/': the target must be a directory.
  bool trailingSlash = false;
};

/// Rejects what no resolution may see: NUL bytes (Inval), absolute paths
/// (NotCapable), the empty path (NoEnt), paths longer than kMaxGuestPath
/// (NameTooLong).
Errno checkGuestPath(std::string_view path);

/// Resolves `path` relative to `rootFd` (a directory: the preopen or a
/// directory opened beneath it). Directory components are followed, symlinks
/// included, but never out of rootFd (NotCapable). With `followFinal` or a
/// trailing slash a symlink in the last component is followed as well,
/// within the sandbox, so `name` is then not a symlink; otherwise `name` may
/// be a symlink and the caller must not follow it (AT_SYMLINK_NOFOLLOW,
/// O_NOFOLLOW). A last component that does not exist is not an error here.
/// The result borrows rootFd, which must stay open while it is used.
ErrnoOr<ResolvedPath> resolvePath(int rootFd, std::string_view path, bool followFinal,
                                  ResolveStrategy strategy);

/// An O_PATH descriptor of the directory `relPath` beneath `rootFd`.
ErrnoOr<UniqueFd> openDirectoryBeneath(int rootFd, std::string_view relPath,
                                       ResolveStrategy strategy);

/// Opens the last component of a resolved path. O_NOFOLLOW and O_CLOEXEC are
/// always added (resolvePath already followed what had to be followed); a
/// trailing slash adds O_DIRECTORY, and with O_CREAT is IsDir.
ErrnoOr<UniqueFd> openResolved(const ResolvedPath& path, int flags, mode_t mode,
                               ResolveStrategy strategy);

} // namespace wasmc::wasi
