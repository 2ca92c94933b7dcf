#include "tools/wasmc/Aot.h"

#include "compiler/wasm/Validator.h"
#include "runtime/Artifact.h"

#include <cstring>

namespace wasmc::tools {

Expected<std::vector<char>> compileArtifactObject(std::span<const uint8_t> bytes, const codegen::Options& options) {
  wasm::Module module = WASMC_TRY(wasm::loadModule(bytes));
  codegen::ArtifactIdentity identity;
  std::memcpy(identity.buildId, rt::wasmcBuildId().data(), sizeof identity.buildId);
  return codegen::compileArtifactObject(module, options, identity);
}

Expected<std::vector<uint8_t>> compileArtifact(std::span<const uint8_t> bytes, const codegen::Options& options) {
  std::vector<char> object = WASMC_TRY(compileArtifactObject(bytes, options));
  std::vector<uint8_t> artifact = WASMC_TRY(codegen::linkSharedObject(object));
  WASMC_TRY(rt::sealArtifact(artifact));
  return artifact;
}

} // namespace wasmc::tools
