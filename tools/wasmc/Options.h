#pragma once
// The command line: one options struct per subcommand, filled by CLI11 in
// Options.cpp (the only file built with exceptions, which CLI11 needs).

#include "compiler/wasm/Features.h"
#include "engine/BaselineModule.h"
#include "engine/TierUp.h"
#include "tools/wasmc/Limits.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wasmc::tools {

/// --tier and its tier-up settings, the same for run and wast
/// (BaselineModule.h).
struct TierChoice {
  std::string tier = "llvm";  // llvm, baseline or tiered; for run also auto (its default)
  uint32_t tierUpAfter = engine::kDefaultTierUp.afterCalls; // tiered: calls before a function is recompiled by LLVM
  uint32_t osrAfter = engine::kDefaultTierUp.afterIterations; // tiered: loop headers before a running call enters LLVM code
  bool tierUpWait = false;     // tiered: the asking call waits for the optimised code
  bool baselineAhead = false;  // baseline, tiered: every function compiled before the run, not on its first call
};

struct WastOptions {
  std::vector<std::string> files; // .wast or wast2json .json
  bool checkMessages = false;
  bool viaWast2json = false; // read .wast through wabt's wast2json instead of our parser (a cross-check)
  /// When set, success means exactly this many failures in total.
  std::optional<uint64_t> expectFailures;
  unsigned optLevel = 2; // -O0..-O3
  bool aot = false;      // compile each module to a .cwasm and run that
  TierChoice tier;
  RunLimits limits;      // -W: instrumented code (interruptible, consume-fuel) and store limits
  wasm::Features features; // --wasm NAME=y|n
};

struct ValidateOptions {
  std::string file;
  wasm::Features features;
};

struct CompileOptions {
  std::string input;
  std::string output;
  std::string emit;               // "" (a .cwasm), "obj", "asm" or "llvm"
  std::string targetCpu = "native";
  unsigned optLevel = 2;
  unsigned jobs = 0;              // compile threads (0: one per hardware thread)
  bool exe = false;               // link a standalone executable instead of a .cwasm
  RunLimits limits;               // -W interruptible
  wasm::Features features;
};

struct RunCommandOptions {
  std::string file;                 // the module
  std::vector<std::string> args;    // the guest's arguments after argv[0]
  std::optional<std::string> argv0; // default: `file` as given
  std::vector<std::string> dirs;    // HOST[::GUEST]
  std::vector<std::string> env;     // NAME=VALUE, or NAME to inherit the host's value
  std::vector<std::string> tcpListen; // ADDR:PORT sockets to preopen for sock_accept
  std::optional<std::string> invoke;
  std::string wasiResolve = "auto"; // sandbox path resolution: auto, openat2 or walk
  unsigned optLevel = 2;
  unsigned jobs = 0;                // compile threads (0: one per hardware thread)
  bool noCache = false;             // compile on the JIT instead of through the compile cache
  std::string profile;              // "perfmap": name the code for perf (rt::enablePerfMap)
  bool lazy = false;                // JIT, each function compiled on its first call (implies noCache)
  TierChoice tier{.tier = "auto"};  // baseline and tiered imply noCache
  bool allowPrecompiled = false;    // run a .cwasm not authenticated with the user's key
  RunLimits limits;                 // -W options
  wasm::Features features;          // --wasm NAME=y|n
};

struct BenchOptions {
  std::vector<std::string> modules;  // instead of the suites: these .wasm files
  std::vector<std::string> suites = {"plain", "tuned", "sightglass"};
  std::vector<std::string> engines;  // empty: every installed default engine
  std::vector<std::string> filters;  // keep benchmarks whose name contains one of these
  unsigned runs = 5;
  unsigned optLevel = 2;
  double timeoutSeconds = 600;       // per run
  std::string outDir = "bench-results";
  std::string programsDir;           // default: the build's WASMC_BENCH_DIR
  std::string sightglassDir;         // default: WASMC_SIGHTGLASS_DIR
  std::string enginesDir;            // default: test/bench/engines of the source tree
  std::string commandLine;           // as typed, for the results
  /// --instantiate (BenchInstantiate.h): instantiate + call + teardown in
  /// a loop instead of the suites.
  bool instantiate = false;
  unsigned iterations = 10000;
  unsigned threads = 1;
  std::string invoke;
  bool noMemoryImages = false;
  unsigned memoryPool = 0;
};

/// The hidden `wasmc cache-fill` a tiered first run starts in the background
/// (CacheFill.h).
struct CacheFillOptions {
  std::string file;
  unsigned optLevel = 2;
  unsigned jobs = 0;
  bool interruptible = false;
  bool fuel = false;
  wasm::Features features;
};

struct Options {
  enum class Command : uint8_t { Wast, Validate, Compile, Run, Bench, CacheFill };
  Command command = Command::Wast;
  WastOptions wast;
  ValidateOptions validate;
  CompileOptions compile;
  RunCommandOptions run;
  BenchOptions bench;
  CacheFillOptions cacheFill;
};

/// The parsed command line, or the exit status when parsing already finished
/// the run: --help and --version (0) or a usage error (2), with the text printed.
/// `wasmc FILE ARGS...` (a first argument that is an existing file and not a
/// subcommand) means `wasmc run FILE ARGS...`.
struct ParsedCommandLine {
  Options options;
  std::optional<int> exitStatus;
};

ParsedCommandLine parseCommandLine(int argc, char** argv);

/// The tier-up of a --tier choice: tiered counts calls and loop headers,
/// baseline and llvm never tier up.
inline engine::TierUpOptions tierUpFor(const TierChoice& choice) {
  if (choice.tier != "tiered")
    return {};
  return engine::TierUpOptions{.afterCalls = choice.tierUpAfter, .wait = choice.tierUpWait, .afterIterations = choice.osrAfter};
}

/// When the baseline compiler runs for a --tier choice (--baseline-ahead).
inline engine::BaselineCompile baselineCompileFor(const TierChoice& choice) {
  return choice.baselineAhead ? engine::BaselineCompile::Ahead : engine::BaselineCompile::OnFirstCall;
}

} // namespace wasmc::tools
