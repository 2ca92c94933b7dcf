// What instantiating and calling costs through the C API, in one process:
// RUNS times a fresh store, wasm_instance_new, one call, teardown; prints
// the median and p99. Compare with `wasmc run`'s instantiate_ns
// (WASMC_BENCH_REPORT) for the same module; docs/EMBEDDING.md has both.
// Usage: embed_bench_instantiate MODULE.wasm RUNS EXPORT_INDEX
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <wasm.h>

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int compare(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s MODULE.wasm RUNS EXPORT_INDEX\n", argv[0]);
    return 2;
  }
  FILE* file = fopen(argv[1], "rb");
  if (!file)
    return 2;
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new_uninitialized(&binary, (size_t)size);
  if (fread(binary.data, 1, (size_t)size, file) != (size_t)size)
    return 2;
  fclose(file);
  int runs = atoi(argv[2]);
  size_t export_index = (size_t)atoi(argv[3]);

  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* compile_store = wasm_store_new(engine);
  wasm_module_t* module = wasm_module_new(compile_store, &binary);
  if (!module || runs < 1)
    return 1;
  double* samples = malloc(sizeof(double) * (size_t)runs);
  for (int i = 0; i < runs; ++i) {
    double start = now_ns();
    wasm_store_t* store = wasm_store_new(engine);
    wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports;
    wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance)
      return 1;
    wasm_instance_exports(instance, &exports);
    wasm_val_t results[1] = {WASM_INIT_VAL};
    wasm_val_vec_t no_args = WASM_EMPTY_VEC, result_vec = WASM_ARRAY_VEC(results);
    wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[export_index]), &no_args, &result_vec);
    if (trap)
      return 1;
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_store_delete(store);
    samples[i] = now_ns() - start;
  }
  qsort(samples, (size_t)runs, sizeof(double), compare);
  printf("store + instantiate + call + teardown over %d runs: median %.1f us, p99 %.1f us\n", runs,
         samples[runs / 2] / 1000, samples[(size_t)runs * 99 / 100] / 1000);
  free(samples);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&binary);
  wasm_store_delete(compile_store);
  wasm_engine_delete(engine);
  return 0;
}
