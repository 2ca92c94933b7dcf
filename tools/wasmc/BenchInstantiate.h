#pragma once
// wasmc bench --instantiate: instantiate + call + teardown in a loop, in
// one process, with percentiles (issue 18's harness).

#include "compiler/wasm/Error.h"

#include <string>
#include <vector>

namespace wasmc::tools {

struct InstantiateBenchOptions {
  std::vector<std::string> modules; // .wasm (compiled once, -O optLevel) or .cwasm
  unsigned iterations = 10000;      // measured, per module and thread
  unsigned threads = 1;             // above 1: measured with 1 and with this many
  std::string invoke;               // an export to call each time (no arguments); empty: none
  unsigned optLevel = 2;
  std::string outDir = "bench-results";
  bool memoryImages = true; // false: instances copy their data segments (rt::setMemoryImagesEnabled)
  unsigned memoryPool = 0;  // memories each module keeps for its next instances (rt::setMemoryPoolCapacity)
};

/// Prints a Markdown table (module, threads, iterations, p50 and p99 of
/// one iteration in microseconds, iterations per second) and writes it
/// with instantiate.json into outDir. Errors: Usage, or the first module's
/// that fails to load, instantiate or run.
Expected<int> benchInstantiate(const InstantiateBenchOptions& options);

} // namespace wasmc::tools
