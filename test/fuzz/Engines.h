#pragma once
// The engines the differential fuzzer runs a module on: wasm-interp (the
// reference) and wasmc in one configuration, each in its own process.

#include "compiler/wasm/Module.h"
#include "test/fuzz/FuzzLog.h"

#include <string>

namespace wasmc::fuzz {

/// A wasmc configuration: JIT at an -O level, the lazy JIT, AOT, or the
/// baseline tier (with the lazy JIT for what it does not cover yet),
/// alone or with tier-up.
struct WasmcConfig {
  std::string name; // "O0", "O2", "O3", "lazy", "aot", "baseline", "tiered", "limits", "limits-tiered", "images"
  unsigned optLevel = 2;
  bool lazy = false;
  bool aot = false;
  bool baseline = false;
  /// With `baseline`: calls before LLVM recompiles a function (0: never);
  /// the call that asks waits, so the next call crosses the tier boundary.
  uint32_t tierUpAfter = 0;
  /// With `tierUpAfter`: loop headers before a running call enters its
  /// loop in LLVM code (on-stack replacement; 0: never), also waited for.
  uint32_t osrAfter = 0;
  /// Compiled with interrupt polls and fuel charges (-W interruptible,
  /// -W consume-fuel) and run with all the fuel there is: the
  /// instrumentation must change no result.
  bool instrumented = false;
  /// The module's memory from its memory image (runtime/MemoryImage.h),
  /// not copied: a module's first instance copies otherwise, and the
  /// differ makes only one.
  bool imageFirst = false;
  /// The module's memory from a pool (runtime/MemoryPool.h): an instance of
  /// it first runs every export in a store of its own, which is then
  /// dropped, giving the memory back to be reset (WrittenPages.h) and
  /// reused by the instance that is compared: whatever the first one wrote
  /// must be gone.
  bool pooled = false;
  /// The module printed as text by wabt's wasm2wat and read back by our
  /// parser (compiler/text), then run at -O2: a parser that changes any
  /// instruction changes a result.
  bool text = false;
};

/// Runs `wasm-interp --run-all-exports --dummy-import-func PATH` and parses
/// what it prints into a log. `module` is the decoded module (for the export
/// order). Rejected when wasm-interp refuses the module; TimedOut past
/// `timeoutSeconds`. Errors (wasm-interp missing or unparseable output) come
/// back as false with `error` set.
bool runReference(const std::string& path, const wasm::Module& module, double timeoutSeconds, RunLog& out,
                  std::string& error);

/// Runs the module on wasmc in a child process (so that a crash or a hang is
/// a result, not the end of the fuzzer): imported functions log their calls
/// and return zeros, every exported function without parameters is called
/// in export order, then every exported memory is hashed.
RunLog runWasmc(const std::vector<uint8_t>& bytes, const wasm::Module& module, const WasmcConfig& config,
                double timeoutSeconds);

/// Loads wasmc's code generator plugin into this process ahead of the
/// forks, so that each child does not load it again. Optional.
void preloadCodegen();

/// The exported functions wasm-interp --run-all-exports calls: those without
/// parameters, in export order.
std::vector<const wasm::Export*> callableExports(const wasm::Module& module);

} // namespace wasmc::fuzz
