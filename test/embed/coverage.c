// Calls every function of wasm.h at least once and checks what it returns
// (coverage-check.sh proves from the preprocessed source that none is left
// out). Usage: capi_coverage coverage.wasm
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm.h>

#include "check.h"

static int finalized = 0;
static void count_finalizer(void* info) { finalized += (int)(intptr_t)info; }
static void count_environment(void* env) { finalized += env != NULL; }

static wasm_trap_t* host_double(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 * 2;
  return NULL;
}

static wasm_trap_t* host_add_env(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + *(int*)env;
  return NULL;
}

// --- vectors: each family, on elements of its own type ---------------------

#define EXERCISE_POINTER_VEC(name, make)                                                  \
  do {                                                                                    \
    wasm_##name##_vec_t empty, two, copy, one;                                            \
    wasm_##name##_vec_new_empty(&empty);                                                  \
    CHECK(empty.size == 0);                                                               \
    wasm_##name##_vec_delete(&empty);                                                     \
    wasm_##name##_vec_new_uninitialized(&two, 2);                                         \
    CHECK(two.size == 2);                                                                 \
    two.data[0] = (make);                                                                 \
    two.data[1] = (make);                                                                 \
    wasm_##name##_vec_copy(&copy, &two);                                                  \
    CHECK(copy.size == 2 && copy.data[0] && copy.data[0] != two.data[0]);                 \
    wasm_##name##_t* elements[1] = {(make)};                                              \
    wasm_##name##_vec_new(&one, 1, elements);                                             \
    CHECK(one.size == 1 && one.data[0] == elements[0]);                                   \
    wasm_##name##_vec_delete(&two);                                                       \
    wasm_##name##_vec_delete(&copy);                                                      \
    wasm_##name##_vec_delete(&one);                                                       \
    CHECK(one.size == 0 && one.data == NULL);                                             \
  } while (0)

static wasm_externtype_t* new_memory_externtype(void) {
  wasm_limits_t limits = {1, 2};
  return wasm_memorytype_as_externtype(wasm_memorytype_new(&limits));
}

static wasm_importtype_t* new_importtype(void) {
  wasm_name_t module, name;
  wasm_name_new_from_string(&module, "m");
  wasm_name_new_from_string(&name, "n");
  return wasm_importtype_new(&module, &name, new_memory_externtype());
}

static wasm_exporttype_t* new_exporttype(void) {
  wasm_name_t name;
  wasm_name_new_from_string(&name, "e");
  return wasm_exporttype_new(&name, new_memory_externtype());
}

static void exercise_vectors(wasm_store_t* store, wasm_frame_t* frame) {
  wasm_limits_t limits = {1, 5};
  EXERCISE_POINTER_VEC(valtype, wasm_valtype_new(WASM_I64));
  EXERCISE_POINTER_VEC(functype, wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_f64()));
  EXERCISE_POINTER_VEC(globaltype, wasm_globaltype_new(wasm_valtype_new_f32(), WASM_VAR));
  EXERCISE_POINTER_VEC(tabletype, wasm_tabletype_new(wasm_valtype_new_funcref(), &limits));
  EXERCISE_POINTER_VEC(memorytype, wasm_memorytype_new(&limits));
  EXERCISE_POINTER_VEC(externtype, new_memory_externtype());
  EXERCISE_POINTER_VEC(importtype, new_importtype());
  EXERCISE_POINTER_VEC(exporttype, new_exporttype());
  EXERCISE_POINTER_VEC(frame, wasm_frame_copy(frame));
  wasm_memorytype_t* memory_type = wasm_memorytype_new(&limits);
  EXERCISE_POINTER_VEC(extern, wasm_memory_as_extern(wasm_memory_new(store, memory_type)));
  wasm_memorytype_delete(memory_type);

  wasm_byte_vec_t bytes, bytes_copy, bytes_empty;
  wasm_byte_vec_new(&bytes, 3, "abc");
  wasm_byte_vec_copy(&bytes_copy, &bytes);
  CHECK(bytes_copy.size == 3 && memcmp(bytes_copy.data, "abc", 3) == 0 && bytes_copy.data != bytes.data);
  wasm_byte_vec_new_empty(&bytes_empty);
  CHECK(bytes_empty.size == 0);
  wasm_byte_vec_delete(&bytes);
  wasm_byte_vec_delete(&bytes_copy);
  wasm_byte_vec_delete(&bytes_empty);

  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_val_t values[2] = {WASM_I32_VAL(7), WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  wasm_val_vec_t vals, vals_copy, vals_empty, vals_uninit;
  wasm_val_vec_new(&vals, 2, values); // takes the reference over
  wasm_val_vec_copy(&vals_copy, &vals);
  CHECK(vals_copy.data[0].of.i32 == 7 && vals_copy.data[1].of.ref != vals.data[1].of.ref);
  CHECK(wasm_ref_same(vals_copy.data[1].of.ref, vals.data[1].of.ref));
  wasm_val_vec_new_empty(&vals_empty);
  wasm_val_vec_new_uninitialized(&vals_uninit, 4);
  CHECK(vals_uninit.size == 4);
  wasm_val_vec_delete(&vals);
  wasm_val_vec_delete(&vals_copy);
  wasm_val_vec_delete(&vals_empty);
  wasm_val_vec_delete(&vals_uninit);
}

