#include "engine/Aot.h"

#include "compiler/wasm/Validator.h"
#include "runtime/Artifact.h"
#include "engine/CodegenLoader.h"

#include <cstring>

namespace wasmc::engine {

Expected<codegen::ObjectFiles> compileArtifactObjects(std::span<const uint8_t> bytes, const codegen::Options& options,
                                                      bool wasmInSection) {
  wasm::Module module = WASMC_TRY(wasm::loadModule(bytes, options.features));
  codegen::ArtifactIdentity identity;
  std::memcpy(identity.buildId, compilerIdentity().data(), sizeof identity.buildId);
  identity.wasmInSection = wasmInSection;
  return codegen::compileArtifactObjects(module, options, identity);
}

Expected<std::vector<uint8_t>> compileArtifact(std::span<const uint8_t> bytes, const codegen::Options& options,
                                               const rt::ArtifactKey& key) {
  codegen::ObjectFiles objects = WASMC_TRY(compileArtifactObjects(bytes, options));
  std::vector<uint8_t> artifact = WASMC_TRY(codegen::linkSharedObject(objects));
  WASMC_TRY(rt::sealArtifact(artifact, bytes, key));
  return artifact;
}

} // namespace wasmc::engine
