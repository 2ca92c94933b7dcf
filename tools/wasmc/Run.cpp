// wasmc run: load a .cwasm, or compile a .wasm (through the compile cache
// unless --no-cache, else on the JIT), then run it as a WASI program.

#include "runtime/Artifact.h"
#include "tools/wasmc/Cache.h"
#include "tools/wasmc/Commands.h"
#include "tools/wasmc/Engine.h"
#include "tools/wasmc/FileIo.h"
#include "tools/wasmc/PhaseReport.h"
#include "tools/wasmc/RunModule.h"

namespace wasmc::tools {

int runRunCommand(const RunCommandOptions& options) {
  const std::string& file = options.file;
  Expected<std::vector<uint8_t>> bytes = readFileBytes(file);
  if (!bytes) {
    reportError(file, bytes.error());
    return 1;
  }
  codegen::Options codegenOptions{.optLevel = options.optLevel, .jobs = options.jobs, .lazy = options.lazy};
  uint64_t compileStart = monotonicNs();
  Expected<std::shared_ptr<const rt::CompiledModule>> compiled =
      rt::looksLikeArtifact(*bytes)   ? rt::loadArtifact(file)
      : options.noCache || options.lazy ? compileModule(*bytes, codegenOptions)
                                        : loadThroughCache(*bytes, codegenOptions);
  if (!compiled) {
    reportError(file, compiled.error());
    return 1;
  }
  return runModule(std::move(*compiled), options, monotonicNs() - compileStart);
}

} // namespace wasmc::tools
