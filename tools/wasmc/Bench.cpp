// wasmc bench: runs every benchmark on every engine, round after round (so
// drift in the machine affects all engines alike), checks each run's output,
// and writes results.json, table.md and chart.svg.

#include "tools/wasmc/BenchEngines.h"
#include "tools/wasmc/BenchInstantiate.h"
#include "tools/wasmc/BenchResults.h"
#include "tools/wasmc/BenchSuite.h"
#include "tools/wasmc/Commands.h"
#include "engine/FileIo.h"
#include "tools/wasmc/Json.h"
#include "tools/wasmc/PhaseReport.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

namespace wasmc::tools {

namespace fs = std::filesystem;

namespace {

std::string selfExecutable() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? std::string("wasmc") : self.string();
}

std::string machineDescription() {
  std::string cpu = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  struct utsname name;
  std::string kernel = ::uname(&name) == 0 ? std::string(name.sysname) + " " + name.release : "";
  return cpu + ", " + std::to_string(std::thread::hardware_concurrency()) + " hardware threads, " + kernel;
}

std::string utcNow() {
  std::time_t now = std::time(nullptr);
  struct tm utc;
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Expected<void> writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out)
    return makeError(ErrorKind::Io, kNoOffset, "cannot write " + path);
  return {};
}

/// The first `count` non-empty lines of `text`, joined with " | ".
std::string firstLines(const std::string& text, size_t count) {
  std::string result;
  size_t start = 0;
  while (count > 0 && start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    if (line.empty())
      continue;
    result += (result.empty() ? "" : " | ") + line.substr(0, 200);
    --count;
  }
  return result;
}

bool sameContents(const std::string& a, const std::string& b) {
  Expected<std::string> left = engine::readFileText(a);
  Expected<std::string> right = engine::readFileText(b);
  return left && right && *left == *right;
}

/// The engines to run: the named ones (or the default set; "all" = every
/// installed one), minus those not installed here, with a note for each.
Expected<std::vector<EngineKind>> chooseEngines(const BenchOptions& options, const EngineSetup& setup,
                                               std::vector<std::string>& names) {
  std::vector<const EngineInfo*> wanted;
  bool all = options.engines.size() == 1 && options.engines[0] == "all";
  if (options.engines.empty() || all) {
    for (const EngineInfo& engine : allEngines())
      if (engine.byDefault || all)
        wanted.push_back(&engine);
  } else {
    for (const std::string& name : options.engines) {
      const EngineInfo* engine = findEngine(name);
      if (!engine)
        return makeError(ErrorKind::Usage, kNoOffset,
                         "unknown engine '" + name + "' (wasmc-aot, wasmc-aot-epoch, wasmc-aot-fuel, wasmc-jit, wasmc-tiered, wasmc-baseline, native, node, wasm2c, wasm-interp, all)");
      wanted.push_back(engine);
    }
  }
  std::vector<EngineKind> chosen;
  for (const EngineInfo* engine : wanted) {
    if (std::optional<std::string> why = engineUnavailable(engine->kind, setup)) {
      std::fprintf(stderr, "wasmc bench: skipping %s: %s\n", engine->name, why->c_str());
      continue;
    }
    chosen.push_back(engine->kind);
    names.push_back(engine->name);
  }
  if (chosen.empty())
    return makeError(ErrorKind::Usage, kNoOffset, "no engine to run");
  return chosen;
}

bool selected(const Benchmark& bench, const std::vector<std::string>& filters) {
  if (filters.empty())
    return true;
  for (const std::string& filter : filters)
    if (bench.name.find(filter) != std::string::npos)
      return true;
  return false;
}

/// One benchmark on all engines, `runs` rounds.
class BenchmarkRunner {
public:
  BenchmarkRunner(const Benchmark& bench, const std::vector<EngineKind>& engines, const std::vector<std::string>& names,
                  const EngineSetup& setup, unsigned runs)
      : engines_(engines), names_(names), setup_(setup), runs_(runs) {
    result_.bench = bench;
    std::string base = bench.name;
    for (char& c : base)
      if (c == '/')
        c = '-';
    scratch_ = setup.workDir + "/" + base;
  }

