#pragma once
// `--tier baseline` and `--tier tiered` (issue 15): a module whose
// functions run on the baseline compiler's code where it covers them, and
// on the lazy LLVM JIT everywhere else. The lazy JIT provides the
// trampolines, host adapters and a stub per function, through which every
// call goes; each covered function's stub points at its baseline code.
// With tier-up (TierUp.h), hot functions are recompiled by LLVM and their
// stubs pointed at the result (docs/BASELINE.md).

#include "compiler/codegen/Codegen.h"
#include "runtime/CompiledModule.h"
#include "engine/TierUp.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace wasmc::engine {

/// How many defined functions got baseline code (the rest: lazy LLVM).
struct BaselineCoverage {
  uint32_t baseline = 0;
  uint32_t functions = 0;
  std::shared_ptr<const TierUpStats> tierUp; // null without tier-up
  /// The baseline compiler's pass over the functions (one thread): wasm
  /// body bytes of the functions it compiled, the machine code it made,
  /// and how long the pass took (refused functions included).
  uint64_t bodyBytes = 0;
  uint64_t codeBytes = 0;
  uint64_t compileNs = 0;
};

/// Compiles `bytes` for the baseline tier; `options` are the lazy JIT's,
/// for the functions the baseline compiler refuses and for tier-up.
Expected<std::shared_ptr<const rt::CompiledModule>> compileModuleBaseline(std::span<const uint8_t> bytes,
                                                                          const codegen::Options& options,
                                                                          const TierUpOptions& tierUp = {},
                                                                          BaselineCoverage* coverage = nullptr);

} // namespace wasmc::engine
