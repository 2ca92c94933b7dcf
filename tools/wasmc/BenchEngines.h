#pragma once
// The engines `wasmc bench` compares and how each one compiles and runs a
// benchmark as a separate process. wasmc itself, node (through our
// node:wasi runner) and wasm2c executables (through our WASI shim) report
// their phases in the PhaseReport file; native builds and wasm-interp are
// timed from the outside.

#include "tools/wasmc/BenchSuite.h"
#include "tools/wasmc/Subprocess.h"

#include <optional>
#include <string>
#include <vector>

namespace wasmc::tools {

enum class EngineKind : uint8_t {
  WasmcAot,
  WasmcAotEpoch, // compiled -W interruptible: what interrupt polls at loop headers cost
  WasmcAotFuel,  // compiled -W consume-fuel, run with all the fuel there is: what metering costs
  WasmcJit,
  WasmcTiered,
  WasmcBaseline,
  Native,
  Node,
  Wasm2c,
  WasmInterp
};

struct EngineInfo {
  EngineKind kind;
  const char* name;   // as written on the command line and in the results
  const char* colour; // its bars in the chart
  bool byDefault;     // in the default set when installed
};

/// Every engine, in the order results are shown.
const std::vector<EngineInfo>& allEngines();
const EngineInfo* findEngine(const std::string& name);

struct EngineSetup {
  std::string wasmc;      // this executable
  std::string enginesDir; // test/bench/engines: node-wasi-runner.mjs, wasm2c/build-wasm2c.sh
  std::string workDir;    // scratch space for artifacts
  unsigned optLevel = 2;
  double timeoutSeconds = 0;
};

/// Why `engine` cannot run here (its program is not installed), or nullopt.
std::optional<std::string> engineUnavailable(EngineKind engine, const EngineSetup& setup);

/// Why `engine` does not run `bench` (no native build; wasm-interp has no
/// bench.start), or nullopt.
std::optional<std::string> engineSkips(EngineKind engine, const Benchmark& bench);

/// What an engine built once for a benchmark before running it.
struct Prepared {
  std::string artifact;   // the .cwasm or the wasm2c executable, or ""
  uint64_t compileNs = 0; // what building it took (wall time)
};

/// Compiles ahead of time where the engine does (wasmc AOT, wasm2c).
/// Errors carry the tail of the compiler's stderr: ErrorKind::Unsupported
/// when the engine cannot take this module at all (wasm2c and SIMD), else
/// ErrorKind::Io.
Expected<Prepared> prepareEngine(EngineKind engine, const Benchmark& bench, const EngineSetup& setup);

/// The process that runs `bench` once on `engine`.
ProcessSpec engineCommand(EngineKind engine, const Benchmark& bench, const Prepared& prepared,
                          const EngineSetup& setup);

/// Whether the engine writes a PhaseReport (else only its wall time is known).
bool engineReportsPhases(EngineKind engine);

} // namespace wasmc::tools
