// Calls a wasm function from C through the standard API: the README's
// embedding example, built out of tree against an installed wasmc.
#include <stdio.h>
#include <wasm.h>

int main(void) {
  // (module (func (export "add") (param i32 i32) (result i32)
  //   local.get 0 local.get 1 i32.add))
  static const char bytes[] = "\0asm\1\0\0\0\1\7\1`\2\x7f\x7f\1\x7f\3\2\1\0\7\7\1\3add\0\0\n\t\1\7\0 \0 \1j\v";
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary = {sizeof bytes - 1, (char*)bytes};
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  wasm_instance_exports(instance, &exports);
  wasm_val_t args[2] = {WASM_I32_VAL(40), WASM_I32_VAL(2)}, results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args), result_vec = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &arg_vec, &result_vec);
  printf("add(40, 2) = %d\n", trap ? -1 : results[0].of.i32);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return trap != NULL;
}
