// wasmc.h: pre-linked modules. A linker's store-independent definitions
// (wasmc_linker_define_func, WASI) resolve a module's imports once; each
// store then instantiates it without lookups, its WASI calls going to the
// store's own context.

#include "embed/wasmc/Extensions.h"

#include "runtime/Instance.h"
#include "runtime/InstancePre.h"

using namespace wasmc;
using namespace wasmc::capi;

namespace {

constexpr const char* kWasiModule = "wasi_snapshot_preview1";

/// The store's own WASI context for a pre-linked instance: made from
/// `config` (replacing the one it had), or the one it has, or the defaults.
Expected<void> provideWasi(wasm_store_t* store, std::unique_ptr<wasmc_wasi_config_t> config) {
  if (store->wasi && !config)
    return {};
  if (!config)
    config = std::make_unique<wasmc_wasi_config_t>();
  auto ctx = std::make_unique<wasi::WasiCtx>();
  int outputs[3] = {-1, -1, -1};
  if (Expected<void> configured = configureWasi(*ctx, *config, outputs); !configured) {
    closeWasiOutputs(outputs);
    return configured;
  }
  closeWasiOutputs(store->wasiOutputs);
  std::copy(std::begin(outputs), std::end(outputs), store->wasiOutputs);
  wasi::attach(store->runtime, *ctx);
  store->wasi = ctx.get();
  store->wasiContexts.push_back(std::move(ctx)); // earlier instances may still hold pointers into the old one
  return {};
}

} // namespace

extern "C" {

wasmc_error_t* wasmc_linker_define_func(wasmc_linker_t* linker, const char* module, const char* name,
                                        const wasm_functype_t* type, wasmc_func_callback_t callback, void* env,
                                        void (*finalizer)(void*)) {
  if (!module || !name || !type || !callback)
    return usageError("wasmc_linker_define_func: module, name, type and callback must not be null");
  // The environment lives as long as the definition: the linker and every
  // store's function for it.
  std::shared_ptr<void> environment(env, [finalizer](void* data) {
    if (finalizer)
      finalizer(data);
  });
  wasm::FuncType funcType = toFuncType(type);
  auto definition = rt::HostFuncDef::make(
      funcType, [funcType, callback, environment](rt::Store& runtime, std::span<abi::Slot> slots) {
        wasm_store_t* store = storeOf(runtime);
        wasmc_caller_t caller{store, callingInstance()};
        return callHostCallback(store, funcType,
                                [&](const wasm_val_vec_t* args, wasm_val_vec_t* results) {
                                  return callback(environment.get(), &caller, args, results);
                                },
                                slots);
      });
  linker->linker.defineHostFunc(module, name, std::move(definition));
  return nullptr;
}

wasmc_error_t* wasmc_linker_instantiate_pre(const wasmc_linker_t* linker, const wasm_module_t* module,
                                            wasmc_instance_pre_t** out) {
  *out = nullptr;
  if (!module)
    return usageError("wasmc_linker_instantiate_pre: module must not be null");
  const std::shared_ptr<const rt::CompiledModule>& compiled = moduleOf(module)->compiled;
  // The imports as this linker defines them, but its WASI (bound to the
  // linker's own context) as the definitions that use each store's.
  rt::Linker resolved;
  bool importsWasi = false;
  for (const wasm::Import& import : compiled->module().imports) {
    if (import.module == kWasiModule && linker->wasi) {
      importsWasi = true;
      continue;
    }
    if (const rt::Extern* found = linker->linker.find(import.module, import.name))
      resolved.define(import.module, import.name, *found);
  }
  if (importsWasi)
    wasi::addToLinker(resolved);
  Expected<rt::InstancePre> pre = rt::InstancePre::create(compiled, resolved);
  if (!pre)
    return newError(std::move(pre).error());
  *out = new wasmc_instance_pre_t{linker->store->engine, std::move(*pre), importsWasi};
  return nullptr;
}

wasmc_error_t* wasmc_instance_pre_instantiate(const wasmc_instance_pre_t* pre, wasm_store_t* store,
                                              wasmc_wasi_config_t* wasi, wasm_instance_t** out, wasm_trap_t** trap) {
  std::unique_ptr<wasmc_wasi_config_t> config(wasi);
  *out = nullptr;
  if (trap)
    *trap = nullptr;
  if (!pre || !store)
    return usageError("wasmc_instance_pre_instantiate: pre and store must not be null");
  if (store->engine != pre->engine)
    return usageError("wasmc_instance_pre_instantiate: the store belongs to another engine than the linker's");
  if (pre->importsWasi)
    if (Expected<void> provided = provideWasi(store, std::move(config)); !provided)
      return newError(std::move(provided).error());
  std::optional<rt::Trap> startTrap;
  Expected<rt::Instance*> instance = pre->pre.instantiate(store->runtime, &startTrap);
  return finishInstantiation(store, std::move(instance), std::move(startTrap), pre->importsWasi ? store->wasi : nullptr,
                             out, trap);
}

void wasmc_instance_pre_delete(wasmc_instance_pre_t* pre) { delete pre; }

bool wasmc_store_wasi_output(const wasm_store_t* store, int fd, wasm_byte_vec_t* out) {
  return readWasiOutput(store->wasiOutputs, fd, out);
}

} // extern "C"
