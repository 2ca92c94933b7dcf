// Modules: compiling, validating, reflecting on imports and exports,
// serializing (as an authenticated .cwasm), and sharing across stores.

#include "embed/capi/Handles.h"

#include "compiler/wasm/Validator.h"
#include "runtime/Artifact.h"
#include "runtime/ArtifactKey.h"
#include "engine/Aot.h"
#include "engine/CodegenLoader.h"
#include "engine/BaselineModule.h"
#include "engine/Cache.h"
#include "engine/Engine.h"

using namespace wasmc;
using namespace wasmc::capi;

namespace {

std::span<const uint8_t> bytesOf(const wasm_byte_vec_t* vec) {
  return {reinterpret_cast<const uint8_t*>(vec->data), vec->size};
}

void nameOf(wasm_name_t* out, const std::string& name) { wasm_byte_vec_new(out, name.size(), name.data()); }

/// The key serialized modules are authenticated with: the user's (so that
/// another process of this user can load them), or, when the user has no
/// usable key file, one that lives only in this process.
const rt::ArtifactKey& serializationKey() {
  static const rt::ArtifactKey key = [] {
    Expected<rt::ArtifactKey> user = rt::loadOrCreateUserKey();
    return user ? *user : rt::ephemeralKey();
  }();
  return key;
}

wasm_externtype_t* importType(const wasm::Module& module, const wasm::Import& import) {
  switch (import.kind) {
  case wasm::ExternKind::Func: return newFuncType(module.types[import.funcType]);
  case wasm::ExternKind::Table: return newTableType(import.table);
  case wasm::ExternKind::Memory: return newMemoryType(import.memory);
  case wasm::ExternKind::Global: return newGlobalType(import.global);
  }
  return nullptr;
}

wasm_externtype_t* exportType(const wasm::Module& module, const wasm::Export& entry) {
  switch (entry.kind) {
  case wasm::ExternKind::Func: return newFuncType(module.funcType(entry.index));
  case wasm::ExternKind::Table: return newTableType(module.tables[entry.index]);
  case wasm::ExternKind::Memory: return newMemoryType(module.memories[entry.index]);
  case wasm::ExternKind::Global: return newGlobalType(module.globalTypes[entry.index]);
  }
  return nullptr;
}

wasm_module_t* newModule(wasm_store_t* store, std::shared_ptr<ModuleObject> object) {
  const void* identity = object.get();
  return newHandle<wasm_module_t>(RefKind::Module, store, identity, std::move(object));
}

Expected<std::shared_ptr<const rt::CompiledModule>> compileFor(const EngineSettings& settings,
                                                               std::span<const uint8_t> bytes) {
  constexpr uint8_t kBaseline = 1, kTiered = 2; // wasmc_tier_t
  if (settings.tier == kBaseline)
    return engine::compileModuleBaseline(bytes, settings.options);
  if (settings.tier == kTiered)
    return engine::compileModuleBaseline(bytes, settings.options, engine::kDefaultTierUp);
  if (settings.cache)
    return engine::loadThroughCache(bytes, settings.options);
  return engine::compileModule(bytes, settings.options);
}

} // namespace

namespace wasmc::capi {

Expected<wasm_module_t*> compileModule(wasm_store_t* store, std::span<const uint8_t> bytes) {
  auto object = std::make_shared<ModuleObject>();
  object->compiled = WASMC_TRY(compileFor(store->engine->settings, bytes));
  object->compiled->setMemoryPoolCapacity(store->engine->settings.memoryPool);
  object->bytes.assign(bytes.begin(), bytes.end());
  object->settings = store->engine->settings;
  return newModule(store, std::move(object));
}

Expected<wasm_module_t*> deserializeModule(wasm_store_t* store, std::span<const uint8_t> artifact) {
  // Native code is loaded only when its MAC verifies under the key: a
  // corrupted or foreign blob is refused, never run.
  auto object = std::make_shared<ModuleObject>();
  object->compiled = WASMC_TRY(
      rt::loadArtifactBytes(artifact, {.compilerId = engine::compilerIdentity(), .key = &serializationKey()}));
  object->compiled->setMemoryPoolCapacity(store->engine->settings.memoryPool);
  object->artifact.assign(artifact.begin(), artifact.end());
  object->settings = store->engine->settings;
  return newModule(store, std::move(object));
}

Expected<std::span<const uint8_t>> serializeModule(const wasm_module_t* handle) {
  ModuleObject& module = *moduleOf(handle);
  std::lock_guard<std::mutex> lock(module.artifactMutex);
  if (module.artifact.empty())
    module.artifact = WASMC_TRY(engine::compileArtifact(module.bytes, module.settings.options, serializationKey()));
  return std::span<const uint8_t>(module.artifact);
}

} // namespace wasmc::capi

extern "C" {

wasm_module_t* wasm_module_new(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  Expected<wasm_module_t*> module = compileModule(store, bytesOf(binary));
  return module ? *module : nullptr;
}

bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  return static_cast<bool>(wasm::loadModule(bytesOf(binary), store->engine->settings.options.features));
}

void wasm_module_imports(const wasm_module_t* handle, wasm_importtype_vec_t* out) {
  const wasm::Module& module = moduleOf(handle)->compiled->module();
  wasm_importtype_vec_new_uninitialized(out, module.imports.size());
  for (size_t i = 0; i < module.imports.size(); ++i) {
    const wasm::Import& import = module.imports[i];
    wasm_name_t moduleName, name;
    nameOf(&moduleName, import.module);
    nameOf(&name, import.name);
    out->data[i] = wasm_importtype_new(&moduleName, &name, importType(module, import));
  }
}

void wasm_module_exports(const wasm_module_t* handle, wasm_exporttype_vec_t* out) {
  const wasm::Module& module = moduleOf(handle)->compiled->module();
  wasm_exporttype_vec_new_uninitialized(out, module.exports.size());
  for (size_t i = 0; i < module.exports.size(); ++i) {
    wasm_name_t name;
    nameOf(&name, module.exports[i].name);
    out->data[i] = wasm_exporttype_new(&name, exportType(module, module.exports[i]));
  }
}

void wasm_module_serialize(const wasm_module_t* handle, wasm_byte_vec_t* out) {
  Expected<std::span<const uint8_t>> artifact = serializeModule(handle);
  if (!artifact) {
    wasm_byte_vec_new_empty(out);
    return;
  }
  wasm_byte_vec_new(out, artifact->size(), reinterpret_cast<const wasm_byte_t*>(artifact->data()));
}

wasm_module_t* wasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* serialized) {
  Expected<wasm_module_t*> module = deserializeModule(store, bytesOf(serialized));
  return module ? *module : nullptr;
}

wasm_shared_module_t* wasm_module_share(const wasm_module_t* handle) {
  return new wasm_shared_module_t{std::static_pointer_cast<ModuleObject>(refOf(handle)->owner)};
}

wasm_module_t* wasm_module_obtain(wasm_store_t* store, const wasm_shared_module_t* shared) {
  return shared ? newModule(store, shared->module) : nullptr;
}

void wasm_shared_module_delete(wasm_shared_module_t* shared) { delete shared; }

} // extern "C"
