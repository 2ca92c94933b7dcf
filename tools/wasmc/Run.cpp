// wasmc run: load a .cwasm, or compile a .wasm (by default: the compile
// cache's code, or tiered while the cache is filled in the background; with
// --tier llvm through the cache; with --no-cache on the JIT), then run it as
// a WASI program. A
// .cwasm runs only when it is authenticated with the user's key or the user
// passed --allow-precompiled; a file named .wasm is never mapped as code.

#include "runtime/Artifact.h"
#include "runtime/CodeRegistry.h"
#include "engine/ModuleSource.h"
#include "engine/Cache.h"
#include "tools/wasmc/CacheFill.h"
#include "engine/CodegenLoader.h"
#include "engine/BaselineModule.h"
#include "tools/wasmc/Commands.h"
#include "engine/Engine.h"
#include "engine/FileIo.h"
#include "tools/wasmc/PhaseReport.h"
#include "tools/wasmc/RunModule.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

namespace wasmc::tools {

namespace {

using LoadResult = Expected<std::shared_ptr<const rt::CompiledModule>>;

/// The artifact open on `fd`, checked against the user's key (read, never
/// created here) unless precompiled code is allowed.
LoadResult loadPrecompiled(int fd, const RunCommandOptions& options) {
  Expected<std::optional<rt::ArtifactKey>> key = rt::readUserKey();
  if (!key && !options.allowPrecompiled)
    return key.error();
  rt::ArtifactPolicy policy{.compilerId = engine::compilerIdentity(),
                            .key = key && *key ? &**key : nullptr,
                            .allowPrecompiled = options.allowPrecompiled};
  return rt::loadArtifact(fd, policy);
}

/// Opens FILE once and reads it through that one descriptor: an artifact
/// is loaded from it, a wasm module read from it and compiled. Sets
/// `fillCache` when the cache should get the module once the run is over.
LoadResult load(const RunCommandOptions& options, std::optional<codegen::Options>& fillCache) {
  const std::string& file = options.file;
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return makeError(ErrorKind::Io, kNoOffset, std::string("cannot open file: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  uint8_t magic[4] = {};
  ssize_t got;
  do
    got = ::pread(fd, magic, sizeof magic, 0);
  while (got < 0 && errno == EINTR);
  if (got == sizeof magic && rt::looksLikeArtifact(magic)) {
    if (file.ends_with(".wasm"))
      return makeError(ErrorKind::Artifact, kNoOffset,
                       "this is a precompiled artifact, not a wasm module; a file named .wasm is never "
                       "run as native code (name it .cwasm to load it as an artifact)");
    return loadPrecompiled(fd, options);
  }
  std::vector<uint8_t> bytes = WASMC_TRY(engine::moduleBinary(WASMC_TRY(engine::readFdBytes(fd)), file));
  codegen::Options codegenOptions{.optLevel = options.optLevel,
                                  .jobs = options.jobs,
                                  .lazy = options.lazy,
                                  .interruptible = options.limits.interruptible,
                                  .fuel = options.limits.consumeFuel,
                                  .features = options.features};
  const std::string& tier = options.tier.tier;
  if (tier == "baseline" || tier == "tiered")
    return compileModuleBaseline(std::move(bytes), codegenOptions, tierUpFor(options.tier), nullptr,
                                 baselineCompileFor(options.tier));
  if (tier == "llvm" || options.lazy)
    return options.noCache || options.lazy ? engine::compileModule(bytes, codegenOptions)
                                           : engine::loadThroughCache(bytes, codegenOptions);
  // auto: the cache's code when it has the module; otherwise tiered now,
  // and the whole module into the cache for the next run (CacheFill.h)
  // once this one is over: beside the run, the fill took the program's
  // throughput on a machine whose two cores share it (yosys's first run
  // 12-13 s with the fill running, 6.6-8.4 s without). --no-cache: tiered,
  // the cache neither read nor filled.
  if (!options.noCache) {
    Expected<std::shared_ptr<const rt::CompiledModule>> cached = engine::lookUpCache(bytes, codegenOptions);
    if (cached && *cached)
      return *cached;
    if (cached) // a cache to fill
      fillCache = codegenOptions;
  }
  TierChoice tiered = options.tier;
  tiered.tier = "tiered";
  // The bytes are not needed past this (the cache fill reads the file).
  return compileModuleBaseline(std::move(bytes), codegenOptions, tierUpFor(tiered), nullptr,
                               baselineCompileFor(tiered));
}

} // namespace

int runRunCommand(const RunCommandOptions& options) {
  if (options.profile == "perfmap" && !rt::enablePerfMap())
    std::fprintf(stderr, "wasmc: warning: cannot write /tmp/perf-%d.map: %s\n", int(::getpid()), std::strerror(errno));
  uint64_t compileStart = monotonicNs();
  std::optional<codegen::Options> fillCache;
  LoadResult compiled = load(options, fillCache);
  if (compiled)
    if (Expected<void> instrumented = checkInstrumented(**compiled, options.limits, "wasmc compile"); !instrumented)
      compiled = std::move(instrumented).error();
  if (!compiled) {
    reportError(options.file, compiled.error());
    return 1;
  }
  int status = runModule(std::move(*compiled), options, monotonicNs() - compileStart);
  if (fillCache)
    startCacheFill(options.file, *fillCache);
  return status;
}

} // namespace wasmc::tools