  Expected<BenchmarkResult> run() {
    prepared_.resize(engines_.size());
    for (size_t i = 0; i < engines_.size(); ++i) {
      EngineResult& entry = result_.engines.emplace_back();
      entry.engine = names_[i];
      if (std::optional<std::string> why = engineSkips(engines_[i], result_.bench)) {
        entry.status = ResultStatus::Skipped;
        entry.message = *why;
        continue;
      }
      Expected<Prepared> prepared = prepareEngine(engines_[i], result_.bench, setup_);
      if (!prepared) {
        bool unsupported = prepared.error().kind == ErrorKind::Unsupported;
        entry.status = unsupported ? ResultStatus::Skipped : ResultStatus::Failed;
        entry.message = prepared.error().message;
        continue;
      }
      prepared_[i] = *prepared;
    }
    WASMC_TRY(findReference());
    for (unsigned round = 0; round < runs_; ++round)
      for (size_t i = 0; i < engines_.size(); ++i)
        if (result_.engines[i].status == ResultStatus::Ok)
          WASMC_TRY(runOnce(i));
    return std::move(result_);
  }

private:
  /// The expected stdout: the benchmark's file, else the native build's output.
  Expected<void> findReference() {
    if (!result_.bench.expectedStdout.empty()) {
      reference_ = result_.bench.expectedStdout;
      return {};
    }
    if (result_.bench.native.empty())
      return {}; // nothing to check against (sightglass hashset)
    reference_ = scratch_ + ".expected";
    ProcessSpec spec;
    spec.argv = {result_.bench.native};
    spec.workDir = result_.bench.workDir;
    spec.stdoutPath = reference_;
    ProcessResult native = WASMC_TRY(runProcess(spec));
    if (native.exitStatus != 0)
      return makeError(ErrorKind::Io, kNoOffset, result_.bench.native + " exited with " + std::to_string(native.exitStatus));
    return {};
  }

  Expected<void> runOnce(size_t index) {
    EngineKind engine = engines_[index];
    EngineResult& entry = result_.engines[index];
    std::string stdoutPath = scratch_ + "." + entry.engine + ".stdout";
    std::string stderrPath = scratch_ + "." + entry.engine + ".stderr";
    std::string reportPath = scratch_ + "." + entry.engine + ".report.json";
    ::unlink(reportPath.c_str());
    ProcessSpec spec = engineCommand(engine, result_.bench, prepared_[index], setup_);
    spec.stdoutPath = stdoutPath;
    spec.stderrPath = stderrPath;
    spec.extraEnv.push_back(std::string(kBenchReportVariable) + "=" + reportPath);
    ProcessResult process = WASMC_TRY(runProcess(spec));

    auto failed = [&](std::string why) {
      entry.status = ResultStatus::Failed;
      entry.message = std::move(why);
      return Expected<void>();
    };
    if (process.timedOut)
      return failed("timed out after " + std::to_string(static_cast<int>(setup_.timeoutSeconds)) + " s");
    if (process.exitStatus != 0) {
      Expected<std::string> errors = engine::readFileText(stderrPath);
      return failed("exit status " + std::to_string(process.exitStatus) + ": " +
                    firstLines(errors ? *errors : std::string(), 3) + " (" + stderrPath + ")");
    }
    if (!reference_.empty() && !sameContents(reference_, stdoutPath))
      return failed("stdout differs from " + reference_ + " (see " + stdoutPath + ")");

    entry.wall.values.push_back(process.wallNs);
    if (!engineReportsPhases(engine)) {
      entry.execute.values.push_back(process.wallNs);
      return {};
    }
    Expected<std::string> text = engine::readFileText(reportPath);
    if (!text)
      return failed("wrote no phase report");
    Expected<JsonValue> report = parseJson(*text);
    const JsonValue* compile = report ? report->find("compile_ns") : nullptr;
    const JsonValue* instantiate = report ? report->find("instantiate_ns") : nullptr;
    const JsonValue* execute = report ? report->find("execute_ns") : nullptr;
    const JsonValue* markers = report ? report->find("bench_markers") : nullptr;
    if (!compile || !instantiate || !execute || !compile->asUint() || !instantiate->asUint() || !execute->asUint())
      return failed("malformed phase report " + reportPath);
    // Ahead-of-time engines compiled once in prepareEngine; a run's own
    // "compile" is loading the result.
    uint64_t compileNs = prepared_[index].artifact.empty() ? *compile->asUint() : prepared_[index].compileNs;
    entry.compile.values.push_back(compileNs);
    entry.instantiate.values.push_back(*instantiate->asUint());
    entry.execute.values.push_back(*execute->asUint());
    entry.benchMarkers = markers && markers->isBool() && markers->asBool();
    return {};
  }

