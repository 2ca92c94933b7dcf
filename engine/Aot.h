#pragma once
// Ahead-of-time compilation to .cwasm artifacts: compile, link with lld in
// process, seal with the BLAKE3 digest and the MAC under the user's key. Loading
// is rt::loadArtifact.

#include "compiler/codegen/Codegen.h"
#include "runtime/ArtifactKey.h"

#include <span>
#include <vector>

namespace wasmc::engine {

/// Decodes, validates and compiles `bytes` into objects (one per partition),
/// the last carrying the artifact section stamped with compilerIdentity()
/// (before linking); with `wasmInSection` (an executable) the section holds
/// the wasm bytes too.
Expected<codegen::ObjectFiles> compileArtifactObjects(std::span<const uint8_t> bytes, const codegen::Options& options,
                                                      bool wasmInSection = false);

/// Decodes, validates and compiles `bytes` into the bytes of a .cwasm,
/// authenticated with `key`.
Expected<std::vector<uint8_t>> compileArtifact(std::span<const uint8_t> bytes, const codegen::Options& options,
                                               const rt::ArtifactKey& key);

} // namespace wasmc::engine
