// Configurations, engines and stores.

#include "embed/capi/Handles.h"

#include <unistd.h>

wasm_store_t::~wasm_store_t() {
  engine->epochs.forget(runtime);
  // Before the objects go: a finalizer may still look at what its info
  // points to, never at the store's objects (wasm.h gives it only the info).
  for (auto& [object, info] : hostInfo)
    info.finalize();
  for (wasmc::capi::HostInfo& environment : environments)
    environment.finalize();
  for (int fd : wasiOutputs)
    if (fd >= 0)
      ::close(fd);
}

extern "C" {

wasm_config_t* wasm_config_new() { return new wasm_config_t{}; }
void wasm_config_delete(wasm_config_t* config) { delete config; }

wasm_engine_t* wasm_engine_new() { return new wasm_engine_t{}; }
wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* config) {
  auto* engine = new wasm_engine_t{};
  if (config)
    engine->settings = config->settings;
  delete config;
  return engine;
}
void wasm_engine_delete(wasm_engine_t* engine) { delete engine; }

wasm_store_t* wasm_store_new(wasm_engine_t* engine) { return new wasm_store_t(engine); }
void wasm_store_delete(wasm_store_t* store) { delete store; }

} // extern "C"
