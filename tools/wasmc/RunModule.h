#pragma once
// Running a compiled module as a WASI program (no LLVM needed): what `wasmc
// run` does after loading, and what standalone executables do.

#include "runtime/CompiledModule.h"
#include "tools/wasmc/Options.h"

#include <memory>

namespace wasmc::tools {

/// Links WASI configured from `options` (args, env, dirs, sockets),
/// instantiates `module` and runs it: _start, _initialize, or
/// `options.invoke` with arguments parsed from `options.args` (results
/// printed one per line). Returns the process exit status: the guest's
/// proc_exit code, 0, or 1 after printing an error or trap to stderr.
/// bench.start / bench.end (sightglass's timers) are provided. When the
/// environment names a file in WASMC_BENCH_REPORT, the PhaseTimes of the run
/// (with `compileNs`, what loading or compiling the module took) go there.
int runModule(std::shared_ptr<const rt::CompiledModule> module, const RunCommandOptions& options,
              uint64_t compileNs = 0);

} // namespace wasmc::tools
