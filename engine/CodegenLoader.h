#pragma once
// Which code generator wasmc uses, and its identity: what an artifact's
// buildId and the compile cache's keys say about the compiler, so that a
// rebuilt wasmc, a relinked plugin or another libLLVM never serves code
// compiled by the old one. Reading it never loads LLVM.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wasmc::engine {

/// The plugin file the Codegen.h functions load: $WASMC_CODEGEN_PLUGIN,
/// else libwasmc_codegen.so next to libwasmc.so (for embedders), next to
/// the executable or in ../lib from it (an installed wasmc), else the one
/// the build made; the first that exists (the last when none does).
std::string codegenPluginPath();

/// The running executable's directory with a trailing '/', or "".
std::string executableDirectory();

/// The compiler's identity: compilerIdentityOf this wasmc, the build ids of
/// codegenPluginPath() and of the libLLVM it was built against (read from
/// their ELF notes, not loaded), and the LLVM version. Computed once per
/// process. Thread-safe.
const std::array<uint8_t, 32>& compilerIdentity();

/// SHA-256 over the parts, each length-prefixed. An empty id (a file
/// without a note, or missing) is one value like any other.
std::array<uint8_t, 32> compilerIdentityOf(std::span<const uint8_t> wasmcId, std::span<const uint8_t> pluginId,
                                           std::span<const uint8_t> llvmId, std::string_view llvmVersion);

} // namespace wasmc::engine
