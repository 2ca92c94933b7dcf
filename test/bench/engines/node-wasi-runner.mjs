// node-wasi-runner.mjs: runs one WASI preview1 command module once under node
// (V8) for `wasmc bench`, and reports how long each phase took.
//
// Usage:
//   node --no-warnings --no-turbo-fast-api-calls node-wasi-runner.mjs \
//        [--dir DIR]... [--] MODULE.wasm [ARGS...]
//
// - Each --dir DIR is preopened under the same name (`--dir .` maps the
//   guest's "." to the host's "."); relative host paths are taken from the cwd.
// - The guest sees args = [basename(MODULE.wasm), ...ARGS] and an empty
//   environment. Its stdin/stdout/stderr are this process's fds 0/1/2,
//   written to directly by node:wasi, so its output passes through unchanged.
// - The module may import `bench.start` and `bench.end` ([] -> []), as the
//   sightglass modules do; both are always provided.
// - Exit status: the guest's WASI exit code (proc_exit value, 0 if _start
//   returned). A trap or any other failure prints a message on stderr and
//   exits with 134, without a report.
//
// Report: if WASMC_BENCH_REPORT names a file, one JSON object is written to it:
//   {"compile_ns":N,"instantiate_ns":N,"execute_ns":N,"bench_markers":B,"exit_code":N}
//   compile_ns      new WebAssembly.Module(bytes). With node 20's V8 defaults
//                   (--wasm-lazy-compilation, Liftoff baseline, dynamic
//                   tiering) this is mostly decoding and validation: each
//                   function is compiled when first called and re-optimised
//                   by TurboFan in background threads, so most compilation
//                   lands in execute_ns, as for any node user. V8 flags given
//                   to node (e.g. --no-wasm-lazy-compilation, --no-liftoff)
//                   move it into compile_ns.
//   instantiate_ns  new WebAssembly.Instance(module, imports)
//   execute_ns      bench.end - bench.start when the module called both
//                   (bench_markers true), else the whole wasi.start() call,
//                   i.e. _start (bench_markers false)
// All times come from process.hrtime.bigint() (monotonic). Reading the file
// and constructing the WASI object are not timed.
//
// Why --no-turbo-fast-api-calls (checked on node v20.20.2, the one installed
// here): once TurboFan optimises the wasm -> host call sites, node:wasi's
// functions are entered through V8 "fast API calls". uvwasi_fd_write then
// allocates through node's memory manager, which reports external memory to
// V8 (AdjustAmountOfExternalAllocatedMemory), which can start a garbage
// collection inside the fast call, where V8 does not expect one. That GC runs
// the weak callback of the WASI object (~WASI -> uvwasi_destroy) while
// fd_write still holds uvwasi's fd-table mutex, and uv_mutex_destroy aborts
// the process: SIGABRT (status 134), no message, no output. Keeping the WASI
// object referenced (as below) does not prevent it. Without the flag,
// build/bench/plain/{hash,memops,sieve,sort}.wasm and
// build/bench/tuned/{hash,memops}.wasm died this way on every run (the
// memory-heavy ones: the GC is driven by external-memory pressure); with the
// flag all 15 plain and 15 tuned programs print exactly what their native
// builds print. (Core-dump backtrace: WASI::WasiFunction<...FdWrite...>::
// FastCallback -> uvwasi_fd_write -> NgLibMemoryManager::MallocImpl ->
// Heap::CollectGarbage -> InvokeFirstPassWeakCallbacks -> WASI::~WASI ->
// uvwasi_fd_table_free -> uv_mutex_destroy -> abort.) The flag only makes
// host calls take V8's regular API-call path; the wasm code is compiled the
// same way.
//
// The WASI object is nevertheless kept in a module-level binding and used
// again after _start returns, so that nothing else can collect it early.

import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import process from 'node:process';
import { WASI } from 'node:wasi';

function usage(message) {
  process.stderr.write(`node-wasi-runner: ${message}\n` +
    'usage: node --no-warnings --no-turbo-fast-api-calls node-wasi-runner.mjs ' +
    '[--dir DIR]... [--] MODULE.wasm [ARGS...]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const dirs = [];
  let i = 0;
  for (; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--') { ++i; break; }
    if (a === '--dir') {
      if (i + 1 >= argv.length) usage('--dir needs a directory');
      dirs.push(argv[++i]);
    } else if (a.startsWith('--dir=')) {
      dirs.push(a.slice('--dir='.length));
    } else if (a.startsWith('--')) {
      usage(`unknown option ${a}`);
    } else {
      break;
    }
  }
  if (i >= argv.length) usage('no module given');
  return { dirs, module: argv[i], args: argv.slice(i + 1) };
}

const now = () => process.hrtime.bigint();
const opts = parseArgs(process.argv.slice(2));

let bytes;
try {
  bytes = readFileSync(opts.module);
} catch (e) {
  usage(`cannot read ${opts.module}: ${e.message}`);
}

const preopens = {};
for (const dir of opts.dirs) preopens[dir] = dir;

// Module-level binding: stays reachable for the whole run (see the header).
let wasi = new WASI({
  version: 'preview1',
  args: [basename(opts.module), ...opts.args],
  env: {},
  preopens,
  returnOnExit: true,
});

// bench.start / bench.end: each call records the time (the last call wins),
// like wasmc's own BenchMarkers.
let benchStart = 0n;
let benchEnd = 0n;
const benchImports = {
  start() { benchStart = now(); },
  end() { benchEnd = now(); },
};

let compileNs, instantiateNs, executeNs, exitCode;
try {
  const t0 = now();
  const module = new WebAssembly.Module(bytes);
  const t1 = now();
  const instance = new WebAssembly.Instance(module, {
    wasi_snapshot_preview1: wasi.wasiImport,
    bench: benchImports,
  });
  const t2 = now();
  exitCode = wasi.start(instance);
  const t3 = now();
  compileNs = t1 - t0;
  instantiateNs = t2 - t1;
  executeNs = t3 - t2;
  if (typeof exitCode !== 'number') exitCode = 0;
} catch (e) {
  // RangeError: V8's stack limit (about 1 MB by default) hit by wasm recursion.
  const what = e instanceof WebAssembly.RuntimeError || e instanceof RangeError ? 'trap' : 'error';
  process.stderr.write(`node-wasi-runner: ${what}: ${e && e.stack ? e.stack : e}\n`);
  process.exit(134);
}

const benchMarkers = benchStart !== 0n && benchEnd >= benchStart;
if (benchMarkers) executeNs = benchEnd - benchStart;

const reportPath = process.env.WASMC_BENCH_REPORT;
if (reportPath) {
  const report = `{"compile_ns":${compileNs},"instantiate_ns":${instantiateNs},` +
    `"execute_ns":${executeNs},"bench_markers":${benchMarkers},"exit_code":${exitCode}}\n`;
  try {
    writeFileSync(reportPath, report);
  } catch (e) {
    process.stderr.write(`node-wasi-runner: cannot write the report ${reportPath}: ${e.message}\n`);
    process.exit(134);
  }
}

// Last use of the WASI object: it must not be collected before this point.
wasi = null;
process.exit(exitCode & 0xff);
