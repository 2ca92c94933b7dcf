#pragma once
// The compile cache's background fill (issue 15): `wasmc run` of a module
// the cache does not hold runs it tiered at once (BaselineModule.h) and,
// once the run is over, starts a detached, low-priority `wasmc cache-fill`
// that compiles the whole module with LLVM into the cache, so the next run
// loads AOT code. Nothing waits for it; if the fill fails, the next run
// simply tries again.

#include "compiler/codegen/Codegen.h"

#include <cstddef>
#include <string>

namespace wasmc::tools {

/// Modules larger than this are not compiled in the background: a whole
/// -O2 compile of a huge module takes many CPU-minutes and gigabytes
/// (`wasmc compile` is the way to AOT speed for those).
inline constexpr size_t kCacheFillMaxBytes = size_t(64) << 20;

/// Starts `wasmc cache-fill` for `file` (a regular file holding the wasm
/// module just read) with `options`' -O level and jobs, in its own session
/// with no terminal and stdio on /dev/null. Returns whether it started.
bool startCacheFill(const std::string& file, const codegen::Options& options);

} // namespace wasmc::tools