  const std::vector<EngineKind>& engines_;
  const std::vector<std::string>& names_;
  const EngineSetup& setup_;
  unsigned runs_;
  BenchmarkResult result_;
  std::vector<Prepared> prepared_;
  std::string scratch_;
  std::string reference_;
};

void printProgress(const BenchmarkResult& result) {
  std::string line = result.bench.name + ":";
  for (const EngineResult& engine : result.engines) {
    line += " " + engine.engine + " ";
    if (engine.status == ResultStatus::Skipped)
      line += "-";
    else if (engine.status == ResultStatus::Failed)
      line += "FAILED (" + engine.message.substr(0, 300) + ")";
    else {
      char text[64];
      std::snprintf(text, sizeof text, "%.1f ms", static_cast<double>(engine.execute.median()) / 1e6);
      line += text;
      if (std::optional<double> ratio = executeRatio(result, engine.engine); ratio && *ratio != 1.0) {
        std::snprintf(text, sizeof text, " (%.2fx)", *ratio);
        line += text;
      }
    }
  }
  std::fprintf(stderr, "%s\n", line.c_str());
}

Expected<int> benchCommand(const BenchOptions& options) {
  EngineSetup setup{.wasmc = selfExecutable(),
                    .enginesDir = options.enginesDir,
                    .workDir = options.outDir + "/work",
                    .optLevel = options.optLevel,
                    .timeoutSeconds = options.timeoutSeconds};
  std::error_code error;
  fs::create_directories(setup.workDir, error);
  if (error)
    return makeError(ErrorKind::Io, kNoOffset, "cannot create " + setup.workDir + ": " + error.message());
  setup.workDir = fs::absolute(setup.workDir).lexically_normal().string();

  BenchRun run;
  run.commandLine = options.commandLine;
  run.date = utcNow();
  run.machine = machineDescription();
  run.runs = options.runs;
  run.optLevel = options.optLevel;
  std::vector<EngineKind> engines = WASMC_TRY(chooseEngines(options, setup, run.engines));

  std::vector<Benchmark> benchmarks;
  if (!options.modules.empty()) {
    for (const std::string& module : options.modules)
      benchmarks.push_back(benchmarkForModule(module));
  } else {
    SuiteLocations where{.programsDir = options.programsDir, .sightglassDir = options.sightglassDir};
    benchmarks = WASMC_TRY(discoverBenchmarks(where, options.suites));
  }
  std::erase_if(benchmarks, [&](const Benchmark& bench) { return !selected(bench, options.filters); });
  if (benchmarks.empty())
    return makeError(ErrorKind::Usage, kNoOffset, "no benchmark matches");

  std::string programsWorkDir = setup.workDir + "/cwd";
  fs::create_directories(programsWorkDir, error);
  for (Benchmark& bench : benchmarks) {
    if (bench.workDir.empty())
      bench.workDir = programsWorkDir;
    BenchmarkRunner runner(bench, engines, run.engines, setup, options.runs);
    BenchmarkResult result = WASMC_TRY(runner.run());
    printProgress(result);
    run.results.push_back(std::move(result));
  }

  std::string table = formatTable(run);
  WASMC_TRY(writeText(options.outDir + "/results.json", formatJson(run)));
  WASMC_TRY(writeText(options.outDir + "/table.md", table));
  WASMC_TRY(writeText(options.outDir + "/chart.svg", formatSvg(run)));
  std::printf("%s", table.c_str());
  std::printf("Wrote %s/results.json, table.md and chart.svg\n", options.outDir.c_str());
  bool anyFailed = false;
  for (const BenchmarkResult& result : run.results)
    for (const EngineResult& engine : result.engines)
      anyFailed = anyFailed || engine.status == ResultStatus::Failed;
  return anyFailed ? 1 : 0;
}

} // namespace

int runBenchCommand(const BenchOptions& options) {
  Expected<int> status =
      options.instantiate
          ? benchInstantiate(InstantiateBenchOptions{options.modules, options.iterations, options.threads,
                                                     options.invoke, options.optLevel, options.outDir,
                                                     !options.noMemoryImages, options.memoryPool})
          : benchCommand(options);
  if (!status) {
    reportError("bench", status.error());
    return status.error().kind == ErrorKind::Usage ? 2 : 1;
  }
  return *status;
}

} // namespace wasmc::tools
