// Store resource limits through wasmc.h: grows refused (-1) or trapping,
// instantiation refused by memory size, table size, instance, table and
// memory counts, the default bound on all tables of a store (8 tables of
// 10M elements from a 59-byte module), and max-wasm-stack; and the
// features past 2.0 switched off by name (what a host may refuse).
// Usage: embed_limits limits.wasm
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasmc.h>

#include "check.h"

enum { kGrow, kTableGrow, kRecurse };

static wasm_engine_t* engine;
static wasm_byte_vec_t limits_wasm;

/// Instantiates `bytes` in `store`; NULL and the error's message in
/// `message` (if non-NULL) when that fails.
static wasm_instance_t* instantiate(wasm_store_t* store, const wasm_byte_vec_t* bytes, char* message,
                                    size_t size) {
  wasm_module_t* module = NULL;
  wasmc_error_t* error = wasmc_module_new(store, (const uint8_t*)bytes->data, bytes->size, &module);
  CHECK(error == NULL);
  wasmc_linker_t* linker = wasmc_linker_new(store);
  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  error = wasmc_linker_instantiate(linker, module, &instance, &trap);
  CHECK(trap == NULL);
  if (error) {
    wasm_name_t text;
    wasmc_error_message(error, &text);
    if (message)
      snprintf(message, size, "%.*s", (int)text.size, text.data);
    wasm_byte_vec_delete(&text);
    wasmc_error_delete(error);
  }
  wasmc_linker_delete(linker);
  wasm_module_delete(module);
  return instance;
}

static void expect_refused(wasm_store_t* store, const wasm_byte_vec_t* bytes, const char* reason) {
  char message[512] = "";
  wasm_instance_t* instance = instantiate(store, bytes, message, sizeof message);
  if (instance || !strstr(message, reason)) {
    fprintf(stderr, "expected instantiation refused with '%s', got %s '%s'\n", reason,
            instance ? "an instance" : "an error", message);
    exit(1);
  }
  printf("ok   refused: %s\n", message);
}

/// Calls export `index` of `instance` with one i32; returns its result, or
/// stores the trap's code in *trap_code (0 when none).
static int32_t call(wasm_instance_t* instance, size_t index, int32_t arg, wasmc_trap_code_t* trap_code) {
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args[1] = {WASM_I32_VAL(arg)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args), result_vec = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[index]), &arg_vec, &result_vec);
  wasm_extern_vec_delete(&exports);
  *trap_code = trap ? wasmc_trap_code(trap) : 0;
  if (trap)
    wasm_trap_delete(trap);
  return trap ? 0 : results[0].of.i32;
}

static int32_t call_ok(wasm_instance_t* instance, size_t index, int32_t arg) {
  wasmc_trap_code_t code;
  int32_t result = call(instance, index, arg, &code);
  CHECK(code == 0);
  return result;
}

static void test_grows(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasmc_store_limiter(store, 3 * 65536, 10, -1, -1, -1);
  wasm_instance_t* instance = instantiate(store, &limits_wasm, NULL, 0);
  CHECK(instance);
  CHECK(call_ok(instance, kGrow, 3) == -1); // 4 pages > 3
  CHECK(call_ok(instance, kGrow, 2) == 1);
  CHECK(call_ok(instance, kGrow, 1) == -1);
  CHECK(call_ok(instance, kTableGrow, 9) == 1);
  CHECK(call_ok(instance, kTableGrow, 1) == -1);

  wasmc_store_trap_on_grow_failure(store, true);
  wasmc_trap_code_t code;
  call(instance, kGrow, 1, &code);
  CHECK(code == WASMC_TRAP_GROW_FAILED);
  call(instance, kTableGrow, 1, &code);
  CHECK(code == WASMC_TRAP_GROW_FAILED);
  CHECK(call_ok(instance, kGrow, 0) == 3); // the store stays usable
  wasmc_store_trap_on_grow_failure(store, false);
  CHECK(call_ok(instance, kGrow, 1) == -1);
  printf("ok   grows refused with -1 and trapping with trap-on-grow-failure\n");
  wasm_instance_delete(instance);
  wasm_store_delete(store);
}

