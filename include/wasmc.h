// wasmc.h: what embedders need beyond the standard C API (wasm.h).
//
// Everything here works on wasm.h's objects (engine, store, module,
// instance, func, extern, trap). Functions that can fail return an owned
// wasmc_error_t* (NULL on success) and hand results back through `out`
// parameters; a wasm trap is a wasm_trap_t*, never an error.
//
// Stability: the names below are wasmc's API from 0.1 on. New settings
// (fuel, deadlines, resource limits) are added as new functions on
// wasm_config_t and wasm_store_t; nothing here changes shape for them.

#ifndef WASMC_H
#define WASMC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

// --- errors ----------------------------------------------------------------

/// Why an operation failed: what, where (byte offset, function index or file
/// when known) in one message.
typedef struct wasmc_error_t wasmc_error_t;

typedef uint8_t wasmc_error_kind_t;
enum wasmc_error_kind_enum {
  WASMC_ERROR_MALFORMED,      // not a well-formed binary
  WASMC_ERROR_INVALID,        // does not validate
  WASMC_ERROR_UNSUPPORTED,    // a feature or limit wasmc does not support
  WASMC_ERROR_UNLINKABLE,     // an import is missing or of the wrong type
  WASMC_ERROR_UNINSTANTIABLE, // a segment does not fit, or the start function trapped
  WASMC_ERROR_ARTIFACT,       // a serialized module was refused (corrupted, foreign, other wasmc)
  WASMC_ERROR_IO,             // a file or system call failed
  WASMC_ERROR_USAGE,          // a wrong argument to this API
};

WASM_API_EXTERN void wasmc_error_delete(wasmc_error_t*);
WASM_API_EXTERN wasmc_error_kind_t wasmc_error_kind(const wasmc_error_t*);
/// The message, NUL-terminated (the terminator is counted in `out->size`).
WASM_API_EXTERN void wasmc_error_message(const wasmc_error_t*, wasm_name_t* out);
/// The byte offset in the module the error is about, or SIZE_MAX.
WASM_API_EXTERN size_t wasmc_error_offset(const wasmc_error_t*);

// --- value kinds ------------------------------------------------------------

/// The kind wasm_valtype_kind reports for v128 (wasm.h has none). A
/// wasm_val_t cannot hold one: functions with v128 parameters or results
/// cannot be called through wasm_func_call (it returns a trap saying so).
#define WASMC_V128 ((wasm_valkind_t)4)

// --- configuration ----------------------------------------------------------

/// How modules are compiled. LLVM (the default): optimised code, compiled
/// before the module is returned. BASELINE: wasmc's single-pass compiler,
/// fast to compile, slower code. TIERED: baseline first, hot functions
/// recompiled by LLVM in the background.
typedef uint8_t wasmc_tier_t;
enum wasmc_tier_enum {
  WASMC_TIER_LLVM,
  WASMC_TIER_BASELINE,
  WASMC_TIER_TIERED,
};

WASM_API_EXTERN void wasmc_config_tier_set(wasm_config_t*, wasmc_tier_t);
/// LLVM's optimisation level, 0..3 (default 2). Returns false for others.
WASM_API_EXTERN bool wasmc_config_opt_level_set(wasm_config_t*, uint32_t level);
/// "native" (default), "generic" (any x86-64) or an LLVM CPU name.
WASM_API_EXTERN void wasmc_config_target_cpu_set(wasm_config_t*, const char* cpu);
/// Keep compiled modules in the user's cache (~/.cache/wasmc), so that the
/// same module compiles once per machine (LLVM tier only; default off).
WASM_API_EXTERN void wasmc_config_cache_set(wasm_config_t*, bool enabled);
/// Memories each module keeps for its next instances (default 0): when a
/// store goes, its instances' memories are reset (their data segments'
/// image back, the rest zero, grown pages inaccessible) and kept, and the
/// module's next instance takes one instead of mapping a new one: faster
/// instantiation for hosts that make an instance per request, at the cost
/// of address space (8 GiB of reservation each; no memory is kept).
WASM_API_EXTERN void wasmc_config_memory_pool_set(wasm_config_t*, uint32_t memories);
/// Compiler threads for one module: 0 = one per core (default).
WASM_API_EXTERN void wasmc_config_compile_threads_set(wasm_config_t*, uint32_t threads);
/// Switches a WebAssembly feature past 2.0 on or off by name, as `wasmc
/// --wasm NAME=y|n` does: "extended-const", "gc", "relaxed-simd",
/// "tail-call" (docs/WASM-3.0.md). All are on by default; a module that uses
/// one switched off does not compile (nor validate, with
/// wasm_module_validate), with an error naming the feature. Returns false,
/// changing nothing, for a name wasmc does not know.
WASM_API_EXTERN bool wasmc_config_wasm_feature_set(wasm_config_t*, const char* name, bool enabled);
/// Loops check for interrupts too (default off: then only function entries
/// do, and a loop without calls runs on). Costs a load, a compare and a
/// branch per loop iteration.
WASM_API_EXTERN void wasmc_config_interruptible_set(wasm_config_t*, bool enabled);

