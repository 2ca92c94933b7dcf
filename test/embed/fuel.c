// Fuel counts through wasmc.h: runs every `;; fuel` line of fuel.wat (see
// its header for the format) in every configuration: the LLVM tier at -O0,
// -O2 and -O3, the baseline tier, tiered, and an -O2 .cwasm
// (serialized and loaded again). Counts must match the file exactly, and
// so each other. Each case runs again from no fuel with a refuel callback
// that adds 7 at a time (same count, same result, and the same callback
// calls in every configuration), and each case that runs out again with a
// callback that refuses (the same trap). Also: a module compiled without
// fuel ignores it.
// Usage: embed_fuel fuel.wasm fuel.wat
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasmc.h>

#include "check.h"

enum { kMaxArgs = 4, kMaxCases = 64 };

typedef struct {
  char name[64];
  int32_t args[kMaxArgs];
  size_t argc;
  uint64_t fuel;
  int64_t consumed;
  int trap;
  int line;
} Case;

static Case cases[kMaxCases];
static size_t case_count;

/// ";; fuel NAME ARGS... [with FUEL] -> CONSUMED [trap]"
static void parse_cases(const char* path) {
  FILE* file = fopen(path, "r");
  CHECK(file);
  char line[512];
  for (int number = 1; fgets(line, sizeof line, file); ++number) {
    if (strncmp(line, "  ;; fuel ", 10) != 0)
      continue;
    CHECK(case_count < kMaxCases);
    Case* c = &cases[case_count++];
    memset(c, 0, sizeof *c);
    c->fuel = 1000000000;
    c->line = number;
    char* save = NULL;
    char* token = strtok_r(line + 10, " \n", &save);
    CHECK(token && strlen(token) < sizeof c->name);
    strcpy(c->name, token);
    while ((token = strtok_r(NULL, " \n", &save)) && strcmp(token, "->") != 0) {
      if (strcmp(token, "with") == 0) {
        c->fuel = strtoull(strtok_r(NULL, " \n", &save), NULL, 10);
        continue;
      }
      CHECK(c->argc < kMaxArgs);
      c->args[c->argc++] = (int32_t)strtol(token, NULL, 10);
    }
    CHECK(token);
    token = strtok_r(NULL, " \n", &save);
    CHECK(token);
    c->consumed = strtoll(token, NULL, 10);
    token = strtok_r(NULL, " \n", &save);
    c->trap = token && strcmp(token, "trap") == 0;
  }
  fclose(file);
  CHECK(case_count >= 20);
}

/// Index of export `name` of `module`.
static size_t export_index(const wasm_module_t* module, const char* name) {
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  size_t count = exports.size, found = count;
  for (size_t i = 0; i < exports.size; ++i) {
    const wasm_name_t* export_name = wasm_exporttype_name(exports.data[i]);
    if (export_name->size == strlen(name) && memcmp(export_name->data, name, export_name->size) == 0)
      found = i;
  }
  wasm_exporttype_vec_delete(&exports);
  CHECK(found < count);
  return found;
}

/// The case stops because its fuel runs out: without metering it would
/// do something else (spin would never end).
static int runs_out(const Case* c) { return c->consumed > (int64_t)c->fuel; }

/// How a case gets its fuel: all of it at once; from nothing, through a
/// refuel callback adding kDrip at a time; or with a callback that refuses.
typedef enum { kUpFront, kDripped, kRefused } Refuel;
enum { kDrip = 7 };

typedef struct {
  int refuse;
  int calls;
  uint64_t added;
  int limit; // calls past which it refuses: code that never sees what it adds fails, not spins
} Refueller;

