// WARNING: the key file is what makes an artifact trusted. Rules for
// changing this file: never follow a symbolic link to or into the key (the
// last component is opened with O_NOFOLLOW, the temporary file with
// O_EXCL|O_NOFOLLOW), never accept a key someone else could have written or
// read, and never publish a partly written key (write a temporary file,
// then link it into place, which fails if a key already exists).

#include "runtime/ArtifactKey.h"

#include "runtime/Sha256.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wasmc::rt {

namespace {

constexpr const char* kKeyName = "artifact.key";

Error keyError(const std::string& path, const std::string& what) {
  return makeError(ErrorKind::Artifact, kNoOffset, "artifact key " + path + ": " + what);
}

Error ioError(const std::string& path, const char* what, int err) {
  return makeError(ErrorKind::Io, kNoOffset, "artifact key " + path + ": " + what + ": " + std::strerror(err));
}

void randomBytes(uint8_t* out, size_t size) {
  while (size > 0) {
    ssize_t got = ::getrandom(out, size, 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      fatal("getrandom failed");
    out += got;
    size -= static_cast<size_t>(got);
  }
}

/// The checks on an open key file; `info` is its fstat.
std::optional<Error> refuse(const std::string& path, const struct stat& info) {
  if (!S_ISREG(info.st_mode))
    return keyError(path, "not a regular file");
  if (info.st_uid != ::geteuid())
    return keyError(path, "owned by another user (uid " + std::to_string(info.st_uid) +
                              "); remove it to make a new key");
  if (info.st_mode & 077)
    return keyError(path, "readable or writable by group or others; remove it to make a new key "
                          "(artifacts compiled with it must be recompiled)");
  if (info.st_nlink != 1)
    return keyError(path, "has other hard links; remove it to make a new key");
  if (info.st_size != 32)
    return keyError(path, "not 32 bytes; remove it to make a new key");
  return std::nullopt;
}


} // namespace

std::optional<std::string> userKeyPath() {
  const char* config = std::getenv("XDG_CONFIG_HOME");
  if (config && *config == '/')
    return std::string(config) + "/wasmc/" + kKeyName;
  const char* home = std::getenv("HOME");
  if (home && *home == '/')
    return std::string(home) + "/.config/wasmc/" + kKeyName;
  return std::nullopt;
}

std::optional<std::string> userCacheDirectory() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/')
    return std::string(xdg) + "/wasmc";
  const char* home = std::getenv("HOME");
  if (home && *home == '/')
    return std::string(home) + "/.cache/wasmc";
  return std::nullopt;
}

std::vector<std::string> privateDirectories() {
  std::vector<std::string> directories;
  if (std::optional<std::string> key = userKeyPath())
    directories.push_back(key->substr(0, key->rfind('/')));
  if (std::optional<std::string> cache = userCacheDirectory())
    directories.push_back(*cache);
  return directories;
}

Expected<std::optional<ArtifactKey>> readKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT)
      return std::optional<ArtifactKey>();
    if (errno == ELOOP)
      return keyError(path, "is a symbolic link; remove it to make a new key");
    return ioError(path, "cannot open", errno);
  }
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    int err = errno;
    ::close(fd);
    return ioError(path, "cannot stat", err);
  }
  if (std::optional<Error> refused = refuse(path, info)) {
    ::close(fd);
    return *refused;
  }
  ArtifactKey key;
  key.path = path;
  ssize_t got;
  do
    got = ::pread(fd, key.bytes.data(), key.bytes.size(), 0);
  while (got < 0 && errno == EINTR);
  int err = errno;
  ::close(fd);
  if (got != static_cast<ssize_t>(key.bytes.size()))
    return ioError(path, "cannot read", got < 0 ? err : EIO);
  return std::optional<ArtifactKey>(std::move(key));
}

Expected<std::optional<ArtifactKey>> readUserKey() {
  std::optional<std::string> path = userKeyPath();
  if (!path)
    return std::optional<ArtifactKey>();
  return readKeyFile(*path);
}

Expected<ArtifactKey> loadOrCreateUserKey() {
  std::optional<std::string> path = userKeyPath();
  if (!path)
    return makeError(ErrorKind::Io, kNoOffset,
                     "no place for the artifact key: set HOME or XDG_CONFIG_HOME to an absolute path");
  std::optional<ArtifactKey> existing = WASMC_TRY(readKeyFile(*path));
  if (existing)
    return std::move(*existing);

  std::string directory = path->substr(0, path->rfind('/'));
  if (!makePrivateDirectories(directory))
    return ioError(*path, "cannot create its directory", errno);
  int dirFd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd < 0)
    return ioError(*path, "cannot open its directory", errno);
  struct stat dirInfo;
  if (::fstat(dirFd, &dirInfo) != 0 || dirInfo.st_uid != ::geteuid() || (dirInfo.st_mode & 022)) {
    ::close(dirFd);
    return keyError(*path, "its directory " + directory +
                               " is not owned by you or is writable by group or others");
  }
  std::array<uint8_t, 32> fresh;
  randomBytes(fresh.data(), fresh.size());
  std::array<uint8_t, 8> suffix;
  randomBytes(suffix.data(), suffix.size());
  std::string temp = std::string(kKeyName) + ".tmp." + toHex(suffix);
  int fd = ::openat(dirFd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    ::close(dirFd);
    return ioError(*path, "cannot create", err);
  }
  bool written = ::fchmod(fd, 0600) == 0 &&
                 ::write(fd, fresh.data(), fresh.size()) == static_cast<ssize_t>(fresh.size()) &&
                 ::fsync(fd) == 0;
  int err = errno;
  written = ::close(fd) == 0 && written;
  // RENAME_NOREPLACE fails when the key exists: of two first uses at once,
  // one key wins and both use it. (A file system without it gets link,
  // which fails the same way.)
  bool published = false;
  if (written) {
    published = ::renameat2(dirFd, temp.c_str(), dirFd, kKeyName, RENAME_NOREPLACE) == 0;
    if (!published && errno == EINVAL)
      published = ::linkat(dirFd, temp.c_str(), dirFd, kKeyName, 0) == 0;
    if (!published)
      err = errno;
  }
  ::unlinkat(dirFd, temp.c_str(), 0);
  ::close(dirFd);
  if (!written || (!published && err != EEXIST))
    return ioError(*path, "cannot create", err);
  std::optional<ArtifactKey> key = WASMC_TRY(readKeyFile(*path));
  if (!key)
    return ioError(*path, "vanished after it was created", ENOENT);
  return std::move(*key);
}

ArtifactKey ephemeralKey() {
  ArtifactKey key;
  randomBytes(key.bytes.data(), key.bytes.size());
  return key;
}

bool makePrivateDirectories(const std::string& path) {
  for (size_t slash = 1; slash <= path.size(); ++slash) {
    if (slash != path.size() && path[slash] != '/')
      continue;
    if (::mkdir(path.substr(0, slash).c_str(), 0700) != 0 && errno != EEXIST)
      return false;
  }
  return true;
}

} // namespace wasmc::rt
