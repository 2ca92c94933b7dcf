#include "tools/wasmc/Options.h"

#include <CLI/CLI.hpp>

#ifndef WASMC_VERSION
#error "WASMC_VERSION must be defined by the build"
#endif

namespace wasmc::tools {

ParsedCommandLine parseCommandLine(int argc, char** argv) {
  ParsedCommandLine result;
  Options& options = result.options;

  CLI::App app{"wasmc: a WebAssembly 2.0 runtime", "wasmc"};
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
  wast->add_option("files", options.wast.files, "Scripts to run")->required();

  CLI::App* validate =
      app.add_subcommand("validate", "Decode and validate a module; print its imports and exports");
  validate->add_option("file", options.validate.file, "The .wasm module")->required();

  CLI::App* compile = app.add_subcommand("compile", "Compile a module ahead of time to a .cwasm artifact");
  compile->add_option("file", options.compile.input, "The .wasm module")->required();
  compile->add_option("-o,--output", options.compile.output, "Output file (default: FILE with .cwasm)");
  compile->add_option("--emit", options.compile.emit, "Write an intermediate form instead: obj, asm or llvm")
      ->check(CLI::IsMember({"obj", "asm", "llvm"}));
  compile->add_option("--target-cpu", options.compile.targetCpu,
                      "CPU to compile for: native (default), generic, or an LLVM CPU name");
  compile->add_option("-O,--opt-level", options.compile.optLevel, "Optimisation level 0..3 (default 2)")
      ->check(CLI::Range(0, 3));

  try {
    app.parse(argc, argv);
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
  } else {
    options.command = Options::Command::Validate;
  }
  return result;
}

} // namespace wasmc::tools