// --- interruption -------------------------------------------------------------
// An interrupted store's running wasm stops at its next function entry (or
// loop header, when compiled interruptible) with a trap of code
// WASMC_TRAP_INTERRUPT, and a WASI call blocked in poll_oneoff or a read
// from a pipe or socket within 20 ms. If no wasm runs, the next call into
// the store traps so. The store stays usable: later calls run normally.

/// Callable from any thread (not from a signal handler).
WASM_API_EXTERN void wasmc_store_interrupt(wasm_store_t*);
/// Interrupts the store `ns` nanoseconds from now (a thread of its own
/// waits); replaces an earlier timeout; 0 cancels it.
WASM_API_EXTERN void wasmc_store_set_timeout(wasm_store_t*, uint64_t ns);
/// The engine's epoch: a counter any thread advances. A store whose epoch
/// deadline the counter reaches is interrupted. Incrementing is lock-free
/// and async-signal-safe (a SIGALRM handler may call it): one atomic add,
/// and a write to an eventfd when a deadline falls due, which wakes the
/// engine's epoch thread to interrupt the store.
WASM_API_EXTERN void wasmc_engine_increment_epoch(wasm_engine_t*);
WASM_API_EXTERN uint64_t wasmc_engine_epoch(const wasm_engine_t*);
/// Interrupts the store once the engine's epoch has advanced `ticks` from
/// now (0 cancels).
WASM_API_EXTERN void wasmc_store_set_epoch_deadline(wasm_store_t*, uint64_t ticks);
/// Called when the store's epoch deadline falls due, instead of
/// interrupting it at once: returns the ticks to extend the deadline by
/// (the store's wasm runs on, undisturbed), or 0 to interrupt the store.
/// It runs on the engine's epoch thread (or, if that thread could not be
/// started, in wasmc_engine_increment_epoch) while the store's wasm may be
/// running on another thread, and with the engine's deadline lock held: it
/// may read the epoch and increment it, but must not call into the store
/// or set deadlines or callbacks. `finalizer` (may be NULL) gets `env` when
/// the callback is replaced or removed (callback NULL) or the store is
/// deleted.
typedef uint64_t (*wasmc_epoch_deadline_callback_t)(void* env);
WASM_API_EXTERN void wasmc_store_set_epoch_deadline_callback(wasm_store_t*, wasmc_epoch_deadline_callback_t callback,
                                                             void* env, void (*finalizer)(void*));

// --- fuel -------------------------------------------------------------------
// Deterministic metering: code compiled with consume_fuel pays for the wasm
// it runs from its store's fuel (about one unit per instruction; the exact
// rule is in docs/LIMITS.md) and traps with WASMC_TRAP_OUT_OF_FUEL at a
// function entry or loop header once the fuel is below zero. The counts
// are the same in every tier and at every optimisation level.

/// Compile to consume fuel (default off: then the code is what it was).
WASM_API_EXTERN void wasmc_config_consume_fuel_set(wasm_config_t*, bool enabled);
/// Sets the fuel left (at most INT64_MAX; false otherwise). A store starts
/// with none: code that consumes fuel traps at once until it gets some.
WASM_API_EXTERN bool wasmc_store_set_fuel(wasm_store_t*, uint64_t fuel);
/// The fuel left: negative when the code overdrew it (it runs on to the
/// next function entry or loop header before it traps).
WASM_API_EXTERN int64_t wasmc_store_fuel(const wasm_store_t*);
/// Called where code would trap because the fuel ran out (a function entry
/// or loop header with the fuel below zero), on the wasm's thread, inside
/// the call: returns the fuel to add, and is asked again while the fuel is
/// still below zero. Once it is not, the code goes on; when the callback
/// returns 0 instead, the code traps WASMC_TRAP_OUT_OF_FUEL. Called at the same points, with the same fuel,
/// in every tier, so the runs stay deterministic. It must not call into
/// the store, nor read or write its memories, tables or globals (the
/// compiled code keeps values of them across the call). `finalizer` (may be NULL) gets `env` when the callback is
/// replaced or removed (callback NULL) or the store is deleted.
typedef uint64_t (*wasmc_refuel_callback_t)(void* env);
WASM_API_EXTERN void wasmc_store_set_refuel_callback(wasm_store_t*, wasmc_refuel_callback_t callback, void* env,
                                                     void (*finalizer)(void*));

