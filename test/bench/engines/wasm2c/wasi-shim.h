/* wasi-shim.h: a small wasi_snapshot_preview1 host for modules translated by
 * wasm2c 1.0.32 (wabt), written for `wasmc bench`'s wasm2c engine.
 *
 * wasm2c 1.0.32 turns an import "wasi_snapshot_preview1" "NAME" into a call of
 *   RESULT Z_wasi_snapshot_preview1Z_NAME(struct Z_wasi_snapshot_preview1_instance_t*, PARAMS...)
 * with i32 -> u32 and i64 -> u64, and leaves the instance struct to the
 * embedder; this header defines it. wasi-shim.c defines all 46 preview1
 * functions, so whatever subset a module imports links. Guest pointers are
 * bounds-checked against the memory's current size on every access
 * (EFAULT = 21 otherwise). Not a security sandbox beyond that: paths are
 * resolved beneath the preopened directories with openat2(RESOLVE_BENEATH).
 */
#ifndef WASMC_BENCH_WASI_SHIM_H
#define WASMC_BENCH_WASI_SHIM_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm-rt.h"

#ifdef __cplusplus
extern "C" {
#endif

struct wasi_shim_fd; /* one guest file descriptor, private to wasi-shim.c */

struct Z_wasi_snapshot_preview1_instance_t {
  /* The guest's exported memory; set once the module is instantiated. Every
   * call reads data/size afresh (memory.grow changes size). */
  wasm_rt_memory_t* memory;
  /* argv and environ as the guest sees them (environ: "NAME=VALUE"). */
  int argc;
  char** argv;
  int envc;
  char** envp;
  /* Guest fd table: index = guest fd. 0-2 are the host's stdio, then the
   * preopened directories, then whatever path_open returns. */
  struct wasi_shim_fd* fds;
  uint32_t fd_count;
  /* proc_exit stores the code here and siglongjmps to exit_target (or calls
   * exit() if exit_target is NULL). */
  sigjmp_buf* exit_target;
  uint32_t exit_code;
};

/* Sets up `wasi` with the guest's args and environment (both copied by
 * reference: they must outlive the run) and preopens every directory of the
 * colon-separated `dirs` under its own name, e.g. "." or "data:/tmp/x".
 * NULL means "."; "" means no preopens. Returns 0, or -1 after writing a
 * message to `error`. */
int wasi_shim_init(struct Z_wasi_snapshot_preview1_instance_t* wasi, int argc, char** argv, int envc,
                   char** envp, const char* dirs, char* error, size_t error_size);

/* Closes every guest fd above 2. */
void wasi_shim_free(struct Z_wasi_snapshot_preview1_instance_t* wasi);

#ifdef __cplusplus
}
#endif

#endif /* WASMC_BENCH_WASI_SHIM_H */