// --- types ---------------------------------------------------------------

static void exercise_types(void) {
  wasm_valtype_t* i64 = wasm_valtype_new(WASM_I64);
  wasm_valtype_t* i64_copy = wasm_valtype_copy(i64);
  CHECK(wasm_valtype_kind(i64_copy) == WASM_I64);
  wasm_valtype_delete(i64);
  wasm_valtype_delete(i64_copy);

  wasm_functype_t* func = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_externref(),
                                                wasm_valtype_new_f32());
  wasm_functype_t* func_copy = wasm_functype_copy(func);
  CHECK(wasm_functype_params(func_copy)->size == 2 && wasm_functype_results(func_copy)->size == 1);
  CHECK(wasm_valtype_kind(wasm_functype_params(func_copy)->data[1]) == WASM_EXTERNREF);
  wasm_externtype_t* as_extern = wasm_functype_as_externtype(func);
  CHECK(wasm_externtype_kind(as_extern) == WASM_EXTERN_FUNC);
  CHECK(wasm_externtype_as_functype(as_extern) == func);
  CHECK(wasm_externtype_as_functype_const(wasm_functype_as_externtype_const(func)) == func);
  CHECK(wasm_externtype_as_globaltype(as_extern) == NULL);
  wasm_externtype_t* extern_copy = wasm_externtype_copy(as_extern);
  CHECK(wasm_externtype_kind(extern_copy) == WASM_EXTERN_FUNC);
  wasm_externtype_delete(extern_copy);
  wasm_functype_delete(func);
  wasm_functype_delete(func_copy);

  wasm_globaltype_t* global = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_VAR);
  wasm_globaltype_t* global_copy = wasm_globaltype_copy(global);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(global_copy)) == WASM_F64);
  CHECK(wasm_globaltype_mutability(global_copy) == WASM_VAR);
  CHECK(wasm_externtype_as_globaltype(wasm_globaltype_as_externtype(global)) == global);
  CHECK(wasm_externtype_as_globaltype_const(wasm_globaltype_as_externtype_const(global)) == global);
  wasm_globaltype_delete(global);
  wasm_globaltype_delete(global_copy);

  wasm_limits_t limits = {2, wasm_limits_max_default};
  wasm_tabletype_t* table = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_tabletype_t* table_copy = wasm_tabletype_copy(table);
  CHECK(wasm_valtype_kind(wasm_tabletype_element(table_copy)) == WASM_FUNCREF);
  CHECK(wasm_tabletype_limits(table_copy)->min == 2 && wasm_tabletype_limits(table_copy)->max == 0xffffffff);
  CHECK(wasm_externtype_as_tabletype(wasm_tabletype_as_externtype(table)) == table);
  CHECK(wasm_externtype_as_tabletype_const(wasm_tabletype_as_externtype_const(table)) == table);
  wasm_tabletype_delete(table);
  wasm_tabletype_delete(table_copy);

  wasm_limits_t memory_limits = {1, 3};
  wasm_memorytype_t* memory = wasm_memorytype_new(&memory_limits);
  wasm_memorytype_t* memory_copy = wasm_memorytype_copy(memory);
  CHECK(wasm_memorytype_limits(memory_copy)->max == 3);
  CHECK(wasm_externtype_as_memorytype(wasm_memorytype_as_externtype(memory)) == memory);
  CHECK(wasm_externtype_as_memorytype_const(wasm_memorytype_as_externtype_const(memory)) == memory);
  wasm_memorytype_delete(memory);
  wasm_memorytype_delete(memory_copy);

  wasm_importtype_t* import = new_importtype();
  wasm_importtype_t* import_copy = wasm_importtype_copy(import);
  CHECK(wasm_importtype_module(import_copy)->size == 1 && wasm_importtype_module(import_copy)->data[0] == 'm');
  CHECK(wasm_importtype_name(import_copy)->data[0] == 'n');
  CHECK(wasm_externtype_kind(wasm_importtype_type(import_copy)) == WASM_EXTERN_MEMORY);
  wasm_importtype_delete(import);
  wasm_importtype_delete(import_copy);

  wasm_exporttype_t* export = new_exporttype();
  wasm_exporttype_t* export_copy = wasm_exporttype_copy(export);
  CHECK(wasm_exporttype_name(export_copy)->data[0] == 'e');
  CHECK(wasm_externtype_kind(wasm_exporttype_type(export_copy)) == WASM_EXTERN_MEMORY);
  wasm_exporttype_delete(export);
  wasm_exporttype_delete(export_copy);
}

