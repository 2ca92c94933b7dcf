#include "wasi/Protected.h"

#include "wasi/Fds.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wasmc::wasi {

namespace {

using FileId = std::pair<uint64_t, uint64_t>;

FileId idOf(const struct stat& info) { return {info.st_dev, info.st_ino}; }

/// Visits `start` and each directory above it, up to "/" (whose ".." is
/// itself), until `visit` returns true. False if the walk could not go on
/// (a directory that cannot be opened), which callers treat as "not found".
template <typename Visit>
bool walkUp(int start, Visit visit) {
  struct stat info;
  if (::fstat(start, &info) != 0)
    return false;
  UniqueFd current;
  int fd = start;
  for (int depth = 0; depth < 4096; ++depth) {
    if (visit(idOf(info)))
      return true;
    UniqueFd parent(::openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
    struct stat parentInfo;
    if (!parent.valid() || ::fstat(parent.get(), &parentInfo) != 0)
      return false;
    if (idOf(parentInfo) == idOf(info))
      return false; // "/" reached
    current = std::move(parent);
    fd = current.get();
    info = parentInfo;
  }
  return false;
}

} // namespace

void ProtectedDirectories::add(const std::string& hostPath) {
  UniqueFd dir(::open(hostPath.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid())
    return;
  struct stat info;
  if (::fstat(dir.get(), &info) != 0)
    return;
  protected_.insert(idOf(info));
  UniqueFd parent(::openat(dir.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (parent.valid())
    walkUp(parent.get(), [this](FileId id) {
      ancestors_.insert(id);
      return false;
    });
}

bool ProtectedDirectories::contains(int dirFd) const {
  if (protected_.empty())
    return false;
  return walkUp(dirFd, [this](FileId id) { return protected_.count(id) != 0; });
}

Errno ProtectedDirectories::check(int dirFd, const std::string& name, PathUse use) const {
  if (protected_.empty())
    return Errno::Success;
  if (contains(dirFd))
    return Errno::Acces;
  struct stat info;
  if (::fstatat(dirFd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0)
    return Errno::Success; // nothing there yet: creating it is harmless
  FileId id = idOf(info);
  if (protected_.count(id))
    return Errno::Acces;
  if (use == PathUse::Move && ancestors_.count(id))
    return Errno::Acces;
  return Errno::Success;
}

} // namespace wasmc::wasi
