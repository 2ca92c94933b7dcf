#include "tools/wasmc/Options.h"

#include <CLI/CLI.hpp>

#include <cstring>
#include <sys/stat.h>

#ifndef WASMC_VERSION
#error "WASMC_VERSION must be defined by the build"
#endif

namespace wasmc::tools {

namespace {

/// Whether `arg` is a `wasmc run` option that takes its value from the next
/// argument (not given as --name=value or -O2). Asked of the parser's own
/// definitions, so a new option cannot be forgotten here (--profile was).
bool runOptionTakesValue(const CLI::App& run, const char* arg) {
  const CLI::Option* option = run.get_option_no_throw(arg);
  return option && option->get_items_expected_min() > 0;
}

/// Where FILE is among the arguments of `wasmc run` (from `first`): the first
/// argument that is neither an option nor an option's value, or the one after
/// "--". Returns argc when there is none. Everything after FILE belongs to
/// the guest, options included, so CLI11 never sees it.
int findRunFile(const CLI::App& run, int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    const char* arg = argv[i];
    if (std::strcmp(arg, "--") == 0)
      return i + 1 < argc ? i + 1 : argc;
    if (arg[0] != '-' || arg[1] == '\0')
      return i;
    if (runOptionTakesValue(run, arg))
      ++i;
  }
  return argc;
}

/// -W OPTION (Wasmtime's spelling; Limits.h), repeatable.
void addLimitOptions(CLI::App& command, RunLimits& limits, bool run) {
  command
      .add_option_function<std::vector<std::string>>(
          "-W",
          [&limits, run](const std::vector<std::string>& values) {
            for (const std::string& value : values)
              if (Expected<void> applied = applyLimitOption(value, limits, run); !applied)
                throw CLI::ValidationError("-W", applied.error().message);
          },
          limitOptionsHelp(run))
      ->allow_extra_args(false) // one value per -W: FILE after it is not one
      ->type_name("OPTION");
}

/// --wasm NAME=y|n (Features.h), repeatable or comma-separated.
void addFeatureOptions(CLI::App& command, wasm::Features& features) {
  command
      .add_option_function<std::vector<std::string>>(
          "--wasm",
          [&features](const std::vector<std::string>& values) {
            for (const std::string& value : values) {
              size_t start = 0;
              while (start <= value.size()) {
                size_t comma = std::min(value.find(',', start), value.size());
                if (Expected<void> set = wasm::setFeature(features, value.substr(start, comma - start)); !set)
                  throw CLI::ValidationError("--wasm", set.error().message);
                start = comma + 1;
              }
            }
          },
          "WebAssembly features past 2.0, NAME=y|n, all on by default: extended-const (arithmetic in "
          "constant expressions), gc (so far: global.get of an earlier immutable global in one), "
          "relaxed-simd, tail-call. "
          "Repeatable or comma-separated")
      ->allow_extra_args(false)
      ->type_name("NAME=y|n");
}

/// --tier and its tier-up settings, the same for run and wast; run also
/// has `auto`, its default.
void addTierOptions(CLI::App& command, TierChoice& choice, bool run) {
  std::vector<std::string> tiers{"llvm", "baseline", "tiered"};
  if (run)
    tiers.push_back("auto");
  command
      .add_option("--tier", choice.tier,
                  std::string(run ? "auto (default): the compile cache's code if it holds the module; "
                                    "otherwise tiered, while a background wasmc compiles the module "
                                    "into the cache for the next run (modules up to 64 MiB). llvm: "
                                    "LLVM compiles the whole module first (through the cache unless "
                                    "--no-cache, then on the JIT in this process). "
                                  : "llvm (default). ") +
                      "baseline: the baseline compiler where it covers a function, the lazy LLVM JIT "
                      "elsewhere; tiered: baseline first, LLVM for the functions called "
                      "--tier-up-after times and the loops that pass --osr-after headers "
                      "(docs/BASELINE.md). baseline and tiered never use the cache.")
      ->check(CLI::IsMember(tiers));
  command
      .add_option("--tier-up-after", choice.tierUpAfter,
                  "With --tier tiered: calls of a baseline function before LLVM recompiles it in the "
                  "background (default 1000; times its size over 4 KiB for a bigger function)")
      ->check(CLI::Range(1u, UINT32_MAX >> 1));
  command
      .add_option("--osr-after", choice.osrAfter,
                  "With --tier tiered: loop headers a baseline function's calls pass (its loops "
                  "together) before a running call goes on in LLVM code at its loop (on-stack "
                  "replacement; default 1000000; times its size over 4 KiB for a bigger function)")
      ->check(CLI::Range(1u, UINT32_MAX >> 1));
  command.add_flag("--baseline-ahead", choice.baselineAhead,
                   "With --tier baseline or tiered: compile every function before the module runs "
                   "(measuring the baseline compiler) instead of each on its first call");
  command.add_flag("--tier-up-wait", choice.tierUpWait,
                   "With --tier tiered: the call or loop that asks for a tier-up waits for the "
                   "optimised code, so the function's next call, or the loop, runs it "
                   "(deterministic, for tests)");
}

bool isRegularFile(const char* path) {
  struct stat info;
  return ::stat(path, &info) == 0 && S_ISREG(info.st_mode);
}

} // namespace

