#include "engine/BaselineModule.h"
#include "tools/wasmc/Commands.h"
#include "tools/wasmc/JitWastEngine.h"
#include "tools/wasmc/WastRunner.h"
#include "tools/wasmc/WastScript.h"

#include <cinttypes>
#include <memory>

namespace wasmc::tools {

namespace {

/// The engine a script runs on: a fresh JIT store per script.
std::unique_ptr<JitWastEngine> createEngine(const WastOptions& options) {
  std::optional<engine::TierUpOptions> baseline;
  if (options.tier.tier != "llvm")
    baseline = tierUpFor(options.tier);
  codegen::Options codegenOptions{.optLevel = options.optLevel,
                                  .interruptible = options.limits.interruptible,
                                  .fuel = options.limits.consumeFuel,
                                  .features = options.features};
  auto engine = std::make_unique<JitWastEngine>(
      codegenOptions, options.aot, baseline,
      baselineCompileFor(options.tier));
  // Scripts test semantics, not metering: plenty of fuel unless -W fuel.
  engine->configureStore(options.limits.store, options.limits.fuel.value_or(INT64_MAX));
  return engine;
}

void printCounts(const RunCounts& counts) {
  std::printf("%" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", counts.passed,
              counts.failed, counts.skipped);
}

} // namespace

int runWastCommand(const WastOptions& options) {
  RunOptions runOptions{.checkMessages = options.checkMessages};
  RunCounts total;
  size_t loadFailures = 0;
  JitWastEngine::BaselineTotals baseline;
  uint64_t tieredUp = 0, loopsEntered = 0;
  for (const std::string& file : options.files) {
    Expected<WastScript> script = loadWastScript(file, options.viaWast2json);
    if (!script) {
      std::fflush(stdout);
      reportError(file, script.error());
      ++loadFailures;
      continue;
    }
    std::unique_ptr<JitWastEngine> engine = createEngine(options);
    RunCounts counts = runWastScript(*script, *engine, file, runOptions, stdout);
    baseline += engine->baselineTotals();
    tieredUp += engine->tieredUp();
    loopsEntered += engine->loopsEntered();
    if (options.files.size() > 1) {
      std::printf("%s: ", file.c_str());
      printCounts(counts);
    }
    total += counts;
  }
  // A lone script that could not be read ran nothing: the error line says it all.
  if (loadFailures == options.files.size())
    return 1;

  if (options.checkMessages)
    std::printf("%" PRIu64 " passed with a different message\n", total.messageNotes);
  if (options.tier.tier != "llvm")
    std::printf("baseline tier: of %" PRIu64 " functions, %" PRIu64 " compiled by the baseline compiler, %" PRIu64
                " left to the lazy JIT, %" PRIu64 " never called%s\n",
                baseline.functions, baseline.compiled, baseline.refused,
                baseline.functions - baseline.compiled - baseline.refused,
                options.tier.baselineAhead ? " (compiled ahead)" : "");
  if (options.tier.tier != "llvm" && baseline.compileNs > 0)
    std::printf("baseline compile: %.1f MB of function bodies in %.0f ms (%.1f MB/s), %.1f bytes of "
                "code per body byte\n",
                baseline.bodyBytes / 1e6, baseline.compileNs / 1e6,
                baseline.bodyBytes / 1e6 / (baseline.compileNs / 1e9),
                baseline.bodyBytes ? double(baseline.codeBytes) / double(baseline.bodyBytes) : 0.0);
  if (options.tier.tier == "tiered")
    std::printf("tier-up: %" PRIu64 " functions recompiled by LLVM, %" PRIu64 " loops entered in LLVM code\n",
                tieredUp, loopsEntered);
  int status = total.failed == 0 ? 0 : 1;
  if (options.expectFailures) {
    uint64_t expected = *options.expectFailures;
    status = total.failed == expected ? 0 : 1;
    if (total.failed < expected)
      std::printf("expected %" PRIu64 " failures, got %" PRIu64
                  ": fewer than expected, lower the expected count\n",
                  expected, total.failed);
    else if (total.failed > expected)
      std::printf("expected %" PRIu64 " failures, got %" PRIu64 ": more than expected\n", expected,
                  total.failed);
  }
  if (loadFailures)
    status = 1;
  printCounts(total);
  std::fflush(stdout);
  return status;
}

} // namespace wasmc::tools
