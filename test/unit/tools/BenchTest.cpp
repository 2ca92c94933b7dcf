// The benchmark harness behind `wasmc bench`: statistics, ratios, the three
// output formats, the suite layout and the subprocess runner.

#include "tools/wasmc/BenchResults.h"
#include "tools/wasmc/BenchSuite.h"
#include "engine/FileIo.h"
#include "tools/wasmc/Json.h"
#include "tools/wasmc/PhaseReport.h"
#include "tools/wasmc/Subprocess.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace wasmc::tools {
namespace {

namespace fs = std::filesystem;

/// A successful result whose execute samples are `millis` milliseconds.
EngineResult okResult(const std::string& engine, std::vector<uint64_t> millis) {
  EngineResult result;
  result.engine = engine;
  for (uint64_t ms : millis)
    result.execute.values.push_back(ms * 1'000'000);
  result.compile.values = {1000};
  result.instantiate.values = {10};
  result.wall.values = result.execute.values;
  return result;
}

BenchRun sampleRun() {
  BenchRun run;
  run.commandLine = "wasmc bench \"quoted\"";
  run.runs = 3;
  run.engines = {"wasmc-aot", "native", "node"};
  BenchmarkResult matmul;
  matmul.bench.name = "tuned/matmul";
  matmul.bench.suite = "tuned";
  matmul.engines = {okResult("wasmc-aot", {110, 100, 120}), okResult("native", {100, 100, 100}),
                    okResult("node", {300, 200, 250})};
  BenchmarkResult sieve;
  sieve.bench.name = "tuned/sieve";
  sieve.bench.suite = "tuned";
  EngineResult failed;
  failed.engine = "node";
  failed.status = ResultStatus::Failed;
  failed.message = "stdout differs";
  sieve.engines = {okResult("wasmc-aot", {90}), okResult("native", {100}), failed};
  BenchmarkResult bz2;
  bz2.bench.name = "sightglass/bz2";
  bz2.bench.suite = "sightglass";
  EngineResult skipped;
  skipped.engine = "native";
  skipped.status = ResultStatus::Skipped;
  bz2.engines = {okResult("wasmc-aot", {50}), skipped, okResult("node", {75})};
  run.results = {matmul, sieve, bz2};
  return run;
}

TEST(BenchSamples, MedianMinMax) {
  Samples odd{{5, 1, 3}};
  EXPECT_EQ(odd.median(), 3u);
  EXPECT_EQ(odd.min(), 1u);
  EXPECT_EQ(odd.max(), 5u);
  Samples even{{4, 1, 3, 10}};
  EXPECT_EQ(even.median(), 3u); // (3 + 4) / 2 in integers
  EXPECT_EQ(Samples{}.median(), 0u);
}

TEST(BenchRatios, AgainstNativeElseAot) {
  BenchRun run = sampleRun();
  EXPECT_DOUBLE_EQ(*executeRatio(run.results[0], "wasmc-aot"), 1.1);
  EXPECT_DOUBLE_EQ(*executeRatio(run.results[0], "node"), 2.5);
  EXPECT_FALSE(executeRatio(run.results[1], "node")); // failed runs have no ratio
  EXPECT_EQ(*baselineEngine(run.results[2]), "wasmc-aot"); // no native build
  EXPECT_DOUBLE_EQ(*executeRatio(run.results[2], "node"), 1.5);
}

TEST(BenchOutput, JsonParsesBackWithEveryResult) {
  BenchRun run = sampleRun();
  Expected<JsonValue> json = parseJson(formatJson(run));
  ASSERT_TRUE(json) << json.error().describe();
  EXPECT_EQ(json->find("command")->asString(), run.commandLine);
  const JsonValue::Array& benchmarks = json->find("benchmarks")->asArray();
  ASSERT_EQ(benchmarks.size(), 3u);
  const JsonValue* aot = benchmarks[0].find("results")->find("wasmc-aot");
  ASSERT_NE(aot, nullptr);
  EXPECT_EQ(aot->find("execute_ns")->find("median")->asUint(), 110'000'000u);
  EXPECT_EQ(aot->find("execute_ns")->find("samples")->asArray().size(), 3u);
  EXPECT_EQ(aot->find("baseline")->asString(), "native");
  const JsonValue* failed = benchmarks[1].find("results")->find("node");
  EXPECT_EQ(failed->find("status")->asString(), "failed");
  EXPECT_EQ(failed->find("message")->asString(), "stdout differs");
}

TEST(BenchOutput, TableHasRatiosAndGeomean) {
  std::string table = formatTable(sampleRun());
  EXPECT_NE(table.find("| matmul | 110 (1.10) | 100 | 250 (2.50) |"), std::string::npos) << table;
  EXPECT_NE(table.find("failed"), std::string::npos);
  // geomean of wasmc-aot over tuned: sqrt(1.1 * 0.9)
  EXPECT_NE(table.find("**0.995** (2)"), std::string::npos) << table;
  EXPECT_NE(table.find("### sightglass"), std::string::npos);
}

TEST(BenchOutput, SvgHasOneBarPerRatio) {
  std::string svg = formatSvg(sampleRun());
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  size_t bars = 0;
  for (size_t at = svg.find("<title>"); at != std::string::npos; at = svg.find("<title>", at + 1))
    ++bars;
  // tuned: matmul aot + node, sieve aot; sightglass: bz2 node.
  EXPECT_EQ(bars, 4u);
}

TEST(BenchPhaseReport, FormatsJson) {
  PhaseTimes times{
      .compileNs = 12, .instantiateNs = 3, .executeNs = 45, .benchMarkers = true, .exitCode = 7, .untilStartNs = 20};
  Expected<JsonValue> json = parseJson(formatPhaseReport(times));
  ASSERT_TRUE(json);
  EXPECT_EQ(json->find("compile_ns")->asUint(), 12u);
  EXPECT_EQ(json->find("execute_ns")->asUint(), 45u);
  EXPECT_TRUE(json->find("bench_markers")->asBool());
  EXPECT_EQ(json->find("exit_code")->asUint(), 7u);
  EXPECT_EQ(json->find("until_start_ns")->asUint(), 20u);
}

class BenchFiles : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wasmc-bench-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void touch(const fs::path& path, const std::string& text = "") {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  fs::path dir_;
};

TEST_F(BenchFiles, SightglassLayout) {
  touch(dir_ / "sg/bz2/benchmark.wasm");
  touch(dir_ / "sg/bz2/benchmark.stdout.expected");
  touch(dir_ / "sg/shootout/shootout-fib2.wasm");
  touch(dir_ / "sg/shootout/shootout-fib2.stdout.expected");
  touch(dir_ / "sg/shootout/shootout-sieve.wasm");
  touch(dir_ / "sg/gcc-loops/benchmark.wasm");
  touch(dir_ / "sg/gcc-loops/default.stdout.expected");
  touch(dir_ / "sg/shootout/default.stdout.expected"); // shared by several: ignored
  Expected<std::vector<Benchmark>> found = discoverBenchmarks({.programsDir = "", .sightglassDir = (dir_ / "sg").string()}, {"sightglass"});
  ASSERT_TRUE(found) << found.error().describe();
  ASSERT_EQ(found->size(), 4u);
  EXPECT_EQ((*found)[0].name, "sightglass/bz2");
  EXPECT_EQ((*found)[0].expectedStdout, (dir_ / "sg/bz2/benchmark.stdout.expected").string());
  EXPECT_EQ((*found)[0].workDir, (dir_ / "sg/bz2").string());
  EXPECT_EQ((*found)[1].name, "sightglass/gcc-loops");
  EXPECT_EQ((*found)[1].expectedStdout, (dir_ / "sg/gcc-loops/default.stdout.expected").string());
  EXPECT_EQ((*found)[2].name, "sightglass/shootout-fib2");
  EXPECT_EQ((*found)[3].name, "sightglass/shootout-sieve");
  EXPECT_EQ((*found)[3].expectedStdout, "");
}

TEST_F(BenchFiles, ProgramsNeedTheirBuild) {
  Expected<std::vector<Benchmark>> missing = discoverBenchmarks({.programsDir = (dir_ / "none").string(), .sightglassDir = ""}, {"plain"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("WASMC_BENCH_DIR"), std::string::npos);
  touch(dir_ / "b/programs.txt", "sieve\nvm\n");
  touch(dir_ / "b/tuned/sieve.wasm");
  touch(dir_ / "b/tuned/vm.wasm");
  touch(dir_ / "b/native/sieve");
  Expected<std::vector<Benchmark>> found = discoverBenchmarks({.programsDir = (dir_ / "b").string(), .sightglassDir = ""}, {"tuned"});
  ASSERT_TRUE(found) << found.error().describe();
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].name, "tuned/sieve");
  EXPECT_EQ((*found)[0].native, (dir_ / "b/native/sieve").string());
  EXPECT_EQ((*found)[1].native, "");
  EXPECT_FALSE(discoverBenchmarks({}, {"nonsense"}));
}