static void test_instantiation_refused(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasmc_store_limiter(store, 65535, -1, -1, -1, -1);
  expect_refused(store, &limits_wasm, "exceeds the memory limit of 65535 bytes");
  wasm_store_delete(store);

  store = wasm_store_new(engine);
  wasmc_store_limiter(store, -1, 0, -1, -1, -1);
  expect_refused(store, &limits_wasm, "limit of 0 elements per table");
  wasm_store_delete(store);

  // Counts: each instance of limits.wasm defines one table and one memory.
  const struct {
    int64_t instances, tables, memories;
    const char* reason;
  } counts[] = {{2, -1, -1, "limit of 2 instances"}, {-1, 2, -1, "limit of 2 tables"},
                {-1, -1, 2, "limit of 2 memories"}};
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; ++i) {
    store = wasm_store_new(engine);
    wasmc_store_limiter(store, -1, -1, counts[i].instances, counts[i].tables, counts[i].memories);
    wasm_instance_t* first = instantiate(store, &limits_wasm, NULL, 0);
    wasm_instance_t* second = instantiate(store, &limits_wasm, NULL, 0);
    CHECK(first && second);
    expect_refused(store, &limits_wasm, counts[i].reason);
    wasm_instance_delete(first);
    wasm_instance_delete(second);
    wasm_store_delete(store);
  }

  // 8 tables of 10,000,000 elements: 59 bytes asking for 640 MB.
  wasm_byte_vec_t tables8;
  static const uint8_t kHeader[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 4, 49, 8}; // table section: 8 tables
  static const uint8_t kTable[] = {0x70, 0x00, 0x80, 0xAD, 0xE2, 0x04}; // funcref, min 10,000,000
  wasm_byte_vec_new_uninitialized(&tables8, sizeof kHeader + 8 * sizeof kTable);
  memcpy(tables8.data, kHeader, sizeof kHeader);
  for (int i = 0; i < 8; ++i)
    memcpy(tables8.data + sizeof kHeader + i * sizeof kTable, kTable, sizeof kTable);
  CHECK(tables8.size == 59);
  store = wasm_store_new(engine);
  expect_refused(store, &tables8, "table elements");
  wasm_store_delete(store);
  wasm_byte_vec_delete(&tables8);
}

static void test_stack(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_instance_t* instance = instantiate(store, &limits_wasm, NULL, 0);
  CHECK(instance);
  wasmc_trap_code_t code;
  CHECK(call_ok(instance, kRecurse, 20000) == 20000);
  wasmc_store_max_wasm_stack(store, 256 << 10);
  CHECK(call_ok(instance, kRecurse, 1000) == 1000);
  call(instance, kRecurse, 20000, &code);
  CHECK(code == WASMC_TRAP_STACK_OVERFLOW);
  // The deepest recursion that fits grows with the limit: find it for
  // 64 KiB and 256 KiB by bisection; the frame size must come out equal.
  int32_t deepest[2];
  size_t sizes[2] = {64 << 10, 256 << 10};
  for (int i = 0; i < 2; ++i) {
    wasmc_store_max_wasm_stack(store, sizes[i]);
    int32_t low = 1, high = 1000000; // low fits, high does not
    while (high - low > 1) {
      int32_t middle = low + (high - low) / 2;
      call(instance, kRecurse, middle, &code);
      CHECK(code == 0 || code == WASMC_TRAP_STACK_OVERFLOW);
      *(code ? &high : &low) = middle;
    }
    deepest[i] = low;
  }
  double frame64 = (double)sizes[0] / deepest[0], frame256 = (double)sizes[1] / deepest[1];
  printf("ok   max-wasm-stack: 64 KiB fits %d frames, 256 KiB %d (%.1f and %.1f bytes each)\n", deepest[0],
         deepest[1], frame64, frame256);
  CHECK(frame64 > 0.8 * frame256 && frame64 < 1.25 * frame256);
  wasmc_store_max_wasm_stack(store, 0);
  CHECK(call_ok(instance, kRecurse, 20000) == 20000);
  wasm_instance_delete(instance);
  wasm_store_delete(store);
}

