#include "tools/wasmc/BenchEngines.h"

#include "engine/FileIo.h"

#include <filesystem>

namespace wasmc::tools {

namespace {

/// The last lines of a failed compiler's stderr, for the error message.
std::string tailOf(const std::string& path) {
  Expected<std::string> text = engine::readFileText(path);
  if (!text || text->empty())
    return "(no output)";
  std::string value = text->size() > 600 ? "..." + text->substr(text->size() - 600) : *text;
  while (!value.empty() && value.back() == '\n')
    value.pop_back();
  return value;
}

/// A file name for `bench` in the scratch directory: "tuned/matmul" -> "tuned-matmul".
std::string scratchName(const Benchmark& bench) {
  std::string name = bench.name;
  for (char& c : name)
    if (c == '/')
      c = '-';
  return name;
}

Expected<Prepared> buildAhead(const Benchmark& bench, const EngineSetup& setup, std::vector<std::string> argv,
                              const std::string& artifact, const char* what) {
  std::string log = setup.workDir + "/" + scratchName(bench) + "." + what + ".log";
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.stdoutPath = log;
  spec.stderrPath = log;
  ProcessResult result = WASMC_TRY(runProcess(spec));
  // build-wasm2c.sh exits with 3 for a module wasm2c cannot translate (SIMD).
  if (result.exitStatus == 3 && std::string(what) == "wasm2c build")
    return makeError(ErrorKind::Unsupported, kNoOffset, "wasm2c cannot translate this module: " + tailOf(log));
  if (result.exitStatus != 0)
    return makeError(ErrorKind::Io, kNoOffset, std::string(what) + " failed: " + tailOf(log));
  return Prepared{.artifact = artifact, .compileNs = result.wallNs};
}

} // namespace

const std::vector<EngineInfo>& allEngines() {
  // wasm-interp is an interpreter (hundreds of times slower) and the
  // baseline tier alone is several times slower than LLVM's code: they run
  // only when named, so a default run finishes in minutes.
  static const std::vector<EngineInfo> engines = {
      {EngineKind::WasmcAot, "wasmc-aot", "#1f77b4", true},  {EngineKind::WasmcJit, "wasmc-jit", "#6baed6", true},
      {EngineKind::WasmcTiered, "wasmc-tiered", "#17becf", true},
      {EngineKind::WasmcAotEpoch, "wasmc-aot-epoch", "#aec7e8", false},
      {EngineKind::WasmcAotFuel, "wasmc-aot-fuel", "#393b79", false},
      {EngineKind::WasmcBaseline, "wasmc-baseline", "#bcbd22", false},
      {EngineKind::Native, "native", "#7f7f7f", true},       {EngineKind::Node, "node", "#2ca02c", true},
      {EngineKind::Wasm2c, "wasm2c", "#ff7f0e", true},       {EngineKind::WasmInterp, "wasm-interp", "#9467bd", false},
  };
  return engines;
}

const EngineInfo* findEngine(const std::string& name) {
  for (const EngineInfo& engine : allEngines())
    if (name == engine.name)
      return &engine;
  return nullptr;
}

std::optional<std::string> engineUnavailable(EngineKind engine, const EngineSetup& setup) {
  namespace fs = std::filesystem;
  std::error_code error;
  switch (engine) {
  case EngineKind::WasmcAot:
  case EngineKind::WasmcAotEpoch:
  case EngineKind::WasmcAotFuel:
  case EngineKind::WasmcJit:
  case EngineKind::WasmcTiered:
  case EngineKind::WasmcBaseline:
  case EngineKind::Native: return std::nullopt;
  case EngineKind::Node:
    if (!programExists("node"))
      return "node is not installed";
    if (!fs::exists(setup.enginesDir + "/node-wasi-runner.mjs", error))
      return "no node-wasi-runner.mjs in " + setup.enginesDir;
    return std::nullopt;
  case EngineKind::Wasm2c:
    if (!programExists("wasm2c"))
      return "wasm2c (wabt) is not installed";
    if (!programExists("clang-19"))
      return "clang-19 is not installed";
    if (!fs::exists(setup.enginesDir + "/wasm2c/build-wasm2c.sh", error))
      return "no wasm2c/build-wasm2c.sh in " + setup.enginesDir;
    return std::nullopt;
  case EngineKind::WasmInterp:
    if (!programExists("wasm-interp"))
      return "wasm-interp (wabt) is not installed";
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> engineSkips(EngineKind engine, const Benchmark& bench) {
  if (engine == EngineKind::Native && bench.native.empty())
    return "no native build";
  if (engine == EngineKind::WasmInterp && bench.suite == "sightglass")
    return "wasm-interp cannot provide the bench.start/bench.end imports";
  return std::nullopt;
}

Expected<Prepared> prepareEngine(EngineKind engine, const Benchmark& bench, const EngineSetup& setup) {
  std::string base = setup.workDir + "/" + scratchName(bench);
  switch (engine) {
  case EngineKind::WasmcAot:
  case EngineKind::WasmcAotEpoch:
  case EngineKind::WasmcAotFuel: {
    std::vector<std::string> argv{setup.wasmc, "compile", "-O" + std::to_string(setup.optLevel)};
    std::string artifact = base + ".cwasm";
    if (engine == EngineKind::WasmcAotEpoch) {
      argv.insert(argv.end(), {"-W", "interruptible"});
      artifact = base + ".epoch.cwasm";
    } else if (engine == EngineKind::WasmcAotFuel) {
      argv.insert(argv.end(), {"-W", "consume-fuel"});
      artifact = base + ".fuel.cwasm";
    }
    argv.insert(argv.end(), {bench.wasm, "-o", artifact});
    return buildAhead(bench, setup, std::move(argv), artifact, "wasmc compile");
  }
  case EngineKind::Wasm2c: {
    std::string artifact = base + ".wasm2c";
    return buildAhead(bench, setup,
                      {"bash", setup.enginesDir + "/wasm2c/build-wasm2c.sh", bench.wasm, artifact, base + ".wasm2c.d"},
                      artifact, "wasm2c build");
  }
  default: return Prepared{};
  }
}

ProcessSpec engineCommand(EngineKind engine, const Benchmark& bench, const Prepared& prepared,
                          const EngineSetup& setup) {
  ProcessSpec spec;
  spec.workDir = bench.workDir;
  spec.timeoutSeconds = setup.timeoutSeconds;
  switch (engine) {
  case EngineKind::WasmcAot: spec.argv = {setup.wasmc, "run", "--dir", ".", prepared.artifact}; break;
  case EngineKind::WasmcAotEpoch:
    spec.argv = {setup.wasmc, "run", "-W", "interruptible", "--dir", ".", prepared.artifact};
    break;
  case EngineKind::WasmcAotFuel:
    spec.argv = {setup.wasmc, "run", "-W", "fuel=" + std::to_string(INT64_MAX), "--dir", ".", prepared.artifact};
    break;
  case EngineKind::WasmcJit:
    spec.argv = {setup.wasmc, "run",  "--tier", "llvm", "--no-cache", "-O" + std::to_string(setup.optLevel),
                 "--dir", ".", bench.wasm};
    break;
  case EngineKind::WasmcTiered:
  case EngineKind::WasmcBaseline:
    // Both compile in the run (never through the cache): their first run
    // is what they are for.
    spec.argv = {setup.wasmc, "run", "--tier", engine == EngineKind::WasmcTiered ? "tiered" : "baseline",
                 "-O" + std::to_string(setup.optLevel), "--dir", ".", bench.wasm};
    break;
  case EngineKind::Native: spec.argv = {bench.native}; break;
  case EngineKind::Node:
    // node 20's WASI fast API calls corrupt memory-heavy programs.
    spec.argv = {"node", "--no-warnings", "--no-turbo-fast-api-calls", setup.enginesDir + "/node-wasi-runner.mjs",
                 "--dir", ".", bench.wasm};
    break;
  case EngineKind::Wasm2c:
    spec.argv = {prepared.artifact};
    spec.extraEnv.push_back("WASMC_BENCH_DIRS=.");
    break;
  case EngineKind::WasmInterp: spec.argv = {"wasm-interp", "--wasi", "--dir=.", bench.wasm}; break;
  }
  return spec;
}

bool engineReportsPhases(EngineKind engine) {
  return engine != EngineKind::Native && engine != EngineKind::WasmInterp;
}

} // namespace wasmc::tools