TEST_F(BenchFiles, ProcessStatusOutputEnvironmentAndDirectory) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "echo \"$BENCH_VALUE $(pwd)\"; exit 3"};
  spec.workDir = dir_.string();
  spec.extraEnv = {"BENCH_VALUE=hello"};
  spec.stdoutPath = (dir_ / "out.txt").string();
  Expected<ProcessResult> result = runProcess(spec);
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->exitStatus, 3);
  EXPECT_FALSE(result->timedOut);
  EXPECT_EQ(*engine::readFileText(spec.stdoutPath), "hello " + fs::canonical(dir_).string() + "\n");
}

TEST_F(BenchFiles, ProcessTimeoutKillsTheGroup) {
  ProcessSpec spec;
  spec.argv = {"sh", "-c", "sleep 30 & sleep 30"};
  spec.timeoutSeconds = 0.2;
  Expected<ProcessResult> result = runProcess(spec);
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->timedOut);
  EXPECT_LT(result->wallNs, 5'000'000'000u);
}

TEST_F(BenchFiles, ProcessThatCannotStartIsAnError) {
  ProcessSpec spec;
  spec.argv = {"/nonexistent/program"};
  EXPECT_FALSE(runProcess(spec));
  spec.argv = {"true"};
  spec.workDir = (dir_ / "missing").string();
  EXPECT_FALSE(runProcess(spec));
  EXPECT_TRUE(programExists("sh"));
  EXPECT_FALSE(programExists("no-such-program-wasmc"));
}

} // namespace
} // namespace wasmc::tools
