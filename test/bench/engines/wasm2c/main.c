/* main.c: the host program of a wasm2c-built benchmark executable (see
 * build-wasm2c.sh). Runs the module's _start once, like node-wasi-runner.mjs:
 *
 *   OUTPUT_EXE [ARGS...]
 *
 * - The guest sees args = [basename of the original MODULE.wasm, ARGS...] and
 *   an empty environment; its stdio is this process's fds 0/1/2.
 * - WASMC_BENCH_DIRS: colon-separated directories to preopen, each under its
 *   own name (default "."; empty: none).
 * - bench.start / bench.end record CLOCK_MONOTONIC (the last call wins).
 * - Exit status: the guest's exit code (proc_exit value, 0 if _start returned).
 *   A trap prints "wasm2c: trap: ..." on stderr and exits with 134, without
 *   a report; a setup failure also exits with 134.
 * - WASMC_BENCH_REPORT: if set, names the file that gets
 *   {"compile_ns":0,"instantiate_ns":N,"execute_ns":N,"bench_markers":B,"exit_code":N}
 *   compile_ns is 0: translation and C compilation happened at build time and
 *   the caller measures them. instantiate_ns covers Z_guest_init_module()
 *   (function-type registration) and Z_guest_instantiate() (memory, tables,
 *   globals, data and element segments). execute_ns is bench.end -
 *   bench.start when the module called both, else the _start call.
 *
 * guest.h and guest-imports.h are generated next to the module's C code by
 * build-wasm2c.sh (the module is always translated under the name "guest").
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* before guest.h, which build-wasm2c.sh may -include */
#endif
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasm-rt-impl.h"
#include "wasm-rt.h"

#include "guest.h"
#include "wasi-shim.h"

struct Z_bench_instance_t {
  uint64_t start_ns, end_ns;
};

static struct Z_bench_instance_t g_bench;
static struct Z_wasi_snapshot_preview1_instance_t g_wasi;
static Z_guest_instance_t g_guest;
static sigjmp_buf g_exit_jmp;
/* Written between sigsetjmp and siglongjmp: globals, not locals. */
static uint64_t g_exec_start, g_exec_end;

#include "guest-imports.h" /* GUEST_MODULE_NAME, GUEST_INSTANTIATE(instance) */

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Defined whether or not the module imports them. */
void Z_benchZ_start(struct Z_bench_instance_t* bench) { bench->start_ns = now_ns(); }
void Z_benchZ_end(struct Z_bench_instance_t* bench) { bench->end_ns = now_ns(); }

static int write_report(const char* path, uint64_t instantiate_ns, uint64_t execute_ns, int markers,
                        uint32_t exit_code) {
  FILE* f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "wasm2c: cannot write the report %s: %s\n", path, strerror(errno));
    return -1;
  }
  fprintf(f, "{\"compile_ns\":0,\"instantiate_ns\":%llu,\"execute_ns\":%llu,\"bench_markers\":%s,\"exit_code\":%u}\n",
          (unsigned long long)instantiate_ns, (unsigned long long)execute_ns, markers ? "true" : "false",
          exit_code);
  if (fclose(f) != 0) {
    fprintf(stderr, "wasm2c: cannot write the report %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

int main(int argc, char** argv) {
  /* Guest argv: the module's name, then our arguments. */
  char** guest_argv = calloc((size_t)argc + 1, sizeof *guest_argv);
  if (!guest_argv)
    return 134;
  guest_argv[0] = (char*)GUEST_MODULE_NAME;
  for (int i = 1; i < argc; ++i)
    guest_argv[i] = argv[i];
  static char* empty_env[] = {NULL};

  char error[512];
  if (wasi_shim_init(&g_wasi, argc, guest_argv, 0, empty_env, getenv("WASMC_BENCH_DIRS"), error,
                     sizeof error) != 0) {
    fprintf(stderr, "wasm2c: %s\n", error);
    return 134;
  }

  wasm_rt_init(); /* installs the SIGSEGV handler that turns guard-page hits into traps */

  uint64_t t0 = now_ns();
  int trap = wasm_rt_impl_try();
  if (trap != 0) {
    fprintf(stderr, "wasm2c: trap during instantiation: %s\n", wasm_rt_strerror((wasm_rt_trap_t)trap));
    return 134;
  }
  Z_guest_init_module();
  GUEST_INSTANTIATE(&g_guest);
  uint64_t t1 = now_ns();
  g_wasi.memory = Z_guestZ_memory(&g_guest);

  trap = wasm_rt_impl_try();
  if (trap != 0) {
    fprintf(stderr, "wasm2c: trap: %s\n", wasm_rt_strerror((wasm_rt_trap_t)trap));
    return 134;
  }
  g_wasi.exit_target = &g_exit_jmp;
  if (sigsetjmp(g_exit_jmp, 0) == 0) {
    g_exec_start = now_ns();
    Z_guestZ__start(&g_guest);
    g_exec_end = now_ns();
    g_wasi.exit_code = 0;
  } else {
    g_exec_end = now_ns(); /* proc_exit */
  }
  g_wasi.exit_target = NULL;
  uint32_t exit_code = g_wasi.exit_code;

  int markers = g_bench.start_ns != 0 && g_bench.end_ns >= g_bench.start_ns;
  uint64_t execute_ns = markers ? g_bench.end_ns - g_bench.start_ns : g_exec_end - g_exec_start;

  Z_guest_free(&g_guest);
  wasi_shim_free(&g_wasi);
  wasm_rt_free(); /* and the signal handler: no more traps from here on */

  const char* report = getenv("WASMC_BENCH_REPORT");
  if (report && *report && write_report(report, t1 - t0, execute_ns, markers, exit_code) != 0)
    return 134;
  return (int)(exit_code & 0xff);
}
