// Runs a WASI program through wasmc.h: argv, env, stdin from bytes, a
// read-only and a read-write preopen, stdout and stderr captured to
// buffers (compared byte for byte), a host function reading the caller's
// memory, and serialize/deserialize with corrupted and foreign blobs.
// Usage: embed_wasi_host GUEST.wasm WORK_DIR
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wasmc.h>

#include "check.h"

static void check_ok(wasmc_error_t* error) {
  if (!error)
    return;
  wasm_name_t message;
  wasmc_error_message(error, &message);
  fprintf(stderr, "unexpected error: %s\n", message.data);
  exit(1);
}

static wasm_trap_t* checksum(void* env, wasmc_caller_t* caller, const wasm_val_vec_t* args,
                             wasm_val_vec_t* results) {
  (void)env;
  wasm_memory_t* memory = wasmc_caller_memory(caller);
  CHECK(memory);
  uint32_t at = (uint32_t)args->data[0].of.i32, size = (uint32_t)args->data[1].of.i32;
  CHECK((size_t)at + size <= wasm_memory_data_size(memory));
  uint32_t sum = 0;
  for (uint32_t i = 0; i < size; ++i)
    sum = sum * 31 + (unsigned char)wasm_memory_data(memory)[at + i];
  wasm_memory_delete(memory);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = (int32_t)sum;
  return NULL;
}

static void write_file(const char* path, const char* text) {
  FILE* file = fopen(path, "w");
  CHECK(file);
  fputs(text, file);
  fclose(file);
}

/// The guest's WASI configuration: argv, env, stdin bytes, a read-only and a
/// read-write preopen under `work`, stdout and stderr to buffers.
static wasmc_wasi_config_t* guest_config(const char* work) {
  char in_dir[512], out_dir[512];
  snprintf(in_dir, sizeof in_dir, "%s/in", work);
  snprintf(out_dir, sizeof out_dir, "%s/out", work);
  wasmc_wasi_config_t* wasi = wasmc_wasi_config_new();
  const char* argv[] = {"guest", "one", "two words"};
  wasmc_wasi_config_set_argv(wasi, 3, argv);
  const char* names[] = {"GREETING"};
  const char* values[] = {"hello from the host"};
  wasmc_wasi_config_set_env(wasi, 1, names, values);
  wasm_byte_vec_t input;
  wasm_byte_vec_new(&input, 12, "line of std\n");
  wasmc_wasi_config_set_stdin_bytes(wasi, &input);
  wasm_byte_vec_delete(&input);
  CHECK(wasmc_wasi_config_preopen_dir(wasi, in_dir, "/in", true));
  CHECK(wasmc_wasi_config_preopen_dir(wasi, out_dir, "/out", false));
  CHECK(!wasmc_wasi_config_preopen_dir(wasi, "/no/such/dir", "/x", false));
  wasmc_wasi_config_set_stdout_buffer(wasi);
  wasmc_wasi_config_set_stderr_buffer(wasi);
  return wasi;
}

/// Checks what the guest printed (and frees it).
static void check_output(wasm_byte_vec_t* out, wasm_byte_vec_t* err) {
  unsigned expected_sum = 0;
  for (const char* c = "checksum me"; *c; ++c)
    expected_sum = expected_sum * 31 + (unsigned char)*c;
  char expected[1024];
  snprintf(expected, sizeof expected,
           "argv[0]=guest\nargv[1]=one\nargv[2]=two words\nGREETING=hello from the host\n"
           "stdin: line of std\ninput.txt: read only input\n"
           "write in read-only dir: Capabilities insufficient\nremove in read-only dir: refused\n"
           "write in read-write dir: ok\nhost checksum: %u\n",
           expected_sum);
  if (out->size != strlen(expected) || memcmp(out->data, expected, out->size) != 0) {
    fprintf(stderr, "stdout differs; got:\n%.*s\nexpected:\n%s", (int)out->size, out->data, expected);
    exit(1);
  }
  CHECK(err->size == 10 && memcmp(err->data, "to stderr\n", 10) == 0);
  wasm_byte_vec_delete(out);
  wasm_byte_vec_delete(err);
}

