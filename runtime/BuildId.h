#pragma once
// Build identities: the GNU build-id notes the linker derives from the
// linked bytes, read from the running executable (in memory) or from an ELF
// file on disk (the code generator plugin and libLLVM, without loading
// them). They say which compiler made an artifact and key the compile cache.

#include "compiler/wasm/Error.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace wasmc::rt {

/// This wasmc's build id: SHA-256 of the GNU build-id note of the object
/// holding the runtime (the wasmc executable, or libwasmc.so in an
/// embedder's process; the whole executable when it has none) and the ABI
/// version, so any rebuild changes it. Computed once. Thread-safe.
const std::array<uint8_t, 32>& wasmcBuildId();

/// The GNU build-id note of the ELF file at `path`, read through its
/// program headers (a few small reads; the file is not mapped or loaded).
/// Errors: Io (cannot open or read), Artifact (not ELF, or no note).
Expected<std::vector<uint8_t>> fileBuildId(const std::string& path);

} // namespace wasmc::rt