/// Overwrites every register a C function may change (the refuel paths must
/// keep whatever compiled code holds in them), as a callback may.
static void clobber_caller_saved_registers(void) {
#if defined(__x86_64__)
  __asm__ volatile(
      "pcmpeqd %%xmm0, %%xmm0\n pcmpeqd %%xmm1, %%xmm1\n pcmpeqd %%xmm2, %%xmm2\n pcmpeqd %%xmm3, %%xmm3\n"
      "pcmpeqd %%xmm4, %%xmm4\n pcmpeqd %%xmm5, %%xmm5\n pcmpeqd %%xmm6, %%xmm6\n pcmpeqd %%xmm7, %%xmm7\n"
      "pcmpeqd %%xmm8, %%xmm8\n pcmpeqd %%xmm9, %%xmm9\n pcmpeqd %%xmm10, %%xmm10\n pcmpeqd %%xmm11, %%xmm11\n"
      "pcmpeqd %%xmm12, %%xmm12\n pcmpeqd %%xmm13, %%xmm13\n pcmpeqd %%xmm14, %%xmm14\n pcmpeqd %%xmm15, %%xmm15\n"
      "mov $-1, %%rax\n mov $-1, %%rcx\n mov $-1, %%rdx\n mov $-1, %%rsi\n mov $-1, %%rdi\n"
      "mov $-1, %%r8\n mov $-1, %%r9\n mov $-1, %%r10\n mov $-1, %%r11\n" ::
          : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
            "xmm12", "xmm13", "xmm14", "xmm15", "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
#endif
}

static uint64_t refuel(void* env) {
  clobber_caller_saved_registers();
  Refueller* refueller = env;
  ++refueller->calls;
  if (refueller->refuse || refueller->calls > refueller->limit)
    return 0;
  refueller->added += kDrip;
  return kDrip;
}

/// Refuel calls per case under kDripped in the first metered
/// configuration (-1 before it ran): every other one must make the same
/// calls.
static int drip_calls[kMaxCases];
/// What each case returned with its fuel up front, in the same
/// configuration: the dripped run must return the same (the refuel paths
/// keep every register).
static wasm_val_t upfront_result[kMaxCases];

/// Runs `c` in a fresh store; returns the number of mismatches (0 or 1).
static int run_case(wasm_engine_t* engine, const wasm_byte_vec_t* wasm, const char* config, int metered,
                    const Case* c, Refuel mode) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = NULL;
  CHECK(wasmc_module_new(store, (const uint8_t*)wasm->data, wasm->size, &module) == NULL);
  if (strcmp(config, "cwasm") == 0) {
    wasm_byte_vec_t serialized;
    CHECK(wasmc_module_serialize(module, &serialized) == NULL);
    wasm_module_delete(module);
    CHECK(wasmc_module_deserialize(store, (const uint8_t*)serialized.data, serialized.size, &module) == NULL);
    wasm_byte_vec_delete(&serialized);
  }
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* func = wasm_extern_as_func(exports.data[export_index(module, c->name)]);
  CHECK(func);

  wasm_val_t args[kMaxArgs], results[1] = {WASM_INIT_VAL};
  for (size_t i = 0; i < c->argc; ++i)
    args[i] = (wasm_val_t)WASM_I32_VAL(c->args[i]);
  wasm_val_vec_t arg_vec = {c->argc, args}, result_vec = {wasm_func_result_arity(func), results};
  Refueller refueller = {mode == kRefused, 0, 0, (int)(c->consumed / kDrip) + 16};
  uint64_t start = mode == kDripped ? 0 : c->fuel;
  CHECK(wasmc_store_set_fuel(store, start));
  if (mode != kUpFront)
    wasmc_store_set_refuel_callback(store, refuel, &refueller, NULL);
  wasm_trap_t* trap = wasm_func_call(func, &arg_vec, &result_vec);
  int64_t consumed = (int64_t)(start + refueller.added) - wasmc_store_fuel(store);
  int failed = 0;
  if (mode == kDripped) {
    // The whole run, paid kDrip at a time: the same count, the same
    // result, and the same refuel calls as in every other configuration.
    int* first = &drip_calls[c - cases];
    failed = consumed != c->consumed || (trap != NULL) != c->trap || (*first >= 0 && refueller.calls != *first);
    if (!trap && result_vec.size == 1)
      failed |= results[0].kind != upfront_result[c - cases].kind ||
                results[0].of.i64 != upfront_result[c - cases].of.i64;
    if (*first < 0)
      *first = refueller.calls;
  } else if (mode == kRefused) {
    // Runs out as with no callback, after asking it once where it traps.
    failed = consumed != c->consumed || (trap != NULL) != c->trap || refueller.calls != (trap ? 1 : 0) ||
             (trap && wasmc_trap_code(trap) != WASMC_TRAP_OUT_OF_FUEL);
  } else if (metered) {
    if (!trap && result_vec.size == 1)
      upfront_result[c - cases] = results[0];
    failed = consumed != c->consumed || (trap != NULL) != c->trap;
    if (trap && c->trap && c->consumed > (int64_t)c->fuel)
      failed |= wasmc_trap_code(trap) != WASMC_TRAP_OUT_OF_FUEL;
  } else {
    // Compiled without fuel: nothing consumed, and no fuel trap.
    failed = consumed != 0 || (trap && wasmc_trap_code(trap) == WASMC_TRAP_OUT_OF_FUEL);
  }
  if (failed) {
    wasm_message_t message = WASM_EMPTY_VEC;
    if (trap)
      wasm_trap_message(trap, &message);
    fprintf(stderr, "FAIL %s%s, fuel.wat:%d: %s: consumed %" PRId64 " (want %" PRId64 "), %d refuels, %s%.*s\n",
            config, mode == kDripped ? " dripped" : mode == kRefused ? " refused" : "", c->line, c->name, consumed,
            metered ? c->consumed : 0, refueller.calls, trap ? "trap: " : "no trap", (int)message.size,
            message.data ? message.data : "");
    wasm_byte_vec_delete(&message);
  }
  if (trap)
    wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return failed;
}

