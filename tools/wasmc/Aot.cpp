#include "tools/wasmc/Aot.h"

#include "compiler/wasm/Validator.h"
#include "runtime/Artifact.h"

#include <cstring>

namespace wasmc::tools {

Expected<codegen::ObjectFiles> compileArtifactObjects(std::span<const uint8_t> bytes,
                                                      const codegen::Options& options) {
  wasm::Module module = WASMC_TRY(wasm::loadModule(bytes));
  codegen::ArtifactIdentity identity;
  std::memcpy(identity.buildId, rt::wasmcBuildId().data(), sizeof identity.buildId);
  return codegen::compileArtifactObjects(module, options, identity);
}

Expected<std::vector<uint8_t>> compileArtifact(std::span<const uint8_t> bytes, const codegen::Options& options) {
  codegen::ObjectFiles objects = WASMC_TRY(compileArtifactObjects(bytes, options));
  std::vector<uint8_t> artifact = WASMC_TRY(codegen::linkSharedObject(objects));
  WASMC_TRY(rt::sealArtifact(artifact));
  return artifact;
}

} // namespace wasmc::tools
