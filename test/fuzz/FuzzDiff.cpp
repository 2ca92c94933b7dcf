// wasmc-fuzz-diff: runs each module on wasm-interp (the reference) and on
// wasmc in five configurations, and reports every difference. See README.md
// for what is compared and what is skipped.
//
//   wasmc-fuzz-diff [--configs O0,O2,O3,lazy,aot,baseline,tiered,limits,limits-tiered,images,pooled,text] [--timeout SECONDS] [--verbose] FILE.wasm|FILE.wat...
//
// --verbose prints every engine's log (calls, results, memory page hashes).
//
// Per module it prints a verdict line, the differences, and a line for
// scripts: "result FILE module=ok|partial|skipped|diverged O0=... O2=...".
// Exit status: 0 no divergence, 1 a divergence, 2 a usage or setup error.

#include "compiler/wasm/Validator.h"
#include "test/fuzz/WabtFeatures.h"
#include "test/fuzz/Engines.h"
#include "engine/FileIo.h"
#include "tools/wasmc/Subprocess.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace wasmc::fuzz {
namespace {

const WasmcConfig kAllConfigs[] = {
    {.name = "O0", .optLevel = 0},
    {.name = "O2", .optLevel = 2},
    {.name = "O3", .optLevel = 3},
    {.name = "lazy", .optLevel = 2, .lazy = true},
    {.name = "aot", .optLevel = 2, .aot = true},
    {.name = "baseline", .optLevel = 2, .baseline = true},
    {.name = "tiered", .optLevel = 2, .baseline = true, .tierUpAfter = 1, .osrAfter = 2},
    {.name = "limits", .optLevel = 2, .instrumented = true},
    {.name = "limits-tiered", .optLevel = 2, .baseline = true, .tierUpAfter = 1, .osrAfter = 1, .instrumented = true},
    {.name = "images", .optLevel = 2, .imageFirst = true},
    {.name = "pooled", .optLevel = 2, .imageFirst = true, .pooled = true},
    {.name = "text", .optLevel = 2, .text = true},
};

struct Settings {
  std::vector<WasmcConfig> configs;
  double timeoutSeconds = 60;
  bool verbose = false; // print every engine's log, for triage
};

void printLog(const std::string& engine, const RunLog& log) {
  std::printf("  [%s] %s%s%s\n", engine.c_str(), runStatusName(log.status), log.message.empty() ? "" : ": ",
              log.message.c_str());
  for (const CallRecord& call : log.calls) {
    for (const HostCall& host : call.hostCalls) {
      std::string args;
      for (const Value& arg : host.args)
        args += (args.empty() ? "" : ", ") + interpText(arg);
      std::printf("  [%s]   called %s(%s)\n", engine.c_str(), host.name.c_str(), args.c_str());
    }
    std::string outcome;
    if (call.trap != TrapKind::None)
      outcome = "trap: " + call.trapMessage;
    for (const Value& value : call.results)
      outcome += (outcome.empty() ? "" : ", ") + interpText(value);
    std::printf("  [%s]   %s() => %s\n", engine.c_str(), call.exportName.c_str(), outcome.c_str());
  }
  for (const MemoryDump& memory : log.memories) {
    std::printf("  [%s]   memory \"%s\": %llu bytes, page hashes", engine.c_str(), memory.name.c_str(),
                static_cast<unsigned long long>(memory.size));
    for (uint64_t hash : memory.pageHashes)
      std::printf(" %016llx", static_cast<unsigned long long>(hash));
    std::printf("\n");
  }
}

enum class Verdict { Ok, Partial, Skipped, Diverged, Error };

const char* verdictName(Verdict verdict) {
  switch (verdict) {
  case Verdict::Ok: return "ok";
  case Verdict::Partial: return "partial";
  case Verdict::Skipped: return "skipped";
  case Verdict::Diverged: return "diverged";
  case Verdict::Error: return "error";
  }
  return "?";
}

/// A .wat becomes a temporary .wasm through wabt's wat2wasm.
bool watToWasm(const std::string& wat, std::string& wasmPath, std::string& error) {
  if (!tools::programExists("wat2wasm")) {
    error = "wat2wasm not found on PATH (Debian: apt-get install wabt)";
    return false;
  }
  char path[] = "/tmp/wasmc-fuzz-XXXXXX.wasm";
  int fd = mkstemps(path, 5);
  if (fd < 0) {
    error = "cannot create a temporary file";
    return false;
  }
  close(fd);
  tools::ProcessSpec spec;
  spec.argv = wabtCommand("wat2wasm", {wat, "-o", path});
  spec.stderrPath = "/dev/stderr";
  auto result = tools::runProcess(spec);
  if (!result || result->exitStatus != 0) {
    unlink(path);
    error = "wat2wasm failed on " + wat;
    return false;
  }
  wasmPath = path;
  return true;
}

void skip(const std::string& file, const std::string& reason) {
  std::printf("%s: skipped: %s\nresult %s module=skipped\n", file.c_str(), reason.c_str(), file.c_str());
}

Verdict checkModule(const std::string& file, const std::string& wasmPath, const Settings& settings) {
  auto bytes = engine::readFileBytes(wasmPath);
  if (!bytes) {
    std::fprintf(stderr, "%s: %s\n", file.c_str(), bytes.error().describe().c_str());
    return Verdict::Error;
  }
  auto module = wasm::loadModule(*bytes);
  if (!module) {
    // Divergence only if the reference's validator accepts what ours refuses.
    tools::ProcessSpec spec;
    spec.argv = wabtCommand("wasm-validate", {wasmPath});
    auto validated = tools::runProcess(spec);
    if (validated && validated->exitStatus == 0) {
      std::printf("%s: DIVERGED: wasmc rejects a module wasm-validate accepts: %s\nresult %s module=diverged\n",
                  file.c_str(), module.error().describe().c_str(), file.c_str());
      return Verdict::Diverged;
    }
    skip(file, "invalid module (wasmc and wasm-validate reject it): " + module.error().describe());
    return Verdict::Skipped;
  }
  for (const wasm::Import& import : module->imports)
    if (import.kind != wasm::ExternKind::Func) {
      skip(file, "imports " + import.module + "." + import.name +
                     ", not a function: wasm-interp's --dummy-import-func provides functions only");
      return Verdict::Skipped;
    }

  RunLog reference;
  std::string error;
  if (!runReference(wasmPath, *module, settings.timeoutSeconds, reference, error)) {
    std::fprintf(stderr, "%s: %s\n", file.c_str(), error.c_str());
    return Verdict::Error;
  }
  if (settings.verbose)
    printLog("wasm-interp", reference);
  if (reference.status == RunStatus::TimedOut || reference.status == RunStatus::Crashed ||
      reference.status == RunStatus::Rejected) {
    skip(file, std::string("wasm-interp ") + runStatusName(reference.status) +
                   (reference.message.empty() ? "" : ": " + reference.message));
    return Verdict::Skipped;
  }

  std::vector<std::string> report;
  std::string summary;
  Verdict verdict = Verdict::Ok;
  // The log of the first configuration that agreed with wasm-interp: the
  // later ones must match it exactly (float bits, memory). Not the first
  // configuration's log if that one diverged: every other configuration
  // would then be reported against a wrong log.
  std::optional<RunLog> first;
  std::string firstName;
  for (const WasmcConfig& config : settings.configs) {
    RunLog log = runWasmc(*bytes, *module, config, settings.timeoutSeconds);
    if (settings.verbose)
      printLog(config.name, log);
    bool stackExhausted = false;
    RunLog merged = log;
    mergeStartCalls(merged);
    std::vector<std::string> diffs = compareLogs(reference, merged, stackExhausted);
    for (const std::string& diff : diffs)
      report.push_back("  " + config.name + " vs wasm-interp: " + diff);
    if (first && diffs.empty() && !stackExhausted) {
      std::vector<std::string> exact = compareLogs(*first, log, stackExhausted);
      for (const std::string& diff : exact)
        report.push_back("  " + config.name + " vs " + firstName + ": " + diff);
      diffs.insert(diffs.end(), exact.begin(), exact.end());
    }
    if (!first && diffs.empty() && !stackExhausted) {
      first = std::move(log);
      firstName = config.name;
    }
    const char* status = !diffs.empty() ? "diverged" : stackExhausted ? "partial" : "ok";
    summary += " " + config.name + "=" + status;
    if (!diffs.empty())
      verdict = Verdict::Diverged;
    else if (stackExhausted && verdict == Verdict::Ok)
      verdict = Verdict::Partial;
  }

  size_t calls = reference.calls.size() - 1;
  switch (verdict) {
  case Verdict::Ok:
    std::printf("%s: ok (%zu export calls agree with wasm-interp)\n", file.c_str(), calls);
    break;
  case Verdict::Partial:
    std::printf("%s: ok up to a stack exhaustion, after which engines may legally differ (not compared)\n",
                file.c_str());
    break;
  default:
    std::printf("%s: DIVERGED\n", file.c_str());
    for (const std::string& line : report)
      std::printf("%s\n", line.c_str());
    break;
  }
  if (reference.status == RunStatus::InstantiateFailed && verdict != Verdict::Diverged)
    std::printf("  (instantiation traps on every engine: %s)\n", reference.message.c_str());
  std::printf("result %s module=%s%s\n", file.c_str(), verdictName(verdict), summary.c_str());
  return verdict;
}

int usage() {
  std::fprintf(stderr,
               "usage: wasmc-fuzz-diff [--configs O0,O2,O3,lazy,aot,baseline,tiered,limits,limits-tiered,images,pooled,text] [--timeout SECONDS] [--verbose] "
               "FILE.wasm|FILE.wat...\n");
  return 2;
}

int run(int argc, char** argv) {
  Settings settings;
  std::vector<std::string> files;
  std::string configList = "O0,O2,O3,lazy,aot,baseline,tiered,limits,limits-tiered,images,pooled,text";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--configs" && i + 1 < argc)
      configList = argv[++i];
    else if (arg == "--verbose" || arg == "-v")
      settings.verbose = true;
    else if (arg == "--timeout" && i + 1 < argc)
      settings.timeoutSeconds = std::atof(argv[++i]);
    else if (arg.starts_with("-"))
      return usage();
    else
      files.push_back(arg);
  }
  size_t start = 0;
  while (start <= configList.size()) {
    size_t comma = configList.find(',', start);
    std::string name = configList.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    bool known = false;
    for (const WasmcConfig& config : kAllConfigs)
      if (config.name == name) {
        settings.configs.push_back(config);
        known = true;
      }
    if (!known) {
      std::fprintf(stderr, "unknown configuration \"%s\" (O0, O2, O3, lazy, aot, baseline, tiered, limits, limits-tiered, images, pooled, text)\n", name.c_str());
      return 2;
    }
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  if (files.empty() || settings.configs.empty() || settings.timeoutSeconds <= 0)
    return usage();
  for (const char* tool : {"wasm-interp", "wasm-validate"})
    if (!tools::programExists(tool)) {
      std::fprintf(stderr, "%s not found on PATH (Debian: apt-get install wabt)\n", tool);
      return 2;
    }

  preloadCodegen();
  int exitCode = 0;
  for (const std::string& file : files) {
    std::string wasmPath = file;
    bool temporary = file.ends_with(".wat");
    if (temporary) {
      std::string error;
      if (!watToWasm(file, wasmPath, error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 2;
      }
    }
    Verdict verdict = checkModule(file, wasmPath, settings);
    if (temporary)
      unlink(wasmPath.c_str());
    std::fflush(stdout);
    if (verdict == Verdict::Error)
      return 2;
    if (verdict == Verdict::Diverged)
      exitCode = 1;
  }
  return exitCode;
}

} // namespace
} // namespace wasmc::fuzz

int main(int argc, char** argv) { return wasmc::fuzz::run(argc, argv); }
