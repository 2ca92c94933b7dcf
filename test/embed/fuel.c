// Fuel counts through wasmc.h: runs every `;; fuel` line of fuel.wat (see
// its header for the format) in every configuration: the LLVM tier at -O0,
// -O2 and -O3, the baseline tier, tiered, and an -O2 .cwasm
// (serialized and loaded again). Counts must match the file exactly, and
// so each other. Also: a module compiled without fuel ignores it.
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

/// Runs `c` in a fresh store; returns the number of mismatches (0 or 1).
static int run_case(wasm_engine_t* engine, const wasm_byte_vec_t* wasm, const char* config, int metered,
                    const Case* c) {
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
  CHECK(wasmc_store_set_fuel(store, c->fuel));
  wasm_trap_t* trap = wasm_func_call(func, &arg_vec, &result_vec);
  int64_t consumed = (int64_t)c->fuel - wasmc_store_fuel(store);
  int failed = 0;
  if (metered) {
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
    fprintf(stderr, "FAIL %s, fuel.wat:%d: %s: consumed %" PRId64 " (want %" PRId64 "), %s%.*s\n", config, c->line,
            c->name, consumed, metered ? c->consumed : 0, trap ? "trap: " : "no trap",
            (int)message.size, message.data ? message.data : "");
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
  for (size_t k = 0; k < sizeof configs / sizeof configs[0]; ++k) {
    wasm_config_t* config = wasm_config_new();
    wasmc_config_cache_set(config, false);
    wasmc_config_tier_set(config, configs[k].tier);
    CHECK(wasmc_config_opt_level_set(config, configs[k].opt_level));
    wasmc_config_consume_fuel_set(config, configs[k].metered);
    wasm_engine_t* engine = wasm_engine_new_with_config(config);
    int before = failures;
    for (size_t i = 0; i < case_count; ++i)
      if (configs[k].metered || !runs_out(&cases[i]))
        failures += run_case(engine, &wasm, configs[k].name, configs[k].metered, &cases[i]);
    printf("%s %s: %zu cases\n", failures == before ? "ok  " : "FAIL", configs[k].name, case_count);
    wasm_engine_delete(engine);
  }
  wasm_byte_vec_delete(&wasm);
  printf("%d failed\n", failures);
  return failures != 0;
}
