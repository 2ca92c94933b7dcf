#pragma once
// `--tier baseline` and `--tier tiered` (issue 15): a module whose
// functions run on the baseline compiler's code where it covers them, and
// on the lazy LLVM JIT everywhere else, each compiled on its first call.
// The lazy JIT provides the trampolines, host adapters and a stub per
// function, through which every call goes; a covered function's stub
// points at its baseline code once it is compiled.
// With tier-up (TierUp.h), hot functions are recompiled by LLVM and their
// stubs pointed at the result (docs/BASELINE.md).

#include "compiler/codegen/Codegen.h"
#include "runtime/CompiledModule.h"
#include "engine/TierUp.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace wasmc::engine {

/// What the baseline compiler did for a module, updated as it compiles
/// (on first calls, from any thread).
struct BaselineStats {
  std::atomic<uint32_t> compiled{0}; // functions given baseline code
  std::atomic<uint32_t> refused{0};  // left to the lazy JIT (not covered yet, or too big)
  /// Wasm body bytes of the functions compiled, the machine code made, and
  /// the time spent in the baseline compiler (refused functions included).
  std::atomic<uint64_t> bodyBytes{0};
  std::atomic<uint64_t> codeBytes{0};
  std::atomic<uint64_t> compileNs{0};
};

struct BaselineCoverage {
  uint32_t functions = 0; // defined functions in the module
  std::shared_ptr<const BaselineStats> baseline;
  std::shared_ptr<const TierUpStats> tierUp; // null without tier-up
};

/// When the baseline compiler compiles a function.
enum class BaselineCompile : uint8_t {
  /// On its first call, as V8 does: a run pays only for the functions it
  /// calls (clang.wasm has 133,398; compiling hello.c calls a fraction).
  OnFirstCall,
  /// Every function before compileModuleBaseline returns (measuring the
  /// compiler, tests that want every function on baseline code at once).
  Ahead,
};

/// Compiles `bytes` for the baseline tier; `options` are the lazy JIT's,
/// for the functions the baseline compiler refuses and for tier-up.
Expected<std::shared_ptr<const rt::CompiledModule>> compileModuleBaseline(
    std::span<const uint8_t> bytes, const codegen::Options& options, const TierUpOptions& tierUp = {},
    BaselineCoverage* coverage = nullptr, BaselineCompile when = BaselineCompile::OnFirstCall);
/// The same, taking the bytes over instead of copying them.
Expected<std::shared_ptr<const rt::CompiledModule>> compileModuleBaseline(
    std::vector<uint8_t>&& bytes, const codegen::Options& options, const TierUpOptions& tierUp = {},
    BaselineCoverage* coverage = nullptr, BaselineCompile when = BaselineCompile::OnFirstCall);

} // namespace wasmc::engine
