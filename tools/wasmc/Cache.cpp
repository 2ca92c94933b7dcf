#include "tools/wasmc/Cache.h"

#include "runtime/Artifact.h"
#include "runtime/CpuFeatures.h"
#include "runtime/Hash.h"
#include "tools/wasmc/Aot.h"
#include "tools/wasmc/Engine.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wasmc::tools {

namespace {

/// mkdir -p for the cache directory (mode 0700: entries become code).
bool makeDirectories(const std::string& path) {
  for (size_t slash = 1; slash <= path.size(); ++slash) {
    if (slash != path.size() && path[slash] != '/')
      continue;
    std::string prefix = path.substr(0, slash);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      return false;
  }
  return true;
}

bool writeAtomically(const std::string& path, std::span<const uint8_t> bytes) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return false;
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t wrote = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (wrote < 0 && errno == EINTR)
      continue;
    if (wrote <= 0)
      break;
    done += static_cast<size_t>(wrote);
  }
  bool ok = ::close(fd) == 0 && done == bytes.size();
  if (ok)
    ok = ::rename(temp.c_str(), path.c_str()) == 0;
  if (!ok)
    ::unlink(temp.c_str());
  return ok;
}

} // namespace

std::optional<std::string> cacheDirectory() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg == '/')
    return std::string(xdg) + "/wasmc";
  const char* home = std::getenv("HOME");
  if (home && *home == '/')
    return std::string(home) + "/.cache/wasmc";
  return std::nullopt;
}

std::string cacheKey(std::span<const uint8_t> bytes, const codegen::Options& options) {
  // Everything that changes the compiled code goes into the key.
  std::string identity(reinterpret_cast<const char*>(rt::wasmcBuildId().data()), rt::wasmcBuildId().size());
  identity += "|O" + std::to_string(options.optLevel) + "|cpu=" + options.cpu;
  identity += "|features=" + std::to_string(rt::hostCpuFeatures());
  uint64_t moduleHash = rt::hashBytes(bytes);
  uint64_t identityHash =
      rt::hashBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(identity.data()), identity.size()));
  char name[64];
  std::snprintf(name, sizeof name, "%016llx-%016llx.cwasm", static_cast<unsigned long long>(moduleHash),
                static_cast<unsigned long long>(identityHash));
  return name;
}

Expected<std::shared_ptr<const rt::CompiledModule>> loadThroughCache(std::span<const uint8_t> bytes,
                                                                     const codegen::Options& options) {
  std::optional<std::string> directory = cacheDirectory();
  if (!directory)
    return compileModule(bytes, options);
  std::string path = *directory + "/" + cacheKey(bytes, options);
  if (::access(path.c_str(), R_OK) == 0) {
    auto cached = rt::loadArtifact(path);
    if (cached) {
      // A hash collision would give another module's code: compare bytes.
      if ((*cached)->module().bytes.size() == bytes.size() &&
          std::memcmp((*cached)->module().bytes.data(), bytes.data(), bytes.size()) == 0)
        return cached;
    }
    ::unlink(path.c_str()); // corrupt, stale or foreign: replace it
  }
  std::vector<uint8_t> artifact = WASMC_TRY(compileArtifact(bytes, options));
  if (!makeDirectories(*directory) || !writeAtomically(path, artifact))
    return compileModule(bytes, options);
  auto loaded = rt::loadArtifact(path);
  if (!loaded)
    return compileModule(bytes, options);
  return loaded;
}

} // namespace wasmc::tools
