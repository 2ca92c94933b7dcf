// WARNING: cache entries become native code. Rules for changing this file:
// every entry is loaded through rt::loadArtifact with the user's key and
// never with allowPrecompiled; every file operation goes through the
// directory fd checked by openCacheDirectory (never a path re-resolved
// later); files are created with O_EXCL|O_NOFOLLOW under random names and
// renamed into place; anything that changes compiled code is in cacheKey.

#include "engine/Cache.h"

#include "runtime/Artifact.h"
#include "runtime/ArtifactKey.h"
#include "runtime/CpuFeatures.h"
#include "runtime/Blake3.h"
#include "runtime/Sha256.h"
#include "runtime/WriteAll.h"
#include "engine/Aot.h"
#include "engine/CodegenLoader.h"
#include "engine/Engine.h"

#include <fcntl.h>
#include <ctime>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace wasmc::engine {

namespace {

Error cacheError(ErrorKind kind, const std::string& path, const std::string& what) {
  return makeError(kind, kNoOffset, "compile cache " + path + ": " + what);
}


/// Writes `bytes` to `name` in `dirFd`: a new file under a random name
/// (O_EXCL|O_NOFOLLOW: a planted file or symlink there is never written
/// through), renamed over `name` once complete.
bool writeAtomically(int dirFd, const std::string& name, std::span<const uint8_t> bytes) {
  uint8_t random[8];
  if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random))
    return false;
  std::string temp = name + ".tmp." + rt::toHex(random);
  int fd = ::openat(dirFd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return false;
  bool written = rt::writeAll(fd, bytes);
  bool ok = ::close(fd) == 0 && written;
  if (ok)
    ok = ::renameat(dirFd, temp.c_str(), dirFd, name.c_str()) == 0;
  if (!ok)
    ::unlinkat(dirFd, temp.c_str(), 0);
  return ok;
}

/// The entry `name` if it loads with the user's key and holds exactly
/// `bytes`; otherwise it is removed and nullptr returned.
std::shared_ptr<const rt::CompiledModule> lookUp(int dirFd, const std::string& name, std::span<const uint8_t> bytes,
                                                 const rt::ArtifactPolicy& policy) {
  int fd = ::openat(dirFd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno != ENOENT)
      ::unlinkat(dirFd, name.c_str(), 0); // a symlink or worse: not ours
    return nullptr;
  }
  struct stat info;
  bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  auto cached = regular ? rt::loadArtifact(fd, policy)
                        : Expected<std::shared_ptr<const rt::CompiledModule>>(
                              makeError(ErrorKind::Artifact, kNoOffset, "not a regular file"));
  ::close(fd);
  // The key names the wasm bytes by their SHA-256; the comparison also
  // catches an entry of another module moved under this name.
  if (cached && (*cached)->module().bytes.size() == bytes.size() &&
      std::memcmp((*cached)->module().bytes.data(), bytes.data(), bytes.size()) == 0)
    return *cached;
  ::unlinkat(dirFd, name.c_str(), 0); // corrupt, stale, foreign or planted: replace it
  return nullptr;
}

/// A cache or key that must not be trusted gets a warning; one that cannot
/// be made (a read-only home, say) silently means the JIT, as it always did.
void warnIfRefused(const Error& error) {
  if (error.kind == ErrorKind::Artifact)
    std::fprintf(stderr, "wasmc: warning: %s; compiling on the JIT instead (--no-cache avoids this)\n",
                 error.message.c_str());
}

} // namespace

std::string cacheKey(std::span<const uint8_t> bytes, const codegen::Options& options,
                     const std::array<uint8_t, 32>& compilerId) {
  // Everything that changes the compiled code goes into the key. The
  // structured binding stops compiling when Options gains a field, so a new
  // option cannot be forgotten here.
  const auto& [optLevel, cpu, jobs, partitions, lazy, interruptible, fuel, features] = options;
  // jobs and partitions decide the partitioning, which decides inlining.
  unsigned effectiveJobs = jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());
  // The CPU name is length-prefixed: no name can imitate the fields after it.
  std::string settings = "O" + std::to_string(optLevel) + "|cpu=" + std::to_string(cpu.size()) + ":" + cpu +
                         "|jobs=" + std::to_string(effectiveJobs) + "|partitions=" + std::to_string(partitions) +
                         "|lazy=" + std::to_string(lazy) + "|features=" + std::to_string(rt::hostCpuFeatures()) +
                         (interruptible ? "|interruptible" : "") + (fuel ? "|fuel" : "") +
                         "|wasm=" + wasm::describeFeatures(features) +
                         "|abi=" + std::to_string(abi::kAbiVersion) +
                         "|format=" + std::to_string(abi::kArtifactFormatVersion);
  rt::Digest identity = rt::Sha256()
                            .update("wasmc cache key v3", 18)
                            .update(compilerId)
                            .update(settings.data(), settings.size())
                            .finish();
  // BLAKE3: a cache hit hashes the whole module, 4 MiB in 0.6 ms rather
  // than SHA-256's 2.3 ms.
  rt::Digest module = rt::blake3(bytes);
  return rt::toHex(std::span(module).first(16)) + "-" + rt::toHex(std::span(identity).first(16)) + ".cwasm";
}