/// Runs the guest in a fresh store; returns its exit status and checks
/// everything it printed.
static int run(wasm_engine_t* engine, wasm_module_t* shared_from, const char* work) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_shared_module_t* shared = wasm_module_share(shared_from);
  wasm_module_t* module = wasm_module_obtain(store, shared);
  wasm_shared_module_delete(shared);

  wasmc_linker_t* linker = wasmc_linker_new(store);
  check_ok(wasmc_linker_define_wasi(linker, guest_config(work)));
  wasmc_error_t* twice = wasmc_linker_define_wasi(linker, NULL); // at most once
  CHECK(twice && wasmc_error_kind(twice) == WASMC_ERROR_USAGE);
  wasmc_error_delete(twice);
  wasm_functype_t* type = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                                wasm_valtype_new_i32());
  wasm_func_t* host = wasmc_func_new(store, type, checksum, NULL, NULL);
  wasm_functype_delete(type);
  check_ok(wasmc_linker_define(linker, "host", "checksum", wasm_func_as_extern(host)));
  wasm_extern_t* found = wasmc_linker_get(linker, "host", "checksum");
  CHECK(found && wasm_extern_kind(found) == WASM_EXTERN_FUNC);
  wasm_extern_delete(found);

  // A store's own function cannot be pre-linked for other stores.
  wasmc_instance_pre_t* pre = NULL;
  wasmc_error_t* refused = wasmc_linker_instantiate_pre(linker, module, &pre);
  CHECK(refused && !pre && wasmc_error_kind(refused) == WASMC_ERROR_UNLINKABLE);
  wasmc_error_delete(refused);

  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  check_ok(wasmc_linker_instantiate(linker, module, &instance, &trap));
  CHECK(instance && !trap);
  int status = wasmc_instance_run_wasi_command(instance, &trap);
  CHECK(!trap);

  wasm_byte_vec_t out, err;
  CHECK(wasmc_linker_wasi_output(linker, 1, &out));
  CHECK(wasmc_linker_wasi_output(linker, 2, &err));
  check_output(&out, &err);

  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasmc_linker_delete(linker);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return status;
}

static int finalized = 0;
static void count_finalized(void* env) {
  CHECK(env == &finalized);
  ++finalized;
}

/// Pre-linked once (WASI and a wasmc_linker_define_func host function),
/// instantiated in `rounds` fresh stores, each with its own WASI context:
/// every run prints everything, to its own store's buffers. The host
/// function's environment is finalized once, when the last user is gone.
static void run_prelinked(wasm_engine_t* engine, wasm_module_t* module, const char* work, int rounds) {
  wasm_store_t* setup = wasm_store_new(engine);
  wasmc_linker_t* linker = wasmc_linker_new(setup);
  check_ok(wasmc_linker_define_wasi(linker, NULL));
  wasm_functype_t* type = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                                wasm_valtype_new_i32());
  check_ok(wasmc_linker_define_func(linker, "host", "checksum", type, checksum, &finalized, count_finalized));
  wasm_functype_delete(type);
  wasmc_instance_pre_t* pre = NULL;
  check_ok(wasmc_linker_instantiate_pre(linker, module, &pre));
  wasmc_linker_delete(linker);
  wasm_store_delete(setup);
  for (int round = 0; round < rounds; ++round) {
    wasm_store_t* store = wasm_store_new(engine);
    wasm_instance_t* instance = NULL;
    wasm_trap_t* trap = NULL;
    check_ok(wasmc_instance_pre_instantiate(pre, store, guest_config(work), &instance, &trap));
    CHECK(instance && !trap);
    CHECK(wasmc_instance_run_wasi_command(instance, &trap) == 3 && !trap);
    wasm_byte_vec_t out, err;
    CHECK(wasmc_store_wasi_output(store, 1, &out));
    CHECK(wasmc_store_wasi_output(store, 2, &err));
    check_output(&out, &err);
    wasm_instance_delete(instance);
    wasm_store_delete(store);
  }
  // A store of another engine is refused.
  wasm_engine_t* other = wasm_engine_new();
  wasm_store_t* foreign = wasm_store_new(other);
  wasm_instance_t* instance = NULL;
  wasmc_error_t* error = wasmc_instance_pre_instantiate(pre, foreign, NULL, &instance, NULL);
  CHECK(error && !instance && wasmc_error_kind(error) == WASMC_ERROR_USAGE);
  wasmc_error_delete(error);
  wasm_store_delete(foreign);
  wasm_engine_delete(other);
  CHECK(finalized == 0);
  wasmc_instance_pre_delete(pre);
  CHECK(finalized == 1);
}

