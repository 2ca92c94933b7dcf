// The reference families of wasm.h: delete, copy, same, host info, and the
// casts to and from wasm_ref_t, for every reference type. All are views of
// one wasm_ref_t (Handles.h).

#include "embed/capi/Handles.h"

namespace wasmc::capi {

HostInfo& hostInfoOf(const wasm_ref_t* ref) {
  switch (ref->kind) {
  case RefKind::Module: return static_cast<ModuleObject*>(const_cast<void*>(ref->object))->hostInfo;
  case RefKind::Trap: return static_cast<TrapObject*>(const_cast<void*>(ref->object))->hostInfo;
  default: return ref->store->hostInfo[ref->object];
  }
}

namespace {

bool isExternKind(RefKind kind) {
  return kind == RefKind::Func || kind == RefKind::Global || kind == RefKind::Table || kind == RefKind::Memory;
}

bool hasKind(const wasm_ref_t* ref, RefKind kind) { return ref && ref->kind == kind; }
bool hasExternKind(const wasm_ref_t* ref, RefKind) { return ref && isExternKind(ref->kind); }

} // namespace

} // namespace wasmc::capi

using namespace wasmc::capi;

#define WASMC_REF_BASE(name)                                                                                        \
  void wasm_##name##_delete(wasm_##name##_t* handle) { delete refOf(handle); }                                    \
  wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* handle) {                                            \
    return handle ? reinterpret_cast<wasm_##name##_t*>(new wasm_ref_t(*refOf(handle))) : nullptr;                 \
  }                                                                                                               \
  bool wasm_##name##_same(const wasm_##name##_t* a, const wasm_##name##_t* b) {                                   \
    return a && b ? refOf(a)->object == refOf(b)->object : a == b;                                                \
  }                                                                                                               \
  void* wasm_##name##_get_host_info(const wasm_##name##_t* handle) { return hostInfoOf(refOf(handle)).info; }     \
  void wasm_##name##_set_host_info(wasm_##name##_t* handle, void* info) {                                         \
    hostInfoOf(refOf(handle)).set(info, nullptr);                                                                 \
  }                                                                                                               \
  void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t* handle, void* info, void (*finalizer)(void*)) { \
    hostInfoOf(refOf(handle)).set(info, finalizer);                                                               \
  }

// `matches` decides whether a wasm_ref_t may be viewed as this type.
#define WASMC_REF(name, matches, KIND)                                                                              \
  WASMC_REF_BASE(name)                                                                                            \
  wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t* handle) { return refOf(handle); }                             \
  const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t* handle) { return refOf(handle); }           \
  wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t* ref) {                                                          \
    return matches(ref, KIND) ? reinterpret_cast<wasm_##name##_t*>(ref) : nullptr;                                \
  }                                                                                                               \
  const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t* ref) {                                      \
    return matches(ref, KIND) ? reinterpret_cast<const wasm_##name##_t*>(ref) : nullptr;                          \
  }

extern "C" {

WASMC_REF_BASE(ref)
WASMC_REF(trap, hasKind, RefKind::Trap)
WASMC_REF(foreign, hasKind, RefKind::Foreign)
WASMC_REF(module, hasKind, RefKind::Module)
WASMC_REF(func, hasKind, RefKind::Func)
WASMC_REF(global, hasKind, RefKind::Global)
WASMC_REF(table, hasKind, RefKind::Table)
WASMC_REF(memory, hasKind, RefKind::Memory)
WASMC_REF(extern, hasExternKind, RefKind::Func)
WASMC_REF(instance, hasKind, RefKind::Instance)

} // extern "C"
