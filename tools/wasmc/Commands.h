#pragma once
// The subcommands main() dispatches to; each returns the process exit status.

#include "compiler/wasm/Error.h"
#include "tools/wasmc/Options.h"

#include <cstdio>
#include <string>

namespace wasmc::tools {

/// Runs spec scripts; prints failures and "N passed, N failed, N skipped" last.
int runWastCommand(const WastOptions& options);

/// Decodes and validates a module, then prints its imports and exports.
int runValidateCommand(const ValidateOptions& options);

/// Compiles a module ahead of time to a .cwasm (or --emit form).
int runCompileCommand(const CompileOptions& options);

/// Runs a WASI command (_start), a reactor (_initialize), or with --invoke
/// one export; returns the guest's exit status (1 for a trap or bad input).
int runRunCommand(const RunCommandOptions& options);

/// Measures benchmarks on several engines; writes JSON, a table and a chart.
int runBenchCommand(const BenchOptions& options);

/// wasmc cache-fill (hidden; CacheFill.h): compiles FILE into the compile
/// cache at low priority. 0 on success.
int runCacheFillCommand(const CacheFillOptions& options);

/// The one-line form of every bad-input report: "wasmc: error: FILE: ...".
inline void reportError(const std::string& file, const Error& error) {
  std::fprintf(stderr, "wasmc: error: %s: %s\n", file.c_str(), error.describe().c_str());
}

} // namespace wasmc::tools