/// With a memory pool, each store's instance gets the memory of the one
/// before, reset: the minimum size again, however far the last one grew.
static void test_memory_pool(void) {
  wasm_config_t* config = wasm_config_new();
  wasmc_config_cache_set(config, false);
  wasmc_config_memory_pool_set(config, 2);
  wasm_engine_t* pooled = wasm_engine_new_with_config(config);
  for (int round = 0; round < 3; ++round) {
    wasm_store_t* store = wasm_store_new(pooled);
    wasm_instance_t* instance = instantiate(store, &limits_wasm, NULL, 0);
    CHECK(instance != NULL);
    CHECK(call_ok(instance, kGrow, 0) == 1);
    CHECK(call_ok(instance, kGrow, 2) == 1);
    CHECK(call_ok(instance, kGrow, 0) == 3);
    wasm_instance_delete(instance);
    wasm_store_delete(store);
  }
  wasm_engine_delete(pooled);
  printf("ok   pooled memories start at their minimum size again\n");
}

// Features past 2.0, by name (wasmc_config_wasm_feature_set): a module with
// a tail call, `(func $f (return_call $f))`, validates and compiles by
// default, not with tail-call off; an unknown name changes nothing.
static void test_wasm_features(void) {
  wasm_byte_vec_t tail_call;
  wasm_byte_vec_new(&tail_call, 26,
                    "\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0\x0a\6\1\4\0\x12\0\x0b");
  wasm_config_t* off = wasm_config_new();
  CHECK(wasmc_config_wasm_feature_set(off, "tail-call", false));
  CHECK(!wasmc_config_wasm_feature_set(off, "threads", true));
  CHECK(!wasmc_config_wasm_feature_set(off, NULL, true));
  wasm_engine_t* strict = wasm_engine_new_with_config(off);
  wasm_engine_t* loose = wasm_engine_new();
  wasm_store_t* strict_store = wasm_store_new(strict);
  wasm_store_t* loose_store = wasm_store_new(loose);
  CHECK(wasm_module_validate(loose_store, &tail_call));
  CHECK(!wasm_module_validate(strict_store, &tail_call));
  CHECK(wasm_module_new(strict_store, &tail_call) == NULL);
  wasm_module_t* compiled = wasm_module_new(loose_store, &tail_call);
  CHECK(compiled);
  wasm_module_delete(compiled);
  wasm_store_delete(strict_store);
  wasm_store_delete(loose_store);
  wasm_engine_delete(strict);
  wasm_engine_delete(loose);
  wasm_byte_vec_delete(&tail_call);
}

int main(int argc, char** argv) {
  CHECK(argc == 2);
  limits_wasm = read_file(argv[1]);
  for (int tier = 0; tier < 2; ++tier) {
    wasm_config_t* config = wasm_config_new();
    wasmc_config_cache_set(config, false);
    wasmc_config_tier_set(config, tier == 0 ? WASMC_TIER_LLVM : WASMC_TIER_BASELINE);
    engine = wasm_engine_new_with_config(config);
    printf("%s tier:\n", tier == 0 ? "llvm" : "baseline");
    test_grows();
    test_instantiation_refused();
    test_stack();
    wasm_engine_delete(engine);
  }
  test_memory_pool();
  test_wasm_features();
  wasm_byte_vec_delete(&limits_wasm);
  printf("all limits checks passed\n");
  return 0;
}
