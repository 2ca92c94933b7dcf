// WARNING: this file is the WASI sandbox. A mistake here lets a guest read,
// write, create or delete files outside the directories it was given.
//
// Rules for changing it:
//  - Every host path syscall made for a guest takes a directory fd that was
//    produced here (or the preopen itself) and a single component that is
//    never "..", never contains '/', and is never followed if it is a symlink
//    unless this file followed it itself, within the sandbox.
//  - openat2 must always carry RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS. The
//    walk must refuse ".." at its root, absolute symlink targets, and must
//    open every component with O_NOFOLLOW before deciding what it is.
//  - Both strategies must give the same answers: the unit tests
//    (test/unit/wasi/PathsTest.cpp) and the escape tests (test/wasi) run
//    each case under both. Add a case there for any behaviour you change.
//  - Host buffers here are fixed-size (PATH_MAX) or bounded by kMaxGuestPath;
//    never size one by a guest value.
// Changes to this file need two reviews.

#include "wasi/Paths.h"

#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace wasmc::wasi {

namespace {

/// Longest path the resolver builds while splicing in symlink targets.
constexpr size_t kMaxExpandedPath = 4 * kMaxGuestPath;
/// Directories held open by one walk (each is an fd; deeper paths are
/// NameTooLong rather than EMFILE).
constexpr size_t kMaxWalkDepth = 256;

/// openat2 beneath `dirFd`. Returns the fd, or -1 with `error` set.
/// EAGAIN (a concurrent rename raced the lookup) and EINTR are retried.
int openat2Beneath(int dirFd, const std::string& path, int flags, mode_t mode, int& error) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags);
  // O_TMPFILE includes the O_DIRECTORY bit: test it whole.
  bool takesMode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  how.mode = takesMode ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < 64; ++attempt) {
    long fd = ::syscall(SYS_openat2, dirFd, path.c_str(), &how, sizeof how);
    if (fd >= 0)
      return static_cast<int>(fd);
    if (errno != EAGAIN && errno != EINTR)
      break;
  }
  error = errno;
  return -1;
}

bool openat2Missing(int error) {
  // ENOSYS: kernel before 5.6. EPERM: a seccomp filter that does not know the
  // syscall (container runtimes of that era). Opening O_PATH directories
  // never fails with EPERM otherwise.
  return error == ENOSYS || error == EPERM;
}

/// An errno from openat2: EXDEV means the path tried to leave the root.
Errno beneathErrno(int error) { return error == EXDEV ? Errno::NotCapable : errnoFromHost(error); }

