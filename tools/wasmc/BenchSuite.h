#pragma once
// What `wasmc bench` measures: our C programs (test/bench, built native and
// as wasm in the plain and tuned flavours) and the prebuilt sightglass
// modules, each with the output a correct run prints.

#include "compiler/wasm/Error.h"

#include <string>
#include <vector>

namespace wasmc::tools {

struct Benchmark {
  std::string name;    // "tuned/matmul", "sightglass/bz2", "sightglass/shootout-fib2"
  std::string suite;   // "plain", "tuned" or "sightglass"
  std::string wasm;    // absolute path of the module
  std::string native;  // the native build of the same program, or ""
  std::string workDir; // the directory a run starts in and preopens as "."
  /// The file holding the stdout of a correct run, or "" when the run's
  /// output is checked against the native build's (or not at all).
  std::string expectedStdout;
};

struct SuiteLocations {
  std::string programsDir;   // holds programs.txt, native/, plain/, tuned/
  std::string sightglassDir; // holds one folder per sightglass benchmark
};

/// The benchmarks of the named suites ("plain", "tuned", "sightglass"),
/// sorted by name within each suite. Errors: ErrorKind::Io when a suite's
/// directory is missing, naming the CMake variable that points to it.
Expected<std::vector<Benchmark>> discoverBenchmarks(const SuiteLocations& where,
                                                    const std::vector<std::string>& suites);

/// A benchmark for one module given on the command line: it runs in the
/// module's directory, and `<stem>.stdout.expected` there is its expected output.
Benchmark benchmarkForModule(const std::string& path);

} // namespace wasmc::tools
