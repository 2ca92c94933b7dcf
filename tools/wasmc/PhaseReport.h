#pragma once
// The timings `wasmc bench` reads back from a run: compile, instantiate and
// execute, with execute bounded by sightglass's bench.start / bench.end
// imports when the module calls them. Every engine runner of test/bench/engines
// writes the same one-object JSON file.

#include "compiler/wasm/Error.h"

#include <cstdint>
#include <string>

namespace wasmc::rt {
class Linker;
class Store;
} // namespace wasmc::rt

namespace wasmc::tools {

/// The environment variable naming the file a run writes its PhaseTimes to.
inline constexpr const char* kBenchReportVariable = "WASMC_BENCH_REPORT";

struct PhaseTimes {
  uint64_t compileNs = 0;
  uint64_t instantiateNs = 0;
  uint64_t executeNs = 0;
  bool benchMarkers = false; // executeNs is bench.end - bench.start
  int exitCode = 0;
  /// From the start of compiling (or loading) to bench.start: how long a
  /// user waits for the measured region (the lazy JIT's start-up). 0 when
  /// the module has no bench.start.
  uint64_t untilStartNs = 0;
};

/// CLOCK_MONOTONIC in nanoseconds.
uint64_t monotonicNs();

/// The `bench` module of sightglass: start() and end() record when the
/// measured region begins and ends. Lives as long as the store that calls it.
class BenchMarkers {
public:
  /// Defines bench.start and bench.end (both [] -> []) in `linker`.
  void addToLinker(rt::Store& store, rt::Linker& linker);
  /// True when start() and then end() were both called.
  bool complete() const { return startNs_ != 0 && endNs_ >= startNs_; }
  uint64_t startedAt() const { return startNs_; }
  uint64_t elapsedNs() const { return endNs_ - startNs_; }

private:
  uint64_t startNs_ = 0;
  uint64_t endNs_ = 0;
};

/// The report as one JSON object:
/// {"compile_ns":N,"instantiate_ns":N,"execute_ns":N,"bench_markers":B,"exit_code":N,
///  "until_start_ns":N}
std::string formatPhaseReport(const PhaseTimes& times);

/// Writes formatPhaseReport(times) to `path`.
Expected<void> writePhaseReport(const std::string& path, const PhaseTimes& times);

} // namespace wasmc::tools
