#pragma once
// `--tier baseline` (issue 15, first step): a module whose functions run on
// the baseline compiler's code where it covers them, and on the lazy LLVM
// JIT everywhere else. The lazy JIT provides the trampolines, host adapters
// and stubs; the code table points each covered function at its baseline
// code instead of its stub, so every FuncRef (calls from baseline code,
// tables, exports) reaches baseline code. LLVM-compiled functions call
// others through their stubs, so they reach LLVM code: correct, not yet
// all-baseline. Not the default anywhere: the baseline tier is in progress
// (docs/BASELINE.md).

#include "compiler/codegen/Codegen.h"
#include "runtime/CompiledModule.h"

#include <cstdint>
#include <memory>
#include <span>

namespace wasmc::tools {

/// How many defined functions got baseline code (the rest: lazy LLVM).
struct BaselineCoverage {
  uint32_t baseline = 0;
  uint32_t functions = 0;
};

/// Compiles `bytes` for the baseline tier; `options` are the lazy JIT's
/// for the functions the baseline compiler refuses.
Expected<std::shared_ptr<const rt::CompiledModule>> compileModuleBaseline(std::span<const uint8_t> bytes,
                                                                          const codegen::Options& options,
                                                                          BaselineCoverage* coverage = nullptr);

} // namespace wasmc::tools
