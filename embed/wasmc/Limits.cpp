// Store resource limits and fuel (wasmc.h "fuel", "resource limits"):
// forwarded to rt::StoreLimits and the store's fuel, which the runtime and
// the compiled code enforce.

#include "embed/wasmc/Extensions.h"

using namespace wasmc;
using namespace wasmc::capi;

namespace {

/// `value` if given (non-negative), else the default the runtime has.
uint64_t limitOr(int64_t value, uint64_t fallback) { return value < 0 ? fallback : uint64_t(value); }

} // namespace

extern "C" {

void wasmc_config_consume_fuel_set(wasm_config_t* config, bool enabled) { config->settings.options.fuel = enabled; }

bool wasmc_store_set_fuel(wasm_store_t* store, uint64_t fuel) {
  if (fuel > uint64_t(INT64_MAX))
    return false;
  store->runtime.setFuel(static_cast<int64_t>(fuel));
  return true;
}

int64_t wasmc_store_fuel(const wasm_store_t* store) { return store->runtime.fuel(); }

void wasmc_store_set_refuel_callback(wasm_store_t* store, wasmc_refuel_callback_t callback, void* env,
                                     void (*finalizer)(void*)) {
  store->runtime.setRefuelCallback(countCallback(callback, env, finalizer));
}

void wasmc_store_limiter(wasm_store_t* store, int64_t memory_size, int64_t table_elements, int64_t instances,
                         int64_t tables, int64_t memories) {
  const rt::StoreLimits defaults;
  rt::StoreLimits limits = store->runtime.limits();
  limits.memoryBytes = limitOr(memory_size, defaults.memoryBytes);
  limits.tableElements = limitOr(table_elements, defaults.tableElements);
  limits.instances = limitOr(instances, defaults.instances);
  limits.tables = limitOr(tables, defaults.tables);
  limits.memories = limitOr(memories, defaults.memories);
  store->runtime.setLimits(limits);
}

void wasmc_store_trap_on_grow_failure(wasm_store_t* store, bool enabled) {
  rt::StoreLimits limits = store->runtime.limits();
  limits.trapOnGrowFailure = enabled;
  store->runtime.setLimits(limits);
}

void wasmc_store_max_wasm_stack(wasm_store_t* store, size_t bytes) {
  rt::StoreLimits limits = store->runtime.limits();
  limits.maxWasmStack = bytes;
  store->runtime.setLimits(limits);
}

} // extern "C"
