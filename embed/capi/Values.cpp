// wasm_val_t: conversion to and from the runtime's values, and the value
// functions of wasm.h.

#include "embed/capi/Handles.h"

#include <cstring>

namespace wasmc::capi {

namespace {

/// The externref value for a reference: one target per object and store.
const ExternRefTarget* externRefTarget(wasm_store_t* store, const wasm_ref_t* ref) {
  std::unique_ptr<ExternRefTarget>& target = store->externRefs[ref->object];
  if (!target)
    target = std::make_unique<ExternRefTarget>(ExternRefTarget{ref->kind, ref->object, ref->owner});
  return target.get();
}

template <class T>
rt::Value bitsOf(wasm::ValType type, const T& value) {
  rt::Value out;
  out.type = type;
  std::memcpy(out.slot.bytes, &value, sizeof value);
  return out;
}

} // namespace

bool toRuntimeValue(wasm_store_t* store, const wasm_val_t& value, wasm::ValType type, rt::Value& out) {
  switch (type) {
  case wasm::ValType::I32: out = bitsOf(type, value.of.i32); return value.kind == WASM_I32;
  case wasm::ValType::I64: out = bitsOf(type, value.of.i64); return value.kind == WASM_I64;
  case wasm::ValType::F32: out = bitsOf(type, value.of.f32); return value.kind == WASM_F32;
  case wasm::ValType::F64: out = bitsOf(type, value.of.f64); return value.kind == WASM_F64;
  case wasm::ValType::V128: return false; // wasm_val_t cannot hold one
  case wasm::ValType::FuncRef: {
    if (value.kind != WASM_FUNCREF)
      return false;
    const wasm_ref_t* ref = value.of.ref;
    if (ref && (ref->kind != RefKind::Func || ref->store != store))
      return false;
    out = rt::Value::ref(type, ref ? static_cast<const rt::Function*>(ref->object)->ref : nullptr);
    return true;
  }
  case wasm::ValType::ExternRef: {
    if (value.kind != WASM_EXTERNREF)
      return false;
    const wasm_ref_t* ref = value.of.ref;
    if (ref && ref->store != store)
      return false;
    out = rt::Value::ref(type, ref ? externRefTarget(store, ref) : nullptr);
    return true;
  }
  }
  return false;
}

wasm_val_t fromRuntimeValue(wasm_store_t* store, const rt::Value& value) {
  // Every byte zero: `wasm_val_t out{}` zeroes only the union's first
  // member (i32), and a null reference must read as null.
  wasm_val_t out;
  std::memset(&out, 0, sizeof out);
  switch (value.type) {
  case wasm::ValType::I32: out.kind = WASM_I32; out.of.i32 = static_cast<int32_t>(value.asI32()); break;
  case wasm::ValType::I64: out.kind = WASM_I64; out.of.i64 = static_cast<int64_t>(value.asI64()); break;
  case wasm::ValType::F32: out.kind = WASM_F32; out.of.f32 = value.read<float>(); break;
  case wasm::ValType::F64: out.kind = WASM_F64; out.of.f64 = value.read<double>(); break;
  case wasm::ValType::V128: out.kind = kV128Kind; break;
  case wasm::ValType::FuncRef:
    out.kind = WASM_FUNCREF;
    if (const rt::Function* function = rt::Function::fromRef(value.asRef()))
      out.of.ref = newHandle<wasm_ref_t>(RefKind::Func, store, function);
    break;
  case wasm::ValType::ExternRef:
    out.kind = WASM_EXTERNREF;
    if (const auto* target = static_cast<const ExternRefTarget*>(value.asRef()))
      out.of.ref = newHandle<wasm_ref_t>(target->kind, store, target->object, target->owner);
    break;
  }
  return out;
}

} // namespace wasmc::capi

extern "C" {

void wasm_val_delete(wasm_val_t* value) {
  if (wasm_valkind_is_ref(value->kind) && value->of.ref) {
    wasm_ref_delete(value->of.ref);
    value->of.ref = nullptr;
  }
}

void wasm_val_copy(wasm_val_t* out, const wasm_val_t* value) {
  *out = *value;
  if (wasm_valkind_is_ref(value->kind) && value->of.ref)
    out->of.ref = wasm_ref_copy(value->of.ref);
}

} // extern "C"
