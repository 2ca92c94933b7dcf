#pragma once
// The compile cache: a module compiled once is kept as a .cwasm under
// $XDG_CACHE_HOME/wasmc (or ~/.cache/wasmc), keyed by a hash of the wasm
// bytes, this wasmc's build id, the compile options and the CPU features.
// A hit loads the artifact without touching LLVM. A corrupt or foreign entry
// fails the artifact checks and is replaced, never trusted.

#include "compiler/codegen/Codegen.h"
#include "runtime/CompiledModule.h"

#include <memory>
#include <optional>
#include <span>
#include <string>

namespace wasmc::tools {

/// The cache directory, or nullopt when neither XDG_CACHE_HOME nor HOME is set.
std::optional<std::string> cacheDirectory();

/// The cache file for `bytes` compiled with `options` (inside cacheDirectory()).
std::string cacheKey(std::span<const uint8_t> bytes, const codegen::Options& options);

/// Loads `bytes` through the cache: a valid entry is used as is; otherwise
/// the module is compiled to an artifact, stored (atomically) and loaded.
/// Falls back to the in-process JIT when the cache cannot be written.
Expected<std::shared_ptr<const rt::CompiledModule>> loadThroughCache(std::span<const uint8_t> bytes,
                                                                     const codegen::Options& options);

} // namespace wasmc::tools
