#pragma once
// Loading compiled artifacts (.cwasm) without LLVM: every check on the file
// (format, version, build id, CPU features, integrity hash) happens before
// any of its code is mapped; then the dynamic linker maps it.

#include "compiler/wasm/Error.h"
#include "runtime/Abi.h"
#include "runtime/CompiledModule.h"

#include <array>
#include <memory>
#include <span>
#include <string>

namespace wasmc::rt {

/// This wasmc's build id: a hash of the running executable, so any rebuild
/// changes it. Computed once. Thread-safe.
const std::array<uint8_t, 32>& wasmcBuildId();

/// The bytes of section `name` of an ELF64 file, or an Artifact error.
Expected<std::span<const uint8_t>> findElfSection(std::span<const uint8_t> file, const char* name);

/// Checks an artifact's bytes: header fields against this wasmc and CPU, and
/// the file hash. Returns the header's location in `file`. Errors are
/// ErrorKind::Artifact with one-line messages.
Expected<const abi::ArtifactHeader*> checkArtifact(std::span<const uint8_t> file);

/// Writes the integrity hash into an artifact produced by the compiler (the
/// header's fileHash is zero until then).
Expected<void> sealArtifact(std::span<uint8_t> file);

/// Loads the .cwasm at `path`: checkArtifact, decode the embedded module,
/// dlopen, and the code tables. The module stays loaded while the result
/// lives.
Expected<std::shared_ptr<const CompiledModule>> loadArtifact(const std::string& path);

/// True when `bytes` start like an artifact (an ELF file), as opposed to wasm.
bool looksLikeArtifact(std::span<const uint8_t> bytes);

} // namespace wasmc::rt
