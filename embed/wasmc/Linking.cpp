// wasmc.h: linking by name, running WASI commands, and host functions that
// see their caller.

#include "embed/wasmc/Extensions.h"

#include "runtime/CallState.h"
#include "runtime/Instance.h"
#include "runtime/Invoke.h"

using namespace wasmc;
using namespace wasmc::capi;

namespace {

const rt::Function* exportedFunction(const rt::Instance& instance, const char* name) {
  const rt::Extern* found = instance.findExport(name);
  return found && found->kind == wasm::ExternKind::Func ? found->func : nullptr;
}

} // namespace

wasmc_error_t* wasmc::capi::finishInstantiation(wasm_store_t* store, Expected<rt::Instance*> instance,
                                                std::optional<rt::Trap> startTrap, wasi::WasiCtx* wasi,
                                                wasm_instance_t** out, wasm_trap_t** trap) {
  if (!instance) {
    if (!startTrap)
      return newError(std::move(instance).error());
    if (trap) {
      std::string message = startTrap->message();
      *trap = newTrap(store, std::move(*startTrap), std::move(message));
    }
    return nullptr;
  }
  if (const rt::Extern* memory = (*instance)->findExport("memory");
      wasi && memory && memory->kind == wasm::ExternKind::Memory)
    wasi->bindMemory(memory->memory->memory.get());
  *out = newHandle<wasm_instance_t>(RefKind::Instance, store, *instance);
  return nullptr;
}

/// The instance of the wasm function the embedder called on this thread
/// (calls between instances do not change it).
rt::Instance* wasmc::capi::callingInstance() {
  const rt::Activation* activation = rt::currentActivation();
  return activation && activation->vmctx ? rt::Instance::fromVmctx(static_cast<abi::VMContext*>(activation->vmctx))
                                         : nullptr;
}

extern "C" {

wasmc_linker_t* wasmc_linker_new(wasm_store_t* store) { return new wasmc_linker_t{store, {}, nullptr, {-1, -1, -1}}; }
void wasmc_linker_delete(wasmc_linker_t* linker) { delete linker; }

wasmc_error_t* wasmc_linker_define(wasmc_linker_t* linker, const char* module, const char* name,
                                   const wasm_extern_t* item) {
  if (!module || !name || !item)
    return usageError("wasmc_linker_define: module, name and item must not be null");
  if (refOf(item)->store != linker->store)
    return usageError(std::string("wasmc_linker_define: ") + module + "." + name + " belongs to another store");
  linker->linker.define(module, name, externOf(item));
  return nullptr;
}

wasmc_error_t* wasmc_linker_define_instance(wasmc_linker_t* linker, const char* module,
                                            const wasm_instance_t* instance) {
  if (!module || !instance)
    return usageError("wasmc_linker_define_instance: module and instance must not be null");
  if (refOf(instance)->store != linker->store)
    return usageError("wasmc_linker_define_instance: the instance belongs to another store");
  linker->linker.defineInstance(module, *instanceOf(instance));
  return nullptr;
}

wasmc_error_t* wasmc_linker_instantiate(wasmc_linker_t* linker, const wasm_module_t* module, wasm_instance_t** out,
                                        wasm_trap_t** trap) {
  *out = nullptr;
  if (trap)
    *trap = nullptr;
  std::optional<rt::Trap> startTrap;
  Expected<rt::Instance*> instance = rt::Instance::instantiate(linker->store->runtime, moduleOf(module)->compiled,
                                                               linker->linker, &startTrap);
  return finishInstantiation(linker->store, std::move(instance), std::move(startTrap), linker->wasi, out, trap);
}

wasm_extern_t* wasmc_linker_get(const wasmc_linker_t* linker, const char* module, const char* name) {
  const rt::Extern* found = module && name ? linker->linker.find(module, name) : nullptr;
  if (!found)
    return nullptr;
  rt::Extern value = *found;
  if (value.hostDef) { // a definition for any store (WASI's): this store's function for it
    value.func = linker->store->runtime.hostFunction(*value.hostDef);
    value.hostDef = nullptr;
  }
  return newExtern(linker->store, value);
}

int32_t wasmc_instance_run_wasi_command(const wasm_instance_t* instance, wasm_trap_t** trap) {
  if (trap)
    *trap = nullptr;
  wasm_store_t* store = refOf(instance)->store;
  const rt::Function* start = exportedFunction(*instanceOf(instance), "_start");
  if (!start || !start->type.params.empty() || !start->type.results.empty()) {
    if (trap)
      *trap = newErrorTrap(store, "not a WASI command: no \"_start\" export of type () -> ()");
    return 1;
  }
  rt::CallResult result = rt::callFunction(store->runtime, *start, {});
  if (!result.trap)
    return 0;
  if (result.trap->code == abi::TrapCode::Exit)
    return result.trap->exitCode;
  if (trap) {
    std::string message = result.trap->message();
    *trap = newTrap(store, std::move(*result.trap), std::move(message));
  }
  return 1;
}

wasm_func_t* wasmc_func_new(wasm_store_t* store, const wasm_functype_t* type, wasmc_func_callback_t callback,
                            void* env, void (*finalizer)(void*)) {
  if (finalizer)
    store->environments.push_back(HostInfo{env, finalizer});
  return newHostFunction(store, type, [store, callback, env](const wasm_val_vec_t* args, wasm_val_vec_t* results) {
    wasmc_caller_t caller{store, callingInstance()};
    return callback(env, &caller, args, results);
  });
}

wasm_extern_t* wasmc_caller_export_get(wasmc_caller_t* caller, const char* name) {
  const rt::Extern* found = caller->instance && name ? caller->instance->findExport(name) : nullptr;
  return found ? newExtern(caller->store, *found) : nullptr;
}

wasm_store_t* wasmc_caller_store(const wasmc_caller_t* caller) { return caller->store; }

wasm_memory_t* wasmc_caller_memory(wasmc_caller_t* caller) {
  const rt::Extern* found = caller->instance ? caller->instance->findExport("memory") : nullptr;
  return found && found->kind == wasm::ExternKind::Memory
             ? newHandle<wasm_memory_t>(RefKind::Memory, caller->store, found->memory)
             : nullptr;
}

} // extern "C"

// --- interruption -------------------------------------------------------------

extern "C" {

void wasmc_config_interruptible_set(wasm_config_t* config, bool enabled) {
  config->settings.options.interruptible = enabled;
}

void wasmc_store_interrupt(wasm_store_t* store) { store->runtime.interrupt(); }

void wasmc_store_set_timeout(wasm_store_t* store, uint64_t ns) {
  store->timeout.reset();
  if (ns)
    store->timeout = std::make_unique<rt::Deadline>(store->runtime, ns);
}

void wasmc_engine_increment_epoch(wasm_engine_t* engine) { engine->epochs.increment(); }

uint64_t wasmc_engine_epoch(const wasm_engine_t* engine) { return engine->epochs.epoch(); }

void wasmc_store_set_epoch_deadline(wasm_store_t* store, uint64_t ticks) {
  store->engine->epochs.arm(store->runtime, ticks);
}

void wasmc_store_set_epoch_deadline_callback(wasm_store_t* store, wasmc_epoch_deadline_callback_t callback, void* env,
                                             void (*finalizer)(void*)) {
  store->engine->epochs.setCallback(store->runtime, countCallback(callback, env, finalizer));
}

} // extern "C"