// --- resource limits ----------------------------------------------------------
// What a store may hold (as `wasmc run -W max-*`). A memory.grow or
// table.grow past a limit returns -1 to the guest (or traps with
// WASMC_TRAP_GROW_FAILED, see below); creating or instantiating past one
// fails with an error that names the limit. Limits apply to what is
// created or grown after the call.

/// A negative value keeps the default: memory_size 4 GiB (any one memory,
/// bytes), table_elements 10,000,000 (any one table; all tables of the
/// store together hold at most 10,000,000), instances unbounded, tables
/// and memories 10,000 each.
WASM_API_EXTERN void wasmc_store_limiter(wasm_store_t*, int64_t memory_size, int64_t table_elements,
                                         int64_t instances, int64_t tables, int64_t memories);
/// A failed memory.grow or table.grow traps instead of returning -1.
WASM_API_EXTERN void wasmc_store_trap_on_grow_failure(wasm_store_t*, bool enabled);
/// Bytes of stack the wasm frames of one call into the store may use (0:
/// the thread's stack less a reserve for host functions). Past it, a call
/// traps with WASMC_TRAP_STACK_OVERFLOW.
WASM_API_EXTERN void wasmc_store_max_wasm_stack(wasm_store_t*, size_t bytes);

// --- modules ----------------------------------------------------------------

/// wasm_module_new with the reason when it fails.
WASM_API_EXTERN wasmc_error_t* wasmc_module_new(wasm_store_t*, const uint8_t* bytes, size_t size,
                                                wasm_module_t** out);
/// wasm_module_validate with the reason.
WASM_API_EXTERN wasmc_error_t* wasmc_module_validate(const uint8_t* bytes, size_t size);
/// The module as a .cwasm (native code, authenticated with the user's key,
/// as `wasmc compile` writes it; see docs/TRUST-MODEL.md).
WASM_API_EXTERN wasmc_error_t* wasmc_module_serialize(const wasm_module_t*, wasm_byte_vec_t* out);
/// Loads what wasmc_module_serialize (or `wasmc compile`) made for this
/// user. Anything else (corrupted, made by another user or another wasmc,
/// for another CPU) is an error, never run.
WASM_API_EXTERN wasmc_error_t* wasmc_module_deserialize(wasm_store_t*, const uint8_t* bytes, size_t size,
                                                        wasm_module_t** out);
WASM_API_EXTERN wasmc_error_t* wasmc_module_deserialize_file(wasm_store_t*, const char* path,
                                                             wasm_module_t** out);

// --- traps and frames -------------------------------------------------------

typedef uint8_t wasmc_trap_code_t;
enum wasmc_trap_code_enum {
  WASMC_TRAP_UNREACHABLE = 1,
  WASMC_TRAP_MEMORY_OUT_OF_BOUNDS,
  WASMC_TRAP_INTEGER_DIVIDE_BY_ZERO,
  WASMC_TRAP_INTEGER_OVERFLOW,
  WASMC_TRAP_BAD_CONVERSION_TO_INTEGER,
  WASMC_TRAP_INDIRECT_CALL_TO_NULL,
  WASMC_TRAP_BAD_SIGNATURE,
  WASMC_TRAP_TABLE_OUT_OF_BOUNDS,
  WASMC_TRAP_STACK_OVERFLOW,
  WASMC_TRAP_HOST,  // a host function returned a trap (or the embedder misused wasm_func_call)
  WASMC_TRAP_EXIT,  // WASI proc_exit: see wasmc_trap_exit_status
  WASMC_TRAP_INTERRUPT, // the store was interrupted (wasmc_store_interrupt, a deadline)
  WASMC_TRAP_GROW_FAILED, // memory.grow or table.grow failed with trap-on-grow-failure set
  WASMC_TRAP_OUT_OF_FUEL, // the store's fuel ran out
  WASMC_TRAP_OTHER,
};

WASM_API_EXTERN wasmc_trap_code_t wasmc_trap_code(const wasm_trap_t*);
/// For WASMC_TRAP_EXIT: the status the guest passed to proc_exit. False
/// for any other trap.
WASM_API_EXTERN bool wasmc_trap_exit_status(const wasm_trap_t*, int32_t* status);
/// The function's name from the module's name section; an empty name when
/// it has none.
WASM_API_EXTERN void wasmc_frame_func_name(const wasm_frame_t*, wasm_name_t* out);

