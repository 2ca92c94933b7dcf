#include "tools/wasmc/BenchSuite.h"

#include "engine/FileIo.h"

#include <algorithm>
#include <filesystem>

namespace wasmc::tools {

namespace fs = std::filesystem;

namespace {

bool isFile(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

std::string absolutePath(const fs::path& path) {
  std::error_code error;
  fs::path result = fs::absolute(path, error);
  return (error ? path : result).lexically_normal().string();
}

/// sightglass names the expected output after the module ("benchmark.wasm":
/// benchmark.stdout.expected), or default.stdout.expected serves a folder's
/// one module. (The libsodium folder's empty default.stdout.expected does not
/// describe its 90 modules, which print "0".)
std::string expectedOutputFor(const fs::path& wasm, bool onlyModule) {
  fs::path own = wasm.parent_path() / (wasm.stem().string() + ".stdout.expected");
  if (isFile(own))
    return absolutePath(own);
  fs::path shared = wasm.parent_path() / "default.stdout.expected";
  return onlyModule && isFile(shared) ? absolutePath(shared) : std::string();
}

Expected<std::vector<Benchmark>> programs(const SuiteLocations& where, const std::string& flavour) {
  fs::path root = where.programsDir;
  Expected<std::string> list = engine::readFileText((root / "programs.txt").string());
  if (!list)
    return makeError(ErrorKind::Io, kNoOffset,
                     "the benchmark programs are not built in " + root.string() +
                         " (no programs.txt; build the project, or set WASMC_BENCH_DIR / --programs)");
  std::vector<Benchmark> result;
  size_t start = 0;
  while (start < list->size()) {
    size_t end = list->find('\n', start);
    std::string name = list->substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? list->size() : end + 1;
    if (name.empty())
      continue;
    fs::path wasm = root / flavour / (name + ".wasm");
    if (!isFile(wasm))
      return makeError(ErrorKind::Io, kNoOffset, wasm.string() + " is missing (build the bench_programs target)");
    Benchmark bench;
    bench.name = flavour + "/" + name;
    bench.suite = flavour;
    bench.wasm = absolutePath(wasm);
    if (isFile(root / "native" / name))
      bench.native = absolutePath(root / "native" / name);
    result.push_back(std::move(bench));
  }
  return result;
}

Expected<std::vector<Benchmark>> sightglass(const SuiteLocations& where) {
  fs::path root = where.sightglassDir;
  std::error_code error;
  if (!fs::is_directory(root, error))
    return makeError(ErrorKind::Io, kNoOffset,
                     "the sightglass modules are not at " + root.string() +
                         " (set WASMC_SIGHTGLASS_DIR when configuring, or --sightglass)");
  std::vector<Benchmark> result;
  for (const fs::directory_entry& folder : fs::directory_iterator(root, error)) {
    if (!folder.is_directory())
      continue;
    std::vector<fs::path> modules;
    for (const fs::directory_entry& file : fs::directory_iterator(folder.path(), error))
      if (file.path().extension() == ".wasm")
        modules.push_back(file.path());
    for (const fs::path& wasm : modules) {
      Benchmark bench = benchmarkForModule(wasm.string());
      bench.expectedStdout = expectedOutputFor(wasm, modules.size() == 1);
      // One module in a folder is named after the folder ("bz2"), several
      // after themselves ("shootout-fib2").
      bench.name = "sightglass/" + (modules.size() == 1 ? folder.path().filename().string() : wasm.stem().string());
      bench.suite = "sightglass";
      result.push_back(std::move(bench));
    }
  }
  std::sort(result.begin(), result.end(), [](const Benchmark& a, const Benchmark& b) { return a.name < b.name; });
  return result;
}

} // namespace

Benchmark benchmarkForModule(const std::string& path) {
  fs::path wasm = absolutePath(path);
  Benchmark bench;
  bench.name = wasm.stem().string();
  bench.suite = "module";
  bench.wasm = wasm.string();
  bench.workDir = wasm.parent_path().string();
  bench.expectedStdout = expectedOutputFor(wasm, true);
  return bench;
}

Expected<std::vector<Benchmark>> discoverBenchmarks(const SuiteLocations& where,
                                                    const std::vector<std::string>& suites) {
  std::vector<Benchmark> all;
  for (const std::string& suite : suites) {
    std::vector<Benchmark> found;
    if (suite == "plain" || suite == "tuned")
      found = WASMC_TRY(programs(where, suite));
    else if (suite == "sightglass")
      found = WASMC_TRY(sightglass(where));
    else
      return makeError(ErrorKind::Usage, kNoOffset, "unknown suite '" + suite + "' (plain, tuned or sightglass)");
    all.insert(all.end(), found.begin(), found.end());
  }
  return all;
}

} // namespace wasmc::tools
