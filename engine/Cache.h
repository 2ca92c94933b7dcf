#pragma once
// The compile cache: a module compiled once is kept as a .cwasm under
// $XDG_CACHE_HOME/wasmc (or ~/.cache/wasmc), keyed by the SHA-256 of the
// wasm bytes and of the compiler's identity, the compile options and the CPU
// features. Entries are authenticated with the user's artifact key like any
// artifact: a planted, edited or foreign entry fails the checks and is
// replaced, never run. A cache directory someone else could write is not
// used at all. See docs/TRUST-MODEL.md.

#include "compiler/codegen/Codegen.h"
#include "runtime/CompiledModule.h"

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace wasmc::engine {

/// The cache file name for `bytes` compiled with `options` by the compiler
/// whose identity is `compilerId` (inside rt::userCacheDirectory()).
std::string cacheKey(std::span<const uint8_t> bytes, const codegen::Options& options,
                     const std::array<uint8_t, 32>& compilerId);

/// Opens the cache directory, creating it (and missing parents) with mode
/// 0700. Returns its fd, or an error: ErrorKind::Artifact when it must not
/// be trusted (a symlink or not a directory, owned by another user, or
/// writable by group or others), ErrorKind::Io when it cannot be made.
Expected<int> openCacheDirectory(const std::string& path);

/// Loads `bytes` through the cache: a valid entry is used as is; otherwise
/// the module is compiled to an artifact, stored (atomically) and loaded.
/// Falls back to the in-process JIT: after one warning on stderr when the
/// cache directory or the user's key is refused as untrustworthy, silently
/// when either cannot be created or the cache cannot be written.
Expected<std::shared_ptr<const rt::CompiledModule>> loadThroughCache(std::span<const uint8_t> bytes,
                                                                     const codegen::Options& options);

/// The cache's valid entry for `bytes`, or null when it has none (yet).
/// Errors: no usable cache (refused with a warning, as loadThroughCache
/// does, or unavailable).
Expected<std::shared_ptr<const rt::CompiledModule>> lookUpCache(std::span<const uint8_t> bytes,
                                                                const codegen::Options& options);

/// What loadThroughCache does on a miss, without loading the result: the
/// module compiled to an artifact and stored. Nothing to do if the entry
/// is there already. One fill per entry at a time (a `.filling` lock next
/// to it; one older than 30 minutes is taken over). Errors: no usable
/// cache, another fill of the entry running, compile errors, a failed write.
Expected<void> fillCache(std::span<const uint8_t> bytes, const codegen::Options& options);

} // namespace wasmc::engine
