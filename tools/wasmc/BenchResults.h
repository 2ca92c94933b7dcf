#pragma once
// The measurements of one `wasmc bench` run and what is derived from them:
// medians and spread per phase, ratios against a baseline engine, and the
// three outputs (JSON, a Markdown table, an SVG chart).

#include "tools/wasmc/BenchSuite.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wasmc::tools {

struct Samples {
  std::vector<uint64_t> values; // nanoseconds, one per run
  uint64_t median() const;
  uint64_t min() const;
  uint64_t max() const;
};

enum class ResultStatus : uint8_t { Ok, Skipped, Failed };

struct EngineResult {
  std::string engine;
  ResultStatus status = ResultStatus::Ok;
  std::string message; // why it was skipped or failed
  Samples compile;     // wasm to native code (per run on the JIT, once ahead of time)
  Samples instantiate;
  Samples execute;     // bench.start..bench.end, else _start (native: the whole process)
  Samples wall;        // the whole process, from the outside
  bool benchMarkers = false;
};

struct BenchmarkResult {
  Benchmark bench;
  std::vector<EngineResult> engines; // in BenchRun::engines order
  const EngineResult* find(const std::string& engine) const;
};

struct BenchRun {
  std::string commandLine;
  std::string date;    // UTC, ISO 8601
  std::string machine; // CPU model, cores, kernel
  unsigned runs = 0;
  unsigned optLevel = 2;
  std::vector<std::string> engines;
  std::vector<BenchmarkResult> results;
};

/// The engine execute times are divided by: native where it ran, else
/// wasmc-aot (sightglass has no native builds). nullopt when neither ran.
std::optional<std::string> baselineEngine(const BenchmarkResult& result);

/// execute(engine) / execute(baseline), or nullopt when either did not run.
std::optional<double> executeRatio(const BenchmarkResult& result, const std::string& engine);

std::string formatJson(const BenchRun& run);
std::string formatTable(const BenchRun& run);
std::string formatSvg(const BenchRun& run);

} // namespace wasmc::tools