int main(int argc, char** argv) {
  CHECK(argc == 3);
  wasm_byte_vec_t wasm = read_file(argv[1]);
  parse_cases(argv[2]);
  const struct {
    const char* name;
    wasmc_tier_t tier;
    uint32_t opt_level;
    int metered;
  } configs[] = {
      {"llvm -O0", WASMC_TIER_LLVM, 0, 1}, {"llvm -O2", WASMC_TIER_LLVM, 2, 1},
      {"llvm -O3", WASMC_TIER_LLVM, 3, 1}, {"baseline", WASMC_TIER_BASELINE, 2, 1},
      {"tiered", WASMC_TIER_TIERED, 2, 1}, {"cwasm", WASMC_TIER_LLVM, 2, 1},
      {"unmetered llvm", WASMC_TIER_LLVM, 2, 0}, {"unmetered baseline", WASMC_TIER_BASELINE, 2, 0},
  };
  int failures = 0;
  for (size_t i = 0; i < kMaxCases; ++i)
    drip_calls[i] = -1;
  for (size_t k = 0; k < sizeof configs / sizeof configs[0]; ++k) {
    wasm_config_t* config = wasm_config_new();
    wasmc_config_cache_set(config, false);
    wasmc_config_tier_set(config, configs[k].tier);
    CHECK(wasmc_config_opt_level_set(config, configs[k].opt_level));
    wasmc_config_consume_fuel_set(config, configs[k].metered);
    wasm_engine_t* engine = wasm_engine_new_with_config(config);
    int before = failures;
    for (size_t i = 0; i < case_count; ++i) {
      if (configs[k].metered || !runs_out(&cases[i]))
        failures += run_case(engine, &wasm, configs[k].name, configs[k].metered, &cases[i], kUpFront);
      if (configs[k].metered)
        failures += run_case(engine, &wasm, configs[k].name, 1, &cases[i], runs_out(&cases[i]) ? kRefused : kDripped);
    }
    printf("%s %s: %zu cases\n", failures == before ? "ok  " : "FAIL", configs[k].name, case_count);
    wasm_engine_delete(engine);
  }
  wasm_byte_vec_delete(&wasm);
  printf("%d failed\n", failures);
  return failures != 0;
}