Expected<int> openCacheDirectory(const std::string& path) {
  if (!rt::makePrivateDirectories(path))
    return cacheError(ErrorKind::Io, path, std::string("cannot create it: ") + std::strerror(errno));
  // Everything below goes through this fd: whatever happens to the path
  // later, files are only read from and written to the directory checked.
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    int err = errno; // a symlink or a file there is refused, not worked around
    return cacheError(err == ELOOP || err == ENOTDIR ? ErrorKind::Artifact : ErrorKind::Io, path,
                      std::string("cannot open it: ") + std::strerror(err));
  }
  struct stat info;
  std::string refused;
  if (::fstat(fd, &info) != 0)
    refused = std::string("cannot stat it: ") + std::strerror(errno);
  else if (info.st_uid != ::geteuid())
    refused = "owned by another user (uid " + std::to_string(info.st_uid) + "), not used";
  else if (info.st_mode & 022)
    refused = "writable by group or others, not used (chmod 700 it)";
  if (!refused.empty()) {
    ::close(fd);
    return cacheError(ErrorKind::Artifact, path, refused);
  }
  return fd;
}

namespace {

/// The user's cache, open and trusted, with the entry name of one module.
struct OpenCache {
  rt::ArtifactKey key;
  int dirFd = -1;
  std::string name;
  OpenCache() = default;
  OpenCache(const OpenCache&) = delete;
  OpenCache& operator=(const OpenCache&) = delete;
  ~OpenCache() {
    if (dirFd >= 0)
      ::close(dirFd);
  }
  // Entries must be authenticated with the user's key: the cache never
  // honours --allow-precompiled.
  rt::ArtifactPolicy policy() const { return {.compilerId = compilerIdentity(), .key = &key, .allowPrecompiled = false}; }
};

/// Null when there is no usable cache: after one warning on stderr when the
/// directory or the user's key is refused as untrustworthy, silently when
/// either cannot be created.
std::unique_ptr<OpenCache> openCache(std::span<const uint8_t> bytes, const codegen::Options& options) {
  std::optional<std::string> directory = rt::userCacheDirectory();
  if (!directory)
    return nullptr;
  auto cache = std::make_unique<OpenCache>();
  Expected<rt::ArtifactKey> key = rt::loadOrCreateUserKey();
  if (!key) {
    warnIfRefused(key.error());
    return nullptr;
  }
  cache->key = *key;
  Expected<int> dirFd = openCacheDirectory(*directory);
  if (!dirFd) {
    warnIfRefused(dirFd.error());
    return nullptr;
  }
  cache->dirFd = *dirFd;
  cache->name = cacheKey(bytes, options, compilerIdentity());
  return cache;
}

} // namespace

Expected<std::shared_ptr<const rt::CompiledModule>> loadThroughCache(std::span<const uint8_t> bytes,
                                                                     const codegen::Options& options) {
  std::unique_ptr<OpenCache> cache = openCache(bytes, options);
  if (!cache)
    return compileModule(bytes, options);
  if (auto cached = lookUp(cache->dirFd, cache->name, bytes, cache->policy()))
    return cached;
  std::vector<uint8_t> artifact = WASMC_TRY(compileArtifact(bytes, options, cache->key));
  writeAtomically(cache->dirFd, cache->name, artifact); // best effort: the run goes on without
  auto loaded = rt::loadArtifactBytes(artifact, cache->policy());
  if (!loaded)
    return compileModule(bytes, options);
  return loaded;
}

Expected<std::shared_ptr<const rt::CompiledModule>> lookUpCache(std::span<const uint8_t> bytes,
                                                                const codegen::Options& options) {
  std::unique_ptr<OpenCache> cache = openCache(bytes, options);
  if (!cache)
    return makeError(ErrorKind::Io, kNoOffset, "no usable compile cache");
  return lookUp(cache->dirFd, cache->name, bytes, cache->policy());
}

namespace {

/// One fill per entry at a time: `<entry>.filling`, created exclusively by
/// the fill that compiles it and removed when it is done. A lock older
/// than kStaleFillSeconds belongs to a fill that died; it is taken over.
constexpr time_t kStaleFillSeconds = 30 * 60;

/// Takes the fill lock of entry `name`; false when a live fill holds it.
bool lockFill(int dirFd, const std::string& lock) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::openat(dirFd, lock.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    struct stat info;
    if (errno != EEXIST || ::fstatat(dirFd, lock.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 ||
        ::time(nullptr) - info.st_mtime < kStaleFillSeconds)
      return false;
    ::unlinkat(dirFd, lock.c_str(), 0);
  }
  return false;
}

} // namespace

Expected<void> fillCache(std::span<const uint8_t> bytes, const codegen::Options& options) {
  std::unique_ptr<OpenCache> cache = openCache(bytes, options);
  if (!cache)
    return makeError(ErrorKind::Io, kNoOffset, "no usable compile cache");
  if (lookUp(cache->dirFd, cache->name, bytes, cache->policy()))
    return {};
  // Runs of one module started together (a test suite, a build) each start
  // a fill; one of them compiles.
  const std::string lock = cache->name + ".filling";
  if (!lockFill(cache->dirFd, lock))
    return makeError(ErrorKind::Io, kNoOffset, "another wasmc is compiling this module into the cache");
  Expected<std::vector<uint8_t>> artifact = compileArtifact(bytes, options, cache->key);
  bool written = artifact && writeAtomically(cache->dirFd, cache->name, *artifact);
  ::unlinkat(cache->dirFd, lock.c_str(), 0);
  if (!artifact)
    return artifact.error();
  if (!written)
    return makeError(ErrorKind::Io, kNoOffset, "cannot write the compile cache");
  return {};
}

} // namespace wasmc::engine