int main(int argc, char** argv) {
  CHECK(argc == 3);
  const char* work = argv[2];
  char path[512];
  mkdir(work, 0755);
  snprintf(path, sizeof path, "%s/in", work);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/out", work);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/in/input.txt", work);
  write_file(path, "read only input\n");

  wasm_config_t* config = wasm_config_new();
  CHECK(wasmc_config_opt_level_set(config, 1));
  CHECK(!wasmc_config_opt_level_set(config, 9));
  wasmc_config_tier_set(config, WASMC_TIER_LLVM);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);

  // Errors carry their kind and location.
  wasm_module_t* module = NULL;
  const uint8_t bad[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 0x01, 0x05, 0x01, 0x60};
  wasmc_error_t* error = wasmc_module_new(store, bad, sizeof bad, &module);
  CHECK(error && !module && wasmc_error_kind(error) == WASMC_ERROR_MALFORMED);
  CHECK(wasmc_error_offset(error) != SIZE_MAX);
  wasmc_error_delete(error);

  wasm_byte_vec_t binary = read_file(argv[1]);
  check_ok(wasmc_module_validate((const uint8_t*)binary.data, binary.size));
  check_ok(wasmc_module_new(store, (const uint8_t*)binary.data, binary.size, &module));
  CHECK(run(engine, module, work) == 3);
  run_prelinked(engine, module, work, 3);

  // The file the guest wrote where it could, and not where it could not.
  snprintf(path, sizeof path, "%s/out/result.txt", work);
  wasm_byte_vec_t written = read_file(path);
  CHECK(written.size == 21 && memcmp(written.data, "written by the guest\n", 21) == 0);
  wasm_byte_vec_delete(&written);
  snprintf(path, sizeof path, "%s/in/new.txt", work);
  struct stat info;
  CHECK(stat(path, &info) != 0);
  snprintf(path, sizeof path, "%s/in/input.txt", work);
  CHECK(stat(path, &info) == 0);

  // Serialized and loaded again, the module runs the same.
  wasm_byte_vec_t serialized;
  check_ok(wasmc_module_serialize(module, &serialized));
  wasm_module_t* loaded = NULL;
  check_ok(wasmc_module_deserialize(store, (const uint8_t*)serialized.data, serialized.size, &loaded));
  CHECK(run(engine, loaded, work) == 3);
  snprintf(path, sizeof path, "%s/module.cwasm", work);
  FILE* file = fopen(path, "wb");
  CHECK(file && fwrite(serialized.data, 1, serialized.size, file) == serialized.size);
  fclose(file);
  wasm_module_t* from_file = NULL;
  check_ok(wasmc_module_deserialize_file(store, path, &from_file));
  wasm_module_delete(from_file);

  // Corrupted, truncated, foreign (a native executable) and wasm bytes
  // are refused with an error, never run.
  wasm_module_t* refused = NULL;
  for (size_t at = 0; at < serialized.size; at += serialized.size / 7 + 1) {
    serialized.data[at] ^= 0x20;
    error = wasmc_module_deserialize(store, (const uint8_t*)serialized.data, serialized.size, &refused);
    CHECK(error && !refused);
    wasmc_error_delete(error);
    serialized.data[at] ^= 0x20;
  }
  error = wasmc_module_deserialize(store, (const uint8_t*)serialized.data, serialized.size / 2, &refused);
  CHECK(error && !refused);
  wasmc_error_delete(error);
  wasm_byte_vec_t foreign = read_file("/bin/true");
  error = wasmc_module_deserialize(store, (const uint8_t*)foreign.data, foreign.size, &refused);
  CHECK(error && !refused && wasmc_error_kind(error) == WASMC_ERROR_ARTIFACT);
  wasmc_error_delete(error);
  wasm_byte_vec_delete(&foreign);
  error = wasmc_module_deserialize(store, (const uint8_t*)binary.data, binary.size, &refused);
  CHECK(error && !refused);
  wasmc_error_delete(error);

  wasm_byte_vec_delete(&serialized);
  wasm_byte_vec_delete(&binary);
  wasm_module_delete(loaded);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("wasmc.h WASI embedding: ok\n");
  return 0;
}
