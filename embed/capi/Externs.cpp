// Externals: functions, globals, tables and memories viewed as what an
// instance imports and exports.

#include "embed/capi/Handles.h"

namespace wasmc::capi {

wasm_extern_t* newExtern(wasm_store_t* store, const rt::Extern& value) {
  switch (value.kind) {
  case wasm::ExternKind::Func: return newHandle<wasm_extern_t>(RefKind::Func, store, value.func);
  case wasm::ExternKind::Global: return newHandle<wasm_extern_t>(RefKind::Global, store, value.global);
  case wasm::ExternKind::Table: return newHandle<wasm_extern_t>(RefKind::Table, store, value.table);
  case wasm::ExternKind::Memory: return newHandle<wasm_extern_t>(RefKind::Memory, store, value.memory);
  }
  return nullptr;
}

rt::Extern externOf(const wasm_extern_t* handle) {
  rt::Extern out;
  switch (refOf(handle)->kind) {
  case RefKind::Func: out.kind = wasm::ExternKind::Func, out.func = objectOf<rt::Function>(handle); break;
  case RefKind::Global: out.kind = wasm::ExternKind::Global, out.global = objectOf<rt::Global>(handle); break;
  case RefKind::Table: out.kind = wasm::ExternKind::Table, out.table = objectOf<rt::Table>(handle); break;
  default: out.kind = wasm::ExternKind::Memory, out.memory = objectOf<rt::MemoryInstance>(handle); break;
  }
  return out;
}

} // namespace wasmc::capi

using namespace wasmc::capi;

extern "C" {

wasm_externkind_t wasm_extern_kind(const wasm_extern_t* handle) {
  switch (refOf(handle)->kind) {
  case RefKind::Func: return WASM_EXTERN_FUNC;
  case RefKind::Global: return WASM_EXTERN_GLOBAL;
  case RefKind::Table: return WASM_EXTERN_TABLE;
  default: return WASM_EXTERN_MEMORY;
  }
}

wasm_externtype_t* wasm_extern_type(const wasm_extern_t* handle) {
  switch (refOf(handle)->kind) {
  case RefKind::Func: return wasm_func_type(wasm_extern_as_func_const(handle));
  case RefKind::Global: return wasm_global_type(wasm_extern_as_global_const(handle));
  case RefKind::Table: return wasm_table_type(wasm_extern_as_table_const(handle));
  default: return wasm_memory_type(wasm_extern_as_memory_const(handle));
  }
}

#define WASMC_EXTERN_CASTS(name, KIND)                                                                              \
  wasm_extern_t* wasm_##name##_as_extern(wasm_##name##_t* handle) { return reinterpret_cast<wasm_extern_t*>(handle); } \
  const wasm_extern_t* wasm_##name##_as_extern_const(const wasm_##name##_t* handle) {                             \
    return reinterpret_cast<const wasm_extern_t*>(handle);                                                        \
  }                                                                                                               \
  wasm_##name##_t* wasm_extern_as_##name(wasm_extern_t* handle) {                                                 \
    return handle && refOf(handle)->kind == KIND ? reinterpret_cast<wasm_##name##_t*>(handle) : nullptr;          \
  }                                                                                                               \
  const wasm_##name##_t* wasm_extern_as_##name##_const(const wasm_extern_t* handle) {                             \
    return handle && refOf(handle)->kind == KIND ? reinterpret_cast<const wasm_##name##_t*>(handle) : nullptr;    \
  }

WASMC_EXTERN_CASTS(func, RefKind::Func)
WASMC_EXTERN_CASTS(global, RefKind::Global)
WASMC_EXTERN_CASTS(table, RefKind::Table)
WASMC_EXTERN_CASTS(memory, RefKind::Memory)

} // extern "C"
