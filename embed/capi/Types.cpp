// The type handles of wasm.h (value, function, global, table, memory,
// extern, import and export types) and their conversion to and from the
// module model.

#include "embed/capi/Handles.h"

namespace wasmc::capi {

namespace {

wasm_valtype_t* copyOrNull(const wasm_valtype_t* type) { return type ? wasm_valtype_copy(type) : nullptr; }

wasm_limits_t fromLimits(const wasm::Limits& limits) {
  return {limits.min, limits.hasMax ? limits.max : wasm_limits_max_default};
}

void fillValTypes(wasm_valtype_vec_t* out, const std::vector<wasm::ValType>& types) {
  wasm_valtype_vec_new_uninitialized(out, types.size());
  for (size_t i = 0; i < types.size(); ++i)
    out->data[i] = newValType(types[i]);
}

std::vector<wasm::ValType> toValTypes(const wasm_valtype_vec_t& types) {
  std::vector<wasm::ValType> out;
  for (size_t i = 0; i < types.size; ++i) {
    wasm::ValType type = wasm::ValType::I32;
    toValType(types.data[i]->kind, type);
    out.push_back(type);
  }
  return out;
}

} // namespace

wasm_valtype_t* newValType(wasm::ValType type) {
  switch (type) {
  case wasm::ValType::I32: return wasm_valtype_new(WASM_I32);
  case wasm::ValType::I64: return wasm_valtype_new(WASM_I64);
  case wasm::ValType::F32: return wasm_valtype_new(WASM_F32);
  case wasm::ValType::F64: return wasm_valtype_new(WASM_F64);
  case wasm::ValType::V128: return wasm_valtype_new(kV128Kind);
  case wasm::ValType::FuncRef: return wasm_valtype_new(WASM_FUNCREF);
  case wasm::ValType::ExternRef: return wasm_valtype_new(WASM_EXTERNREF);
  }
  return wasm_valtype_new(WASM_I32);
}

bool toValType(wasm_valkind_t kind, wasm::ValType& out) {
  switch (kind) {
  case WASM_I32: out = wasm::ValType::I32; return true;
  case WASM_I64: out = wasm::ValType::I64; return true;
  case WASM_F32: out = wasm::ValType::F32; return true;
  case WASM_F64: out = wasm::ValType::F64; return true;
  case kV128Kind: out = wasm::ValType::V128; return true;
  case WASM_FUNCREF: out = wasm::ValType::FuncRef; return true;
  case WASM_EXTERNREF: out = wasm::ValType::ExternRef; return true;
  }
  return false;
}

wasm::FuncType toFuncType(const wasm_functype_t* type) { return {toValTypes(type->params), toValTypes(type->results)}; }

wasm_functype_t* newFuncType(const wasm::FuncType& type) {
  auto* out = new wasm_functype_t{{WASM_EXTERN_FUNC}, {}, {}};
  fillValTypes(&out->params, type.params);
  fillValTypes(&out->results, type.results);
  return out;
}

wasm_globaltype_t* newGlobalType(const wasm::GlobalType& type) {
  return wasm_globaltype_new(newValType(type.type), type.isMutable ? WASM_VAR : WASM_CONST);
}

wasm_tabletype_t* newTableType(const wasm::TableType& type) {
  wasm_limits_t limits = fromLimits(type.limits);
  return wasm_tabletype_new(newValType(type.elemType), &limits);
}

wasm_memorytype_t* newMemoryType(const wasm::MemoryType& type) {
  wasm_limits_t limits = fromLimits(type.limits);
  return wasm_memorytype_new(&limits);
}

wasm::Limits toLimits(const wasm_limits_t& limits) {
  return {limits.min, limits.max, limits.max != wasm_limits_max_default};
}

} // namespace wasmc::capi

using namespace wasmc::capi;

extern "C" {

// --- value types -------------------------------------------------------

wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) { return new wasm_valtype_t{kind}; }
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* type) { return type->kind; }
wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* type) { return new wasm_valtype_t{*type}; }
void wasm_valtype_delete(wasm_valtype_t* type) { delete type; }

// --- function types ----------------------------------------------------

wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  // Takes the vectors' elements over; the embedder's structs are left empty.
  auto* type = new wasm_functype_t{{WASM_EXTERN_FUNC}, *params, *results};
  *params = {0, nullptr};
  *results = {0, nullptr};
  return type;
}
const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* type) { return &type->params; }
const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* type) { return &type->results; }
wasm_functype_t* wasm_functype_copy(const wasm_functype_t* type) {
  auto* out = new wasm_functype_t{{WASM_EXTERN_FUNC}, {}, {}};
  wasm_valtype_vec_copy(&out->params, &type->params);
  wasm_valtype_vec_copy(&out->results, &type->results);
  return out;
}
void wasm_functype_delete(wasm_functype_t* type) {
  if (!type)
    return;
  wasm_valtype_vec_delete(&type->params);
  wasm_valtype_vec_delete(&type->results);
  delete type;
}

// --- global types ------------------------------------------------------

wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t mutability) {
  return new wasm_globaltype_t{{WASM_EXTERN_GLOBAL}, content, mutability};
}
const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* type) { return type->content; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* type) { return type->mutability; }
wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* type) {
  return new wasm_globaltype_t{{WASM_EXTERN_GLOBAL}, copyOrNull(type->content), type->mutability};
}
void wasm_globaltype_delete(wasm_globaltype_t* type) {
  if (!type)
    return;
  wasm_valtype_delete(type->content);
  delete type;
}

// --- table types -------------------------------------------------------

wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element, const wasm_limits_t* limits) {
  return new wasm_tabletype_t{{WASM_EXTERN_TABLE}, element, *limits};
}
const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* type) { return type->element; }
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* type) { return &type->limits; }
wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* type) {
  return new wasm_tabletype_t{{WASM_EXTERN_TABLE}, copyOrNull(type->element), type->limits};
}
void wasm_tabletype_delete(wasm_tabletype_t* type) {
  if (!type)
    return;
  wasm_valtype_delete(type->element);
  delete type;
}

// --- memory types ------------------------------------------------------

wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) {
  return new wasm_memorytype_t{{WASM_EXTERN_MEMORY}, *limits};
}
const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* type) { return &type->limits; }
wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* type) { return new wasm_memorytype_t{*type}; }
void wasm_memorytype_delete(wasm_memorytype_t* type) { delete type; }

// --- extern types ------------------------------------------------------
// A function, global, table or memory type is an extern type: the casts
// return the same object.

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* type) { return type->kind; }

wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* type) {
  switch (type->kind) {
  case WASM_EXTERN_FUNC: return wasm_functype_copy(static_cast<const wasm_functype_t*>(type));
  case WASM_EXTERN_GLOBAL: return wasm_globaltype_copy(static_cast<const wasm_globaltype_t*>(type));
  case WASM_EXTERN_TABLE: return wasm_tabletype_copy(static_cast<const wasm_tabletype_t*>(type));
  default: return wasm_memorytype_copy(static_cast<const wasm_memorytype_t*>(type));
  }
}

void wasm_externtype_delete(wasm_externtype_t* type) {
  if (!type)
    return;
  switch (type->kind) {
  case WASM_EXTERN_FUNC: wasm_functype_delete(static_cast<wasm_functype_t*>(type)); break;
  case WASM_EXTERN_GLOBAL: wasm_globaltype_delete(static_cast<wasm_globaltype_t*>(type)); break;
  case WASM_EXTERN_TABLE: wasm_tabletype_delete(static_cast<wasm_tabletype_t*>(type)); break;
  default: wasm_memorytype_delete(static_cast<wasm_memorytype_t*>(type)); break;
  }
}

#define WASMC_EXTERNTYPE_CASTS(name, KIND)                                                                         \
  wasm_externtype_t* wasm_##name##_as_externtype(wasm_##name##_t* type) { return type; }                        \
  const wasm_externtype_t* wasm_##name##_as_externtype_const(const wasm_##name##_t* type) { return type; }      \
  wasm_##name##_t* wasm_externtype_as_##name(wasm_externtype_t* type) {                                          \
    return type && type->kind == KIND ? static_cast<wasm_##name##_t*>(type) : nullptr;                           \
  }                                                                                                              \
  const wasm_##name##_t* wasm_externtype_as_##name##_const(const wasm_externtype_t* type) {                     \
    return type && type->kind == KIND ? static_cast<const wasm_##name##_t*>(type) : nullptr;                     \
  }

WASMC_EXTERNTYPE_CASTS(functype, WASM_EXTERN_FUNC)
WASMC_EXTERNTYPE_CASTS(globaltype, WASM_EXTERN_GLOBAL)
WASMC_EXTERNTYPE_CASTS(tabletype, WASM_EXTERN_TABLE)
WASMC_EXTERNTYPE_CASTS(memorytype, WASM_EXTERN_MEMORY)

// --- import and export types -------------------------------------------

wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name, wasm_externtype_t* type) {
  auto* out = new wasm_importtype_t{*module, *name, type};
  *module = {0, nullptr};
  *name = {0, nullptr};
  return out;
}
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* type) { return &type->module; }
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* type) { return &type->name; }
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* type) { return type->type; }
wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* type) {
  auto* out = new wasm_importtype_t{{}, {}, wasm_externtype_copy(type->type)};
  wasm_byte_vec_copy(&out->module, &type->module);
  wasm_byte_vec_copy(&out->name, &type->name);
  return out;
}
void wasm_importtype_delete(wasm_importtype_t* type) {
  if (!type)
    return;
  wasm_byte_vec_delete(&type->module);
  wasm_byte_vec_delete(&type->name);
  wasm_externtype_delete(type->type);
  delete type;
}

wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto* out = new wasm_exporttype_t{*name, type};
  *name = {0, nullptr};
  return out;
}
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* type) { return &type->name; }
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* type) { return type->type; }
wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* type) {
  auto* out = new wasm_exporttype_t{{}, wasm_externtype_copy(type->type)};
  wasm_byte_vec_copy(&out->name, &type->name);
  return out;
}
void wasm_exporttype_delete(wasm_exporttype_t* type) {
  if (!type)
    return;
  wasm_byte_vec_delete(&type->name);
  wasm_externtype_delete(type->type);
  delete type;
}

} // extern "C"
