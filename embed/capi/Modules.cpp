// Modules: compiling, validating, reflecting on imports and exports,
// serializing (as an authenticated .cwasm), and sharing across stores.

#include "embed/capi/Handles.h"

#include "compiler/wasm/Validator.h"
#include "runtime/Artifact.h"
#include "runtime/ArtifactKey.h"
#include "tools/wasmc/Aot.h"
#include "tools/wasmc/CodegenLoader.h"
#include "tools/wasmc/Engine.h"

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

} // namespace

extern "C" {

wasm_module_t* wasm_module_new(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  std::span<const uint8_t> bytes = bytesOf(binary);
  Expected<std::shared_ptr<const rt::CompiledModule>> compiled = tools::compileModule(bytes, store->engine->options);
  if (!compiled)
    return nullptr;
  auto object = std::make_shared<ModuleObject>();
  object->compiled = std::move(*compiled);
  object->bytes.assign(bytes.begin(), bytes.end());
  object->options = store->engine->options;
  return newModule(store, std::move(object));
}

bool wasm_module_validate(wasm_store_t*, const wasm_byte_vec_t* binary) {
  return static_cast<bool>(wasm::loadModule(bytesOf(binary)));
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
  ModuleObject& module = *moduleOf(handle);
  std::lock_guard<std::mutex> lock(module.artifactMutex);
  if (module.artifact.empty()) {
    Expected<std::vector<uint8_t>> artifact = tools::compileArtifact(module.bytes, module.options, serializationKey());
    if (artifact)
      module.artifact = std::move(*artifact);
  }
  wasm_byte_vec_new(out, module.artifact.size(), reinterpret_cast<const wasm_byte_t*>(module.artifact.data()));
}

wasm_module_t* wasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* serialized) {
  // Native code is loaded only when its MAC verifies under the key: a
  // corrupted or foreign blob is refused, never run.
  Expected<std::shared_ptr<const rt::CompiledModule>> compiled = rt::loadArtifactBytes(
      bytesOf(serialized), {.compilerId = tools::compilerIdentity(), .key = &serializationKey()});
  if (!compiled)
    return nullptr;
  auto object = std::make_shared<ModuleObject>();
  object->compiled = std::move(*compiled);
  std::span<const uint8_t> artifact = bytesOf(serialized);
  object->artifact.assign(artifact.begin(), artifact.end());
  object->options = store->engine->options;
  return newModule(store, std::move(object));
}

wasm_shared_module_t* wasm_module_share(const wasm_module_t* handle) {
  return new wasm_shared_module_t{std::static_pointer_cast<ModuleObject>(refOf(handle)->owner)};
}

wasm_module_t* wasm_module_obtain(wasm_store_t* store, const wasm_shared_module_t* shared) {
  return shared ? newModule(store, shared->module) : nullptr;
}

void wasm_shared_module_delete(wasm_shared_module_t* shared) { delete shared; }

} // extern "C"