/// The directory `relPath` beneath rootFd, one component at a time. Each
/// component is opened O_PATH|O_NOFOLLOW and inspected: a directory is
/// entered, a symlink's target is spliced in front of the rest of the path
/// (absolute targets are refused), ".." pops back to the parent we already
/// hold and is refused at the root.
ErrnoOr<UniqueFd> walkBeneath(int rootFd, std::string_view relPath) {
  std::vector<UniqueFd> stack; // directories entered below the root; back() is current
  std::string pending(relPath);
  size_t pos = 0;
  int links = 0;
  while (pos < pending.size()) {
    size_t next = pending.find('/', pos);
    if (next == std::string::npos)
      next = pending.size();
    std::string component = pending.substr(pos, next - pos);
    pos = next + 1;
    if (component.empty() || component == ".")
      continue;
    int current = stack.empty() ? rootFd : stack.back().get();
    if (component == "..") {
      if (stack.empty())
        return Errno::NotCapable;
      stack.pop_back();
      continue;
    }
    UniqueFd opened(::openat(current, component.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!opened.valid())
      return errnoFromHost(errno);
    struct stat info;
    if (::fstat(opened.get(), &info) != 0)
      return errnoFromHost(errno);
    if (S_ISLNK(info.st_mode)) {
      if (++links > kMaxSymlinkFollows)
        return Errno::Loop;
      char target[PATH_MAX];
      ssize_t length = ::readlinkat(opened.get(), "", target, sizeof target);
      if (length < 0)
        return errnoFromHost(errno);
      if (static_cast<size_t>(length) >= sizeof target)
        return Errno::NameTooLong;
      if (length == 0)
        return Errno::NoEnt;
      if (target[0] == '/')
        return Errno::NotCapable;
      std::string rest = pos < pending.size() ? pending.substr(pos) : std::string();
      pending.assign(target, static_cast<size_t>(length));
      pending += '/';
      pending += rest;
      pos = 0;
      if (pending.size() > kMaxExpandedPath)
        return Errno::NameTooLong;
      continue;
    }
    if (!S_ISDIR(info.st_mode))
      return Errno::NotDir;
    if (stack.size() >= kMaxWalkDepth)
      return Errno::NameTooLong;
    stack.push_back(std::move(opened));
  }
  if (!stack.empty())
    return std::move(stack.back());
  UniqueFd root(::openat(rootFd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid())
    return errnoFromHost(errno);
  return root;
}

} // namespace

Errno checkGuestPath(std::string_view path) {
  if (path.empty())
    return Errno::NoEnt;
  if (path.size() > kMaxGuestPath)
    return Errno::NameTooLong;
  if (path.find('\0') != std::string_view::npos)
    return Errno::Inval;
  if (path.front() == '/')
    return Errno::NotCapable;
  return Errno::Success;
}

ErrnoOr<UniqueFd> openDirectoryBeneath(int rootFd, std::string_view relPath,
                                       ResolveStrategy strategy) {
  if (strategy != ResolveStrategy::Walk) {
    std::string path = relPath.empty() ? std::string(".") : std::string(relPath);
    int error = 0;
    int fd = openat2Beneath(rootFd, path, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, error);
    if (fd >= 0)
      return UniqueFd(fd);
    if (!(strategy == ResolveStrategy::Auto && openat2Missing(error)))
      return beneathErrno(error);
  }
  return walkBeneath(rootFd, relPath);
}

ErrnoOr<ResolvedPath> resolvePath(int rootFd, std::string_view guestPath, bool followFinal,
                                  ResolveStrategy strategy) {
  WASMC_WASI_CHECK(checkGuestPath(guestPath));
  std::string current(guestPath);
  int links = 0;
  while (true) {
    // current is relative and not all slashes, so it has a last component.
    size_t end = current.find_last_not_of('/');
    if (end == std::string::npos)
      return Errno::NotCapable;
    bool trailingSlash = end + 1 < current.size();
    size_t slash = current.rfind('/', end);
    size_t nameStart = slash == std::string::npos ? 0 : slash + 1;
    std::string parent = slash == std::string::npos ? std::string() : current.substr(0, slash);
    std::string name = current.substr(nameStart, end + 1 - nameStart);

    ResolvedPath out;
    if (name == "." || name == "..") {
      // The path names a directory through "." or "..": open that directory
      // itself (beneath the root, so "a/../.." is refused) and act on ".".
      out.owned =
          WASMC_WASI_TRY(openDirectoryBeneath(rootFd, current.substr(0, end + 1), strategy));
      out.dirFd = out.owned.get();
      out.name = ".";
      out.trailingSlash = trailingSlash;
      return out;
    }
    if (parent.find_first_not_of('/') == std::string::npos) {
      out.dirFd = rootFd;
    } else {
      out.owned = WASMC_WASI_TRY(openDirectoryBeneath(rootFd, parent, strategy));
      out.dirFd = out.owned.get();
    }
    out.name = std::move(name);
    out.trailingSlash = trailingSlash;
    if (!followFinal && !trailingSlash)
      return out;

    // Follow a symlink in the last component ourselves, so the kernel never
    // follows one for us outside the sandbox.
    char target[PATH_MAX];
    ssize_t length = ::readlinkat(out.dirFd, out.name.c_str(), target, sizeof target);
    if (length < 0) {
      int error = errno;
      if (error == EINVAL || error == ENOENT || error == ENOTDIR)
        return out; // not a symlink, or not there: the operation reports it
      return errnoFromHost(error);
    }
    if (static_cast<size_t>(length) >= sizeof target)
      return Errno::NameTooLong;
    if (++links > kMaxSymlinkFollows)
      return Errno::Loop;
    if (length == 0)
      return Errno::NoEnt;
    if (target[0] == '/')
      return Errno::NotCapable;
    std::string next = parent.empty() ? std::string() : parent + "/";
    next.append(target, static_cast<size_t>(length));
    if (trailingSlash)
      next += '/';
    if (next.size() > kMaxExpandedPath)
      return Errno::NameTooLong;
    current = std::move(next);
  }
}

ErrnoOr<UniqueFd> openResolved(const ResolvedPath& path, int flags, mode_t mode,
                               ResolveStrategy strategy) {
  flags |= O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
  if (path.trailingSlash) {
    if (flags & O_CREAT)
      return Errno::IsDir;
    flags |= O_DIRECTORY;
  }
  if (strategy != ResolveStrategy::Walk) {
    int error = 0;
    int fd = openat2Beneath(path.dirFd, path.name, flags, mode, error);
    if (fd >= 0)
      return UniqueFd(fd);
    if (!(strategy == ResolveStrategy::Auto && openat2Missing(error)))
      return beneathErrno(error);
  }
  // name is a single component opened without following: it cannot leave dirFd.
  int fd;
  do {
    fd = ::openat(path.dirFd, path.name.c_str(), flags, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return errnoFromHost(errno);
  return UniqueFd(fd);
}

} // namespace wasmc::wasi
