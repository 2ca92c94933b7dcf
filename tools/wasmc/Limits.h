#pragma once
// -W options (Wasmtime's spelling), shared by `wasmc run`, `wasmc compile`
// and standalone executables: how a run is limited and interrupted.

#include "compiler/wasm/Error.h"
#include "runtime/Store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wasmc::tools {

struct RunLimits {
  /// -W timeout=DUR: the run ends with the trap "interrupt" once DUR has
  /// passed (start function, _start and blocking WASI calls alike).
  std::optional<uint64_t> timeoutNs;
  /// -W interruptible: loops check for interrupts too (implied by timeout).
  bool interruptible = false;
  /// -W max-memory-size, max-table-elements, max-instances, max-tables,
  /// max-memories, trap-on-grow-failure, max-wasm-stack.
  rt::StoreLimits store;
  /// -W fuel=N: the store starts with N fuel (implies consumeFuel).
  std::optional<uint64_t> fuel;
  /// -W consume-fuel: the code consumes fuel (compiler/wasm/Fuel.h).
  bool consumeFuel = false;
};

/// A duration: a number and a unit (ns, us, ms, s, m, h; s when none), as
/// in "10ms", "1.5s". Errors: Usage.
Expected<uint64_t> parseDuration(std::string_view text);

/// A size in bytes: a number and an optional unit (K, M, G or KiB, MiB,
/// GiB: powers of 1024), as in "16MiB", "65536". Errors: Usage.
Expected<uint64_t> parseSize(std::string_view text);

/// Applies one -W option ("timeout=10ms", "max-memory-size=16MiB", ...) to
/// `limits`. `runTime`: the options that act when the module runs are
/// allowed (not when only compiling). Errors: Usage, naming the known
/// options.
Expected<void> applyLimitOption(std::string_view option, RunLimits& limits, bool runTime);

/// Fails (Usage) when `module` was compiled without what `limits` need:
/// interruptible loops for a timeout, fuel consumption for -W fuel.
/// `recompile`: the command that compiles it right, for the message.
Expected<void> checkInstrumented(const rt::CompiledModule& module, const RunLimits& limits,
                                 const std::string& recompile);

/// The -W options for --help.
std::string limitOptionsHelp(bool runTime);

} // namespace wasmc::tools