// --- WASI -------------------------------------------------------------------

/// How a WASI guest sees the world. By default: no arguments, no
/// environment, no directories, the host's stdin, stdout and stderr.
typedef struct wasmc_wasi_config_t wasmc_wasi_config_t;

WASM_API_EXTERN wasmc_wasi_config_t* wasmc_wasi_config_new(void);
WASM_API_EXTERN void wasmc_wasi_config_delete(wasmc_wasi_config_t*);
/// argv as the guest sees it, argv[0] included.
WASM_API_EXTERN void wasmc_wasi_config_set_argv(wasmc_wasi_config_t*, size_t argc, const char* const argv[]);
WASM_API_EXTERN void wasmc_wasi_config_inherit_argv(wasmc_wasi_config_t*);
/// The environment: `names[i]=values[i]`.
WASM_API_EXTERN void wasmc_wasi_config_set_env(wasmc_wasi_config_t*, size_t count, const char* const names[],
                                               const char* const values[]);
WASM_API_EXTERN void wasmc_wasi_config_inherit_env(wasmc_wasi_config_t*);
/// Gives the guest the host directory `host_path` as `guest_path`. Paths
/// never resolve outside it (no "..", absolute path or symlink escapes).
/// Read-only: nothing beneath it can be created, written, renamed or removed.
WASM_API_EXTERN bool wasmc_wasi_config_preopen_dir(wasmc_wasi_config_t*, const char* host_path,
                                                   const char* guest_path, bool read_only);

WASM_API_EXTERN void wasmc_wasi_config_set_stdin_bytes(wasmc_wasi_config_t*, const wasm_byte_vec_t* bytes);
/// False when the file cannot be opened.
WASM_API_EXTERN bool wasmc_wasi_config_set_stdin_file(wasmc_wasi_config_t*, const char* path);
WASM_API_EXTERN void wasmc_wasi_config_inherit_stdin(wasmc_wasi_config_t*);
/// Output to a file (created or truncated; false when it cannot be), to a
/// buffer (read with wasmc_linker_wasi_output), or the host's own.
WASM_API_EXTERN bool wasmc_wasi_config_set_stdout_file(wasmc_wasi_config_t*, const char* path);
WASM_API_EXTERN void wasmc_wasi_config_set_stdout_buffer(wasmc_wasi_config_t*);
WASM_API_EXTERN void wasmc_wasi_config_inherit_stdout(wasmc_wasi_config_t*);
WASM_API_EXTERN bool wasmc_wasi_config_set_stderr_file(wasmc_wasi_config_t*, const char* path);
WASM_API_EXTERN void wasmc_wasi_config_set_stderr_buffer(wasmc_wasi_config_t*);
WASM_API_EXTERN void wasmc_wasi_config_inherit_stderr(wasmc_wasi_config_t*);

// --- linking ----------------------------------------------------------------

/// Imports by (module, name): host functions, objects of the store, whole
/// instances, and WASI. One linker belongs to one store.
typedef struct wasmc_linker_t wasmc_linker_t;

WASM_API_EXTERN wasmc_linker_t* wasmc_linker_new(wasm_store_t*);
WASM_API_EXTERN void wasmc_linker_delete(wasmc_linker_t*);
/// Defines (module, name) as `item` (borrowed: the linker keeps its own
/// reference). A second definition of the same name replaces the first.
WASM_API_EXTERN wasmc_error_t* wasmc_linker_define(wasmc_linker_t*, const char* module, const char* name,
                                                   const wasm_extern_t* item);
/// Every export of `instance` as (module, export name).
WASM_API_EXTERN wasmc_error_t* wasmc_linker_define_instance(wasmc_linker_t*, const char* module,
                                                            const wasm_instance_t* instance);
/// wasi_snapshot_preview1, configured by `config` (which the linker takes
/// over; NULL for the defaults). At most once per linker.
WASM_API_EXTERN wasmc_error_t* wasmc_linker_define_wasi(wasmc_linker_t*, wasmc_wasi_config_t* config);
/// Instantiates `module` with its imports resolved by name. An unknown
/// import is an error naming it. A trap in the start function (or a WASI
/// command's proc_exit there) is returned in `*trap`, with a NULL instance
/// and no error. WASI guests get the instance's exported "memory".
WASM_API_EXTERN wasmc_error_t* wasmc_linker_instantiate(wasmc_linker_t*, const wasm_module_t* module,
                                                        wasm_instance_t** out, wasm_trap_t** trap);