// --- the reference families: copy, same, host info, casts ----------------

#define EXERCISE_REF_BASE(name, handle, other)                                             \
  do {                                                                                    \
    wasm_##name##_t* copy = wasm_##name##_copy(handle);                                   \
    CHECK(copy != (handle) && wasm_##name##_same(copy, handle));                          \
    CHECK(!wasm_##name##_same(handle, other));                                            \
    wasm_##name##_set_host_info(copy, (void*)0x10);                                       \
    CHECK(wasm_##name##_get_host_info(handle) == (void*)0x10);                            \
    wasm_##name##_set_host_info_with_finalizer(handle, (void*)1, count_finalizer);        \
    CHECK(wasm_##name##_get_host_info(copy) == (void*)1);                                 \
    wasm_##name##_delete(copy);                                                           \
  } while (0)

#define EXERCISE_REF(name, handle, other)                                                  \
  do {                                                                                    \
    EXERCISE_REF_BASE(name, handle, other);                                               \
    wasm_ref_t* ref = wasm_##name##_as_ref(handle);                                       \
    CHECK(wasm_ref_as_##name(ref) == (handle));                                           \
    CHECK(wasm_ref_as_##name##_const(wasm_##name##_as_ref_const(handle)) == (handle));    \
  } while (0)

// Every cast from wasm_ref_t refuses a reference of another kind.
static void check_ref_casts_refuse(wasm_ref_t* foreign) {
  CHECK(wasm_ref_as_trap(foreign) == NULL && wasm_ref_as_trap_const(foreign) == NULL);
  CHECK(wasm_ref_as_module(foreign) == NULL && wasm_ref_as_module_const(foreign) == NULL);
  CHECK(wasm_ref_as_func(foreign) == NULL && wasm_ref_as_func_const(foreign) == NULL);
  CHECK(wasm_ref_as_global(foreign) == NULL && wasm_ref_as_global_const(foreign) == NULL);
  CHECK(wasm_ref_as_table(foreign) == NULL && wasm_ref_as_table_const(foreign) == NULL);
  CHECK(wasm_ref_as_memory(foreign) == NULL && wasm_ref_as_memory_const(foreign) == NULL);
  CHECK(wasm_ref_as_extern(foreign) == NULL && wasm_ref_as_extern_const(foreign) == NULL);
  CHECK(wasm_ref_as_instance(foreign) == NULL && wasm_ref_as_instance_const(foreign) == NULL);
}

static wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t index) {
  wasm_func_t* func = wasm_extern_as_func(exports->data[index]);
  CHECK(func);
  return func;
}

int main(int argc, char** argv) {
  CHECK(argc == 2);
  exercise_types();

  wasm_config_t* config = wasm_config_new();
  wasm_config_delete(config);

  wasm_engine_t* engine = wasm_engine_new_with_config(wasm_config_new());
  wasm_engine_t* second_engine = wasm_engine_new();
  wasm_engine_delete(second_engine);
  wasm_store_t* store = wasm_store_new(engine);

  // Module: validate, compile, reflect.
  wasm_byte_vec_t binary = read_file(argv[1]);
  CHECK(wasm_module_validate(store, &binary));
  wasm_byte_vec_t garbage;
  wasm_byte_vec_new(&garbage, 8, "\0asm\2\0\0\0");
  CHECK(!wasm_module_validate(store, &garbage));
  CHECK(wasm_module_new(store, &garbage) == NULL);
  wasm_module_t* module = wasm_module_new(store, &binary);
  CHECK(module);
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  CHECK(imports.size == 4);
  CHECK(wasm_externtype_kind(wasm_importtype_type(imports.data[3])) == WASM_EXTERN_MEMORY);
  CHECK(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(wasm_importtype_type(imports.data[3])))->max == 2);
  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_vec_t exports_types;
  wasm_module_exports(module, &exports_types);
  CHECK(exports_types.size == 11);
  CHECK(memcmp(wasm_exporttype_name(exports_types.data[0])->data, "eg", 2) == 0);
  wasm_exporttype_vec_delete(&exports_types);

  // Imports: a host function, a global, a table and a memory of the store.
  wasm_functype_t* i32_to_i32 = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* doubler = wasm_func_new(store, i32_to_i32, host_double);
  static int addend = 100;
  wasm_func_t* adder = wasm_func_new_with_env(store, i32_to_i32, host_add_env, &addend, count_environment);
  CHECK(wasm_func_param_arity(adder) == 1 && wasm_func_result_arity(adder) == 1);
  wasm_functype_t* adder_type = wasm_func_type(adder);
  CHECK(wasm_valtype_kind(wasm_functype_results(adder_type)->data[0]) == WASM_I32);
  wasm_functype_delete(adder_type);

  wasm_globaltype_t* i64_var = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_val_t forty = WASM_I64_VAL(40);
  wasm_global_t* global = wasm_global_new(store, i64_var, &forty);
  wasm_globaltype_delete(i64_var);
  wasm_globaltype_t* global_type = wasm_global_type(global);
  CHECK(wasm_globaltype_mutability(global_type) == WASM_VAR);
  wasm_globaltype_delete(global_type);

  wasm_limits_t table_limits = {6, 10};
  wasm_tabletype_t* table_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &table_limits);
  wasm_table_t* table = wasm_table_new(store, table_type, NULL);
  wasm_tabletype_delete(table_type);
  CHECK(wasm_table_size(table) == 6);
  CHECK(wasm_table_set(table, 5, wasm_func_as_ref(adder)));
  CHECK(!wasm_table_set(table, 6, wasm_func_as_ref(adder)));
  CHECK(wasm_table_grow(table, 1, wasm_func_as_ref(doubler)));
  wasm_tabletype_t* grown_type = wasm_table_type(table);
  CHECK(wasm_tabletype_limits(grown_type)->min == 7);
  wasm_tabletype_delete(grown_type);
  wasm_ref_t* element = wasm_table_get(table, 6);
  CHECK(element && wasm_ref_same(element, wasm_func_as_ref(doubler)));
  wasm_ref_delete(element);
  CHECK(wasm_table_get(table, 0) == NULL && wasm_table_get(table, 100) == NULL);

  wasm_limits_t memory_limits = {1, 2};
  wasm_memorytype_t* memory_type = wasm_memorytype_new(&memory_limits);
  wasm_memory_t* memory = wasm_memory_new(store, memory_type);
  wasm_memorytype_delete(memory_type);
  CHECK(wasm_memory_size(memory) == 1 && wasm_memory_data_size(memory) == 65536);
  wasm_memory_data(memory)[8] = 42;

  wasm_extern_t* externs[4] = {wasm_func_as_extern(doubler), wasm_global_as_extern(global),
                               wasm_table_as_extern(table), wasm_memory_as_extern(memory)};
  CHECK(wasm_extern_kind(externs[1]) == WASM_EXTERN_GLOBAL);
  wasm_externtype_t* extern_type = wasm_extern_type(externs[2]);
  CHECK(wasm_externtype_kind(extern_type) == WASM_EXTERN_TABLE);
  wasm_externtype_delete(extern_type);
  CHECK(wasm_extern_as_func_const(wasm_func_as_extern_const(doubler)) == doubler);
  CHECK(wasm_extern_as_global_const(wasm_global_as_extern_const(global)) == global);
  CHECK(wasm_extern_as_table_const(wasm_table_as_extern_const(table)) == table);
  CHECK(wasm_extern_as_memory_const(wasm_memory_as_extern_const(memory)) == memory);
  CHECK(wasm_extern_as_table(externs[3]) == NULL);

  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  CHECK(instance && trap == NULL);
  wasm_extern_vec_t too_few = {1, externs};
  CHECK(wasm_instance_new(store, module, &too_few, &trap) == NULL && trap != NULL);
  wasm_trap_delete(trap);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 11);

  // Calls: a host import, a global, memory, an indirect call into a host
  // function put in the table by the embedder, multiple values.
  wasm_val_t arg[1] = {WASM_I32_VAL(21)}, result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg), results = WASM_ARRAY_VEC(result);
  CHECK(wasm_func_call(export_func(&exports, 1), &args, &results) == NULL && result[0].of.i32 == 42);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_global_set(global, &forty);
  CHECK(wasm_func_call(export_func(&exports, 2), &none, &results) == NULL && result[0].of.i64 == 40);
  arg[0] = (wasm_val_t)WASM_I32_VAL(8);
  CHECK(wasm_func_call(export_func(&exports, 3), &args, &results) == NULL && result[0].of.i32 == 42);
  arg[0] = (wasm_val_t)WASM_I32_VAL(5); // table element 5: the adder
  CHECK(wasm_func_call(export_func(&exports, 4), &args, &results) == NULL && result[0].of.i32 == 105);
  wasm_val_t mix_args[4] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F32_VAL(3), WASM_F64_VAL(4)};
  wasm_val_t mix_results[4];
  wasm_val_vec_t mix_in = WASM_ARRAY_VEC(mix_args), mix_out = WASM_ARRAY_VEC(mix_results);
  CHECK(wasm_func_call(export_func(&exports, 8), &mix_in, &mix_out) == NULL);
  CHECK(mix_results[0].kind == WASM_F64 && mix_results[0].of.f64 == 4 && mix_results[3].of.i32 == 1);
  wasm_val_t wrong[1] = {WASM_F32_VAL(1)};
  wasm_val_vec_t wrong_args = WASM_ARRAY_VEC(wrong);
  wasm_trap_t* misuse = wasm_func_call(export_func(&exports, 1), &wrong_args, &results);
  CHECK(misuse != NULL);
  wasm_trap_delete(misuse);

  // Globals through their exports.
  wasm_global_t* exported_global = wasm_extern_as_global(exports.data[0]);
  wasm_val_t value;
  wasm_global_get(exported_global, &value);
  CHECK(value.kind == WASM_F32 && value.of.f32 == 1.5f);
  wasm_val_t two = WASM_F32_VAL(2);
  wasm_global_set(exported_global, &two);
  wasm_global_get(exported_global, &value);
  CHECK(value.of.f32 == 2.0f);

  // Memory through its export: the same memory as the import.
  wasm_memory_t* exported_memory = wasm_extern_as_memory(exports.data[10]);
  CHECK(wasm_memory_same(exported_memory, memory));
  CHECK(wasm_memory_grow(exported_memory, 1) && wasm_memory_size(memory) == 2);
  CHECK(!wasm_memory_grow(exported_memory, 1));
  wasm_memorytype_t* grown_memory = wasm_memory_type(memory);
  CHECK(wasm_memorytype_limits(grown_memory)->min == 2);
  wasm_memorytype_delete(grown_memory);

  // References through wasm: externref and funcref come back as the same objects.
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_val_t ref_arg[1] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  ref_arg[0].kind = WASM_EXTERNREF;
  wasm_val_t ref_result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t ref_args = WASM_ARRAY_VEC(ref_arg), ref_results = WASM_ARRAY_VEC(ref_result);
  CHECK(wasm_func_call(export_func(&exports, 6), &ref_args, &ref_results) == NULL);
  CHECK(ref_result[0].of.ref && wasm_ref_same(ref_result[0].of.ref, wasm_foreign_as_ref(foreign)));
  CHECK(wasm_ref_as_foreign_const(ref_result[0].of.ref) != NULL);
  wasm_val_t ref_copy;
  wasm_val_copy(&ref_copy, &ref_result[0]);
  wasm_val_delete(&ref_result[0]);
  wasm_val_delete(&ref_copy);
  ref_arg[0] = (wasm_val_t)WASM_REF_VAL(wasm_func_as_ref(doubler));
  ref_arg[0].kind = WASM_FUNCREF;
  CHECK(wasm_func_call(export_func(&exports, 7), &ref_args, &ref_results) == NULL);
  CHECK(wasm_func_same(wasm_ref_as_func(ref_result[0].of.ref), doubler));
  wasm_val_delete(&ref_result[0]);

  // Traps: from wasm, with a frame, and made by the embedder.
  trap = wasm_func_call(export_func(&exports, 5), &none, &none);
  CHECK(trap);
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  CHECK(message.data[message.size - 1] == '\0' && strstr(message.data, "unreachable"));
  wasm_byte_vec_delete(&message);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin && wasm_frame_func_index(origin) == 5);
  (void)wasm_frame_instance(origin);
  (void)wasm_frame_func_offset(origin);
  (void)wasm_frame_module_offset(origin);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size == 1 && wasm_frame_func_index(trace.data[0]) == 5);
  wasm_frame_vec_delete(&trace);
  exercise_vectors(store, origin);
  wasm_frame_delete(origin);
  wasm_message_t text;
  wasm_name_new_from_string_nt(&text, "made here");
  wasm_trap_t* made = wasm_trap_new(store, &text);
  wasm_byte_vec_delete(&text);
  CHECK(wasm_trap_origin(made) == NULL);
  wasm_trap_message(made, &message);
  CHECK(strcmp(message.data, "made here") == 0);
  wasm_byte_vec_delete(&message);

  // Serialization round trip; a corrupted blob is refused.
  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  CHECK(serialized.size > 0);
  wasm_module_t* deserialized = wasm_module_deserialize(store, &serialized);
  CHECK(deserialized);
  serialized.data[serialized.size / 2] ^= 1;
  CHECK(wasm_module_deserialize(store, &serialized) == NULL);
  wasm_byte_vec_delete(&serialized);

  // Sharing a module with another store.
  wasm_shared_module_t* shared = wasm_module_share(module);
  wasm_store_t* other_store = wasm_store_new(engine);
  wasm_module_t* obtained = wasm_module_obtain(other_store, shared);
  CHECK(obtained && wasm_module_same(obtained, module));
  wasm_shared_module_delete(shared);

  // Every reference family.
  wasm_foreign_t* other_foreign = wasm_foreign_new(store);
  wasm_ref_t* foreign_ref = wasm_foreign_as_ref(foreign);
  EXERCISE_REF_BASE(ref, foreign_ref, wasm_foreign_as_ref(other_foreign));
  check_ref_casts_refuse(foreign_ref);
  EXERCISE_REF(trap, trap, made);
  EXERCISE_REF(foreign, foreign, other_foreign);
  EXERCISE_REF(module, module, deserialized);
  EXERCISE_REF(func, doubler, adder);
  EXERCISE_REF(global, global, exported_global);
  EXERCISE_REF(table, table, NULL);
  EXERCISE_REF(memory, memory, NULL);
  EXERCISE_REF(extern, externs[0], externs[1]);
  EXERCISE_REF(instance, instance, NULL);

  int before = finalized;
  wasm_trap_delete(trap); // the last handle of a trap finalizes it
  CHECK(finalized == before + 1);
  wasm_trap_delete(made);
  wasm_module_delete(deserialized);
  wasm_module_delete(obtained);
  wasm_module_delete(module);
  CHECK(finalized == before + 2); // and of a module

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(doubler);
  wasm_func_delete(adder);
  wasm_functype_delete(i32_to_i32);
  wasm_global_delete(global);
  wasm_table_delete(table);
  wasm_memory_delete(memory);
  wasm_foreign_delete(foreign);
  wasm_foreign_delete(other_foreign);
  wasm_byte_vec_delete(&binary);
  wasm_byte_vec_delete(&garbage);
  wasm_store_delete(other_store);
  before = finalized;
  wasm_store_delete(store);
  // The store's objects with finalizers: foreign, func, global, table,
  // memory, instance, and the adder's environment.
  CHECK(finalized == before + 7);
  wasm_engine_delete(engine);
  printf("capi coverage: ok\n");
  return 0;
}
