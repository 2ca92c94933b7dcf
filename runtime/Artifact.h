#pragma once
// Loading compiled artifacts (.cwasm) without LLVM: the file is read once,
// its ELF image into a sealed memory file and its wasm bytes into the
// module; every check (format, version, compiler identity, CPU features,
// the BLAKE3 digest, and the MAC under the user's key unless precompiled
// code is explicitly allowed) runs on those bytes, and the dynamic linker
// maps exactly them. See docs/TRUST-MODEL.md.

#include "compiler/wasm/Error.h"
#include "runtime/Abi.h"
#include "runtime/ArtifactKey.h"
#include "runtime/BuildId.h"
#include "runtime/CompiledModule.h"

#include <array>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace wasmc::rt {

/// What an artifact must satisfy to be mapped as code.
struct ArtifactPolicy {
  /// The header's buildId must equal this: the identity of the compiler
  /// that would compile the module now (engine/CodegenLoader.h).
  std::array<uint8_t, 32> compilerId{};
  /// The user's key: an artifact whose MAC verifies under it is trusted.
  /// Null when the user has none yet.
  const ArtifactKey* key = nullptr;
  /// The user chose to run precompiled code (--allow-precompiled): an
  /// artifact without a valid MAC is accepted once its SHA-256 matches.
  bool allowPrecompiled = false;
};

/// The bytes of section `name` of an ELF64 file, or an Artifact error.
Expected<std::span<const uint8_t>> findElfSection(std::span<const uint8_t> file, const char* name);

/// Checks an artifact's bytes, split where its ELF `image` ends and its
/// `wasm` bytes begin: header fields against `policy`, this CPU and the two
/// parts, the BLAKE3 digest of the file, then its MAC. Returns the header's
/// location in `image`. Errors are ErrorKind::Artifact with one-line
/// messages.
Expected<const abi::ArtifactHeader*> checkArtifact(std::span<const uint8_t> image, std::span<const uint8_t> wasm,
                                                   const ArtifactPolicy& policy);

/// Makes the ELF image linked from the compiler's objects a .cwasm: appends
/// `wasm` (the bytes it was compiled from) and the trailer, and writes the
/// digest and the MAC under `key` into the header.
Expected<void> sealArtifact(std::vector<uint8_t>& file, std::span<const uint8_t> wasm, const ArtifactKey& key);

/// Loads the artifact read from `fd` (from its current start; the caller
/// keeps ownership of `fd`): its ELF image is copied once into a sealed
/// memfd and its wasm bytes into the module, both checked with
/// checkArtifact, and the memfd dlopen'ed, never a path. The module stays
/// loaded while the result lives.
Expected<std::shared_ptr<const CompiledModule>> loadArtifact(int fd, const ArtifactPolicy& policy);

/// loadArtifact for the file at `path` (opened once).
Expected<std::shared_ptr<const CompiledModule>> loadArtifact(const std::string& path, const ArtifactPolicy& policy);

/// loadArtifact for artifact bytes in memory (just compiled).
Expected<std::shared_ptr<const CompiledModule>> loadArtifactBytes(std::span<const uint8_t> bytes,
                                                                  const ArtifactPolicy& policy);

/// True when `bytes` start like an artifact (an ELF file), as opposed to wasm.
bool looksLikeArtifact(std::span<const uint8_t> bytes);

/// What an ELF file given where wasm is expected is, for the error message:
/// "a precompiled wasmc artifact (.cwasm)" or "an ELF file".
std::string describeElfFile(std::span<const uint8_t> bytes);

} // namespace wasmc::rt