ParsedCommandLine parseCommandLine(int argc, char** argv) {
  ParsedCommandLine result;
  Options& options = result.options;

  // `wasmc FILE ARGS...` is `wasmc run FILE ARGS...`.
  std::vector<char*> args(argv, argv + argc);
  static char runWord[] = "run";
  if (argc >= 2 && std::strcmp(argv[1], "run") != 0 && std::strcmp(argv[1], "wast") != 0 &&
      std::strcmp(argv[1], "validate") != 0 && std::strcmp(argv[1], "compile") != 0 &&
      std::strcmp(argv[1], "bench") != 0 &&
      argv[1][0] != '-' && isRegularFile(argv[1]))
    args.insert(args.begin() + 1, runWord);
  CLI::App app{"wasmc: a WebAssembly runtime (2.0, and of 3.0 what docs/TEXT-FORMAT.md lists)", "wasmc"};
  app.set_version_flag("--version", "wasmc " WASMC_VERSION);
  app.require_subcommand(1);
  app.failure_message([](const CLI::App*, const CLI::Error& error) {
    return std::string("wasmc: error: ") + error.what() + " (see wasmc --help)\n";
  });

  CLI::App* wast = app.add_subcommand(
      "wast", "Run WebAssembly spec test scripts (.wast, or .json from wast2json)");
  wast->add_flag("--check-messages", options.wast.checkMessages,
                 "Also report assertions that failed the expected way with another message");
  uint64_t expectFailures = 0;
  CLI::Option* expectOption = wast->add_option(
      "--expect-failures", expectFailures,
      "Succeed only if exactly N assertions fail in total (for expected-failure lists)");
  wast->add_option("-O,--opt-level", options.wast.optLevel, "Optimisation level 0..3 (default 2)")
      ->check(CLI::Range(0, 3));
  wast->add_flag("--aot", options.wast.aot,
                 "Compile each module ahead of time to a .cwasm, load it and run that");
  addTierOptions(*wast, options.wast.tier, false);
  addLimitOptions(*wast, options.wast.limits, true);
  addFeatureOptions(*wast, options.wast.features);
  wast->add_flag("--wast2json", options.wast.viaWast2json,
                 "Read .wast scripts through wabt's wast2json instead of wasmc's own parser (to compare the two)");
  wast->add_option("files", options.wast.files, "Scripts to run")->required();

  CLI::App* validate =
      app.add_subcommand("validate", "Decode and validate a module; print its imports and exports");
  validate->add_option("file", options.validate.file, "The .wasm module")->required();
  addFeatureOptions(*validate, options.validate.features);

  CLI::App* compile = app.add_subcommand("compile", "Compile a module ahead of time to a .cwasm artifact");
  compile->add_option("file", options.compile.input, "The .wasm module")->required();
  compile->add_option("-o,--output", options.compile.output, "Output file (default: FILE with .cwasm)");
  compile->add_option("--emit", options.compile.emit, "Write an intermediate form instead: obj, asm or llvm")
      ->check(CLI::IsMember({"obj", "asm", "llvm"}));
  compile->add_flag("--exe", options.compile.exe,
                    "Link a standalone executable (runtime and WASI included, no LLVM) that runs the "
                    "module as a WASI program: PROG [--dir HOST[::GUEST]] [--env NAME[=VALUE]] "
                    "[--invoke NAME] [--] [ARGS...]");
  compile->add_option("--target-cpu", options.compile.targetCpu,
                      "CPU to compile for: native (default), generic, or an LLVM CPU name");
  compile->add_option("-O,--opt-level", options.compile.optLevel, "Optimisation level 0..3 (default 2)")
      ->check(CLI::Range(0, 3));
  addLimitOptions(*compile, options.compile.limits, false);
  addFeatureOptions(*compile, options.compile.features);
  compile->add_option("-j,--jobs", options.compile.jobs,
                      "Threads compiling parts of the module in parallel (default: one per hardware "
                      "thread; 1 compiles the module as one unit)")
      ->check(CLI::Range(1, 256));

  // Started by a tiered first run (CacheFill.h); not for users, so hidden.
  CLI::App* cacheFill = app.add_subcommand("cache-fill", "")->group("");
  cacheFill->add_option("file", options.cacheFill.file)->required();
  cacheFill->add_option("-O", options.cacheFill.optLevel)->check(CLI::Range(0, 3));
  cacheFill->add_option("-j", options.cacheFill.jobs)->check(CLI::Range(0, 256));
  cacheFill->add_flag("--interruptible", options.cacheFill.interruptible);
  cacheFill->add_flag("--fuel", options.cacheFill.fuel);
  addFeatureOptions(*cacheFill, options.cacheFill.features);

  CLI::App* run = app.add_subcommand(
      "run", "Run a WASI program (wasi_snapshot_preview1): its _start, its _initialize (a "
             "reactor), or with --invoke one exported function. `wasmc FILE ARGS...` is short for "
             "`wasmc run FILE ARGS...`. The exit status is the program's proc_exit code; a trap "
             "prints its message and backtrace and exits with 1.");
  run->footer("Everything after FILE goes to the program, options included:\n"
              "  wasmc run [OPTIONS] [--] FILE [--] [ARGS...]\n"
              "Examples:\n"
              "  wasmc run --dir . --env HOME=/ prog.wasm -v input.txt\n"
              "  wasmc run --invoke add math.wasm 2 40\n");
  run->add_option("--dir", options.run.dirs,
                  "HOST[::GUEST]: give the guest the host directory HOST, preopened under the "
                  "name GUEST (default: HOST as written; `--dir .` maps the current directory). "
                  "Repeatable. Without --dir the guest reaches no file.")
      ->type_name("HOST[::GUEST]");
  run->add_option("--env", options.run.env,
                  "NAME=VALUE sets a guest environment variable; NAME alone passes on the host's "
                  "value. Repeatable. Nothing else is inherited.")
      ->type_name("NAME[=VALUE]");
  run->add_option("--invoke", options.run.invoke,
                  "Call this exported function instead of _start, with ARGS parsed by its "
                  "parameter types (i32/i64 decimal, f32/f64 decimal floats), and print its "
                  "results one per line. A reactor's _initialize runs first.")
      ->type_name("NAME");
  run->add_option("--argv0", options.run.argv0,
                  "The guest's argv[0] (default: FILE as given)")
      ->type_name("NAME");
  run->add_option("--tcplisten", options.run.tcpListen,
                  "ADDR:PORT: listen on a TCP socket and preopen it for sock_accept (after the "
                  "--dir preopens). Repeatable.")
      ->type_name("ADDR:PORT");
  run->add_option("--wasi-resolve", options.run.wasiResolve,
                  "How paths are resolved beneath --dir directories: auto (default: openat2 with "
                  "RESOLVE_BENEATH, or the walk where the kernel lacks it), openat2, or walk (a "
                  "component-by-component walk; for testing)")
      ->check(CLI::IsMember({"auto", "openat2", "walk"}))
      ->type_name("MODE");
  run->add_option("-O,--opt-level", options.run.optLevel, "Optimisation level 0..3 (default 2)")
      ->check(CLI::Range(0, 3));
  run->add_option("-j,--jobs", options.run.jobs,
                  "Threads compiling parts of the module in parallel (default: one per hardware "
                  "thread; 1 compiles the module as one unit)")
      ->check(CLI::Range(1, 256));
  run->add_flag("--lazy", options.run.lazy,
                "Compile on the JIT in this process, each function when it is first called (a "
                "big module starts at once; the code is slower: no inlining, calls through "
                "stubs). Implies --no-cache.");
  addTierOptions(*run, options.run.tier, true);
  addLimitOptions(*run, options.run.limits, true);
  addFeatureOptions(*run, options.run.features);
  run->add_flag("--no-cache", options.run.noCache,
                "Neither read nor fill the compile cache ($XDG_CACHE_HOME/wasmc or ~/.cache/wasmc, "
                "keyed by module, wasmc build, options and CPU): the default tier is then tiered, "
                "and --tier llvm compiles the whole module on the JIT in this process");
  run->add_option("--profile", options.run.profile,
                  "perfmap: write /tmp/perf-PID.map, so that `perf report` names each compiled wasm "
                  "function (baseline, LLVM and loop entries)")
      ->check(CLI::IsMember({"perfmap"}))
      ->type_name("KIND");
  run->add_flag("--allow-precompiled", options.run.allowPrecompiled,
                "Run a .cwasm that was not compiled by you (not authenticated with your artifact key, "
                "see docs/TRUST-MODEL.md): its integrity is still checked (its digest), but its native code "
                "runs with your rights, unchecked by any sandbox. Use it only for artifacts you trust.");
  run->add_option("file", options.run.file, "The .wasm module, or a .cwasm from `wasmc compile`")
      ->required()
      ->type_name("FILE");
  std::vector<std::string> helpOnlyArgs;
  run->add_option("args", helpOnlyArgs,
                  "Arguments for the program, passed as written (options included; a `--` "
                  "right after FILE is dropped)")
      ->type_name("ARGS");

  BenchOptions& benchOptions = options.bench;
  benchOptions.programsDir = WASMC_BENCH_DIR;
  benchOptions.sightglassDir = WASMC_SIGHTGLASS_DIR;
  benchOptions.enginesDir = WASMC_BENCH_ENGINES_DIR;
  for (int i = 0; i < argc; ++i)
    benchOptions.commandLine += (i ? " " : "") + std::string(i ? argv[i] : "wasmc");
  CLI::App* bench = app.add_subcommand(
      "bench", "Measure compile, instantiate and execute time of benchmarks on wasmc and other engines; "
               "write results.json, table.md and chart.svg");
  bench->footer("With no MODULES, runs the suites: our C programs (plain and tuned wasm, and native) and the\n"
                "sightglass modules. Each run is checked against the expected output.\n"
                "Examples:\n"
                "  wasmc bench                                   # everything, 5 runs\n"
                "  wasmc bench --suite tuned --engine wasmc-aot,native --runs 3\n"
                "  wasmc bench --filter matmul,sqlite3 --out /tmp/b\n");
  bench->add_option("--suite", benchOptions.suites, "Suites: plain, tuned, sightglass (default: all three)")
      ->delimiter(',');
  bench->add_option("--engine", benchOptions.engines,
                    "Engines: wasmc-aot, wasmc-aot-epoch, wasmc-aot-fuel, wasmc-jit, wasmc-tiered, wasmc-baseline, "
                    "native, node, wasm2c, wasm-interp, or all (default: all installed but wasm-interp, "
                    "wasmc-baseline and the instrumented wasmc-aot-epoch and wasmc-aot-fuel)")
      ->delimiter(',');
  bench->add_option("--filter", benchOptions.filters, "Only benchmarks whose name contains one of these")
      ->delimiter(',');
  bench->add_option("--runs", benchOptions.runs, "Runs per benchmark and engine (default 5)")
      ->check(CLI::Range(1, 1000));
  bench->add_option("-O,--opt-level", benchOptions.optLevel, "wasmc optimisation level 0..3 (default 2)")
      ->check(CLI::Range(0, 3));
  bench->add_option("--timeout", benchOptions.timeoutSeconds, "Seconds one run may take (default 600)");
  bench->add_option("--out", benchOptions.outDir, "Directory for the results (default bench-results)");
  bench->add_option("--programs", benchOptions.programsDir, "Where the C programs are built")
      ->capture_default_str();
  bench->add_option("--sightglass", benchOptions.sightglassDir, "The sightglass modules")->capture_default_str();
  bench->add_option("--engines-dir", benchOptions.enginesDir, "The node and wasm2c runners")->capture_default_str();
  bench->add_flag("--instantiate", benchOptions.instantiate,
                  "Instead of running programs: instantiate each module given (compiled once, or a .cwasm), call "
                  "--invoke if given, and tear it down, --iterations times in this process; print the median, "
                  "99th percentile and rate (instantiate.md, instantiate.json in --out)");
  bench->add_option("--iterations", benchOptions.iterations, "With --instantiate: measured iterations (default 10000)")
      ->check(CLI::Range(1, 100000000));
  bench->add_option("--threads", benchOptions.threads,
                    "With --instantiate: also measure this many threads, each instantiating in its own loop")
      ->check(CLI::Range(1, 256));
  bench->add_option("--invoke", benchOptions.invoke,
                    "With --instantiate: the export to call in each instance (no arguments)");
  bench->add_flag("--no-memory-images", benchOptions.noMemoryImages,
                  "With --instantiate: copy each instance's data segments instead of mapping the module's "
                  "memory image (to compare the two)");
  bench->add_option("--memory-pool", benchOptions.memoryPool,
                    "With --instantiate: memories each module keeps, reset, for its next instances instead of "
                    "unmapping them (default 0: none)")
      ->check(CLI::Range(0, 1024));
  bench->add_option("modules", benchOptions.modules, "Benchmark these .wasm files instead of the suites");

  // For run, hand CLI11 only what comes up to FILE; the rest is the guest's.
  int parseCount = static_cast<int>(args.size());
  if (args.size() >= 2 && std::strcmp(args[1], "run") == 0) {
    int file = findRunFile(*run, parseCount, args.data(), 2);
    if (file < parseCount) {
      for (int i = file + 1; i < parseCount; ++i)
        options.run.args.push_back(args[i]);
      // A "--" right after FILE only separates wasmc's arguments from the guest's.
      if (!options.run.args.empty() && options.run.args.front() == "--")
        options.run.args.erase(options.run.args.begin());
      parseCount = file + 1;
    }
  }

  try {
    app.parse(parseCount, args.data());
  } catch (const CLI::ParseError& error) {
    int status = app.exit(error);
    result.exitStatus = status == 0 ? 0 : 2;
    return result;
  }

  if (wast->parsed()) {
    options.command = Options::Command::Wast;
    if (expectOption->count() > 0)
      options.wast.expectFailures = expectFailures;
  } else if (compile->parsed()) {
    options.command = Options::Command::Compile;
  } else if (run->parsed()) {
    options.command = Options::Command::Run;
  } else if (bench->parsed()) {
    options.command = Options::Command::Bench;
  } else if (cacheFill->parsed()) {
    options.command = Options::Command::CacheFill;
  } else {
    options.command = Options::Command::Validate;
  }
  return result;
}

} // namespace wasmc::tools
