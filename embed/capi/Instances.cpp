// Module instances: instantiation with imports in the module's order, and
// the exports.

#include "embed/capi/Handles.h"

#include "runtime/Instance.h"

using namespace wasmc;
using namespace wasmc::capi;

extern "C" {

wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module, const wasm_extern_vec_t* imports,
                                   wasm_trap_t** trap) {
  if (trap)
    *trap = nullptr;
  size_t count = imports ? imports->size : 0;
  std::vector<rt::Extern> externs(count);
  std::vector<const rt::Extern*> provided(moduleOf(module)->compiled->module().imports.size(), nullptr);
  for (size_t i = 0; i < count && i < provided.size(); ++i) {
    if (!imports->data[i] || refOf(imports->data[i])->store != store)
      continue; // an unknown import
    externs[i] = externOf(imports->data[i]);
    provided[i] = &externs[i];
  }
  std::optional<rt::Trap> startTrap;
  Expected<rt::Instance*> instance =
      rt::Instance::instantiate(store->runtime, moduleOf(module)->compiled, provided, &startTrap);
  if (!instance) {
    if (trap)
      *trap = startTrap ? newTrap(store, std::move(*startTrap), instance.error().message)
                        : newErrorTrap(store, instance.error().message);
    return nullptr;
  }
  return newHandle<wasm_instance_t>(RefKind::Instance, store, *instance);
}

void wasm_instance_exports(const wasm_instance_t* handle, wasm_extern_vec_t* out) {
  const auto& exports = instanceOf(handle)->exports();
  wasm_extern_vec_new_uninitialized(out, exports.size());
  for (size_t i = 0; i < exports.size(); ++i)
    out->data[i] = newExtern(refOf(handle)->store, exports[i].second);
}

} // extern "C"