/// The extern defined as (module, name), or NULL.
WASM_API_EXTERN wasm_extern_t* wasmc_linker_get(const wasmc_linker_t*, const char* module, const char* name);
/// What the WASI guest wrote to a buffered stdout (fd 1) or stderr (fd 2)
/// so far. False when that stream is not a buffer.
WASM_API_EXTERN bool wasmc_linker_wasi_output(const wasmc_linker_t*, int fd, wasm_byte_vec_t* out);

/// Runs a WASI command: its "_start" export. Returns the exit status (0 when
/// _start returns, the proc_exit status otherwise); a trap other than exit
/// goes to `*trap` (status 1).
WASM_API_EXTERN int32_t wasmc_instance_run_wasi_command(const wasm_instance_t*, wasm_trap_t** trap);

// --- host functions that see their caller ------------------------------------

/// The instance a host function is called from: its exports and memory,
/// valid only during the call. Precisely: the instance of the wasm function
/// the embedder called on this thread; when that function calls into
/// another instance which calls the host, the caller is still the first.
typedef struct wasmc_caller_t wasmc_caller_t;

typedef wasm_trap_t* (*wasmc_func_callback_t)(void* env, wasmc_caller_t* caller, const wasm_val_vec_t* args,
                                              wasm_val_vec_t* results);

WASM_API_EXTERN wasm_func_t* wasmc_func_new(wasm_store_t*, const wasm_functype_t*, wasmc_func_callback_t,
                                            void* env, void (*finalizer)(void*));
/// The caller's export `name` (an owned handle), or NULL (no such export,
/// or the host function was called by the embedder, not from wasm).
WASM_API_EXTERN wasm_extern_t* wasmc_caller_export_get(wasmc_caller_t*, const char* name);
/// The caller's exported "memory", or NULL.
WASM_API_EXTERN wasm_memory_t* wasmc_caller_memory(wasmc_caller_t*);
/// The store the host function is called in (for a wasmc_linker_define_func
/// function, whichever store instantiated the caller).
WASM_API_EXTERN wasm_store_t* wasmc_caller_store(const wasmc_caller_t*);

// --- pre-linked modules ------------------------------------------------------

/// A host function for every store (Wasmtime's wasmtime_linker_define_func):
/// no store owns it, so modules that import it can be pre-linked. Each store
/// that instantiates such a module gets its own function object for it;
/// `caller` names that store and the calling instance. `finalizer(env)`
/// runs when the linker and every store that used it are gone.
WASM_API_EXTERN wasmc_error_t* wasmc_linker_define_func(wasmc_linker_t*, const char* module, const char* name,
                                                        const wasm_functype_t* type, wasmc_func_callback_t callback,
                                                        void* env, void (*finalizer)(void*));

/// A module whose imports are resolved and type-checked once (Wasmtime's
/// InstancePre), to be instantiated in any number of stores of the
/// linker's engine without name lookups. Every import must be a
/// wasmc_linker_define_func function or, when the linker has WASI, a
/// wasi_snapshot_preview1 function; objects of one store (wasm_func_new's
/// functions, memories, tables, globals, instances) cannot be shared.
typedef struct wasmc_instance_pre_t wasmc_instance_pre_t;

WASM_API_EXTERN wasmc_error_t* wasmc_linker_instantiate_pre(const wasmc_linker_t*, const wasm_module_t* module,
                                                            wasmc_instance_pre_t** out);
/// Instantiates in `store` (of the same engine). A module that imports WASI
/// uses the store's own WASI context: made from `wasi` (taken over; it
/// replaces the store's context for all its instances), or, with NULL, the
/// one the store has, or the defaults. A trap in the start function goes to
/// `*trap` (no error, `*out` NULL), as wasmc_linker_instantiate.
WASM_API_EXTERN wasmc_error_t* wasmc_instance_pre_instantiate(const wasmc_instance_pre_t*, wasm_store_t* store,
                                                              wasmc_wasi_config_t* wasi, wasm_instance_t** out,
                                                              wasm_trap_t** trap);
WASM_API_EXTERN void wasmc_instance_pre_delete(wasmc_instance_pre_t*);
/// What the store's WASI guest wrote to a buffered stdout (fd 1) or stderr
/// (2), as wasmc_linker_wasi_output.
WASM_API_EXTERN bool wasmc_store_wasi_output(const wasm_store_t*, int fd, wasm_byte_vec_t* out);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // WASMC_H
