#pragma once
// What the handles of the standard C API (wasm.h) are inside wasmc.
//
// Type handles (wasm_valtype_t, wasm_functype_t, ...) are plain values,
// copied and deleted by the embedder. Every reference handle (func, global,
// table, memory, extern, instance, module, foreign, trap, ref) is one
// wasm_ref_t: a kind, the store it belongs to and the runtime object it
// names. Converting between them (wasm_func_as_extern, wasm_ref_as_func, ...)
// returns the same handle viewed as another type, as wasm.h allows. Deleting
// a handle never deletes the object: store objects live as long as their
// store (as in rt::Store), modules and traps as long as a handle or a value
// refers to them. Host info belongs to the object, not to the handle, so
// every handle of one object sees the same (wasm_ref_same).

#include "embed/wasmc/EpochDeadlines.h"
#include "wasm.h"

#include "compiler/codegen/Codegen.h"
#include "runtime/CompiledModule.h"
#include "runtime/Deadline.h"
#include "runtime/Store.h"
#include "runtime/Trap.h"
#include "wasi/Wasi.h"

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace wasmc::capi {

/// How an engine compiles (wasm_config_t, wasmc.h's wasmc_config_*).
struct EngineSettings {
  codegen::Options options; // options.interruptible: wasmc_config_interruptible_set
  uint8_t tier = 0; // wasmc_tier_t: LLVM, BASELINE, TIERED
  bool cache = false;
  uint32_t memoryPool = 0; // wasmc_config_memory_pool_set
};

/// Host info and its finalizer, run once when the object dies.
struct HostInfo {
  void* info = nullptr;
  void (*finalizer)(void*) = nullptr;

  void set(void* newInfo, void (*newFinalizer)(void*)) {
    info = newInfo;
    finalizer = newFinalizer;
  }
  void finalize() {
    if (auto run = std::exchange(finalizer, nullptr))
      run(info);
  }
};

/// The value kind of v128 (wasm.h has none; wasmc.h names it WASMC_V128).
inline constexpr wasm_valkind_t kV128Kind = 4;

enum class RefKind : uint8_t { Func, Global, Table, Memory, Instance, Module, Foreign, Trap };

/// A compiled module, shared by every handle of it in any store
/// (wasm_module_share / wasm_module_obtain).
struct ModuleObject {
  std::shared_ptr<const rt::CompiledModule> compiled;
  std::vector<uint8_t> bytes; // the wasm binary (empty when deserialized)
  EngineSettings settings;    // what it was compiled with
  /// Its .cwasm once serialized or when deserialized; modules are shared
  /// across threads (wasm_module_share), hence the lock.
  std::vector<uint8_t> artifact;
  std::mutex artifactMutex;
  HostInfo hostInfo;
  ~ModuleObject() { hostInfo.finalize(); }
};

/// A trap: returned by a call, made by wasm_trap_new, or by a host callback.
struct TrapObject {
  rt::Trap trap;
  std::string message;
  HostInfo hostInfo;
  ~TrapObject() { hostInfo.finalize(); }
};

/// A foreign object: identity and host info only.
struct Foreign {
  char unused = 0;
};

/// What an externref value points to: the referenced object of any kind.
/// One per object and store, so the same object is the same reference.
struct ExternRefTarget {
  RefKind kind;
  const void* object;
  std::shared_ptr<void> owner; // modules and traps: keeps them alive
};

/// A wasmc.h uint64_t(void* env) callback (refuel, epoch deadline) as a
/// function owning `env`: `finalizer` (may be null) gets it when the last
/// copy goes, on whichever thread drops it; at once when `callback` is
/// null (the result is then empty).
inline std::function<uint64_t()> countCallback(uint64_t (*callback)(void*), void* env, void (*finalizer)(void*)) {
  std::shared_ptr<void> owned(env, [finalizer](void* data) {
    if (finalizer)
      finalizer(data);
  });
  if (!callback)
    return {};
  return [callback, owned] { return callback(owned.get()); };
}

} // namespace wasmc::capi

struct wasm_config_t {
  wasmc::capi::EngineSettings settings;
};

struct wasm_engine_t {
  wasmc::capi::EngineSettings settings;
  /// wasmc_engine_increment_epoch; the stores waiting for an epoch.
  wasmc::capi::EpochDeadlines epochs;
};

namespace wasmc::capi {
/// Its address keys a runtime store's wasm_store_t (rt::Store::setHostData).
inline constexpr char kStoreKey = 0;
} // namespace wasmc::capi

struct wasm_store_t {
  explicit wasm_store_t(wasm_engine_t* owner) : engine(owner) { runtime.setHostData(&wasmc::capi::kStoreKey, this); }
  ~wasm_store_t();

  wasm_engine_t* engine;
  wasmc::rt::Store runtime;
  /// wasmc_store_set_timeout; declared after `runtime`, so destroyed first.
  std::unique_ptr<wasmc::rt::Deadline> timeout;
  /// Host info of the objects the store owns (functions, globals, tables,
  /// memories, instances, foreign objects), finalized with the store.
  std::unordered_map<const void*, wasmc::capi::HostInfo> hostInfo;
  /// wasm_func_new_with_env's environments, finalized with the store.
  std::vector<wasmc::capi::HostInfo> environments;
  std::deque<wasmc::capi::Foreign> foreigns;
  /// WASI contexts of the store's linkers (wasmc.h): host functions refer
  /// to them as long as the store's instances live.
  std::vector<std::unique_ptr<wasmc::wasi::WasiCtx>> wasiContexts;
  /// The store's own WASI context (wasmc_instance_pre_instantiate), which
  /// pre-linked WASI functions find through the store, and our ends of its
  /// buffered stdout and stderr (wasmc_store_wasi_output).
  wasmc::wasi::WasiCtx* wasi = nullptr;
  int wasiOutputs[3] = {-1, -1, -1};
  std::unordered_map<const void*, std::unique_ptr<wasmc::capi::ExternRefTarget>> externRefs;
};

struct wasm_ref_t {
  wasmc::capi::RefKind kind;
  wasm_store_t* store;
  const void* object;          // the identity wasm_ref_same compares
  std::shared_ptr<void> owner; // modules and traps
};

struct wasm_valtype_t {
  wasm_valkind_t kind;
};

struct wasm_externtype_t {
  wasm_externkind_t kind;
};

struct wasm_functype_t : wasm_externtype_t {
  wasm_valtype_vec_t params;
  wasm_valtype_vec_t results;
};

struct wasm_globaltype_t : wasm_externtype_t {
  wasm_valtype_t* content;
  wasm_mutability_t mutability;
};

struct wasm_tabletype_t : wasm_externtype_t {
  wasm_valtype_t* element;
  wasm_limits_t limits;
};

struct wasm_memorytype_t : wasm_externtype_t {
  wasm_limits_t limits;
};

struct wasm_importtype_t {
  wasm_name_t module;
  wasm_name_t name;
  wasm_externtype_t* type;
};

struct wasm_exporttype_t {
  wasm_name_t name;
  wasm_externtype_t* type;
};

struct wasm_frame_t {
  wasm_instance_t* instance; // not owned; null when not known
  uint32_t funcIndex;
  size_t funcOffset;
  size_t moduleOffset;
  std::string name; // from the name section, or empty
};

struct wasm_shared_module_t {
  std::shared_ptr<wasmc::capi::ModuleObject> module;
};

namespace wasmc::capi {

/// A new handle of `kind` for `object`, viewed as handle type T.
template <class T>
T* newHandle(RefKind kind, wasm_store_t* store, const void* object, std::shared_ptr<void> owner = nullptr) {
  return reinterpret_cast<T*>(new wasm_ref_t{kind, store, object, std::move(owner)});
}

template <class T>
wasm_ref_t* refOf(T* handle) {
  return reinterpret_cast<wasm_ref_t*>(handle);
}
template <class T>
const wasm_ref_t* refOf(const T* handle) {
  return reinterpret_cast<const wasm_ref_t*>(handle);
}

/// The runtime object a handle names.
template <class T, class H>
T* objectOf(const H* handle) {
  return static_cast<T*>(const_cast<void*>(refOf(handle)->object));
}

inline rt::Function* funcOf(const wasm_func_t* f) { return objectOf<rt::Function>(f); }
inline rt::Global* globalOf(const wasm_global_t* g) { return objectOf<rt::Global>(g); }
inline rt::Table* tableOf(const wasm_table_t* t) { return objectOf<rt::Table>(t); }
inline rt::MemoryInstance* memoryOf(const wasm_memory_t* m) { return objectOf<rt::MemoryInstance>(m); }
inline rt::Instance* instanceOf(const wasm_instance_t* i) { return objectOf<rt::Instance>(i); }
inline ModuleObject* moduleOf(const wasm_module_t* m) { return objectOf<ModuleObject>(m); }
inline TrapObject* trapOf(const wasm_trap_t* t) { return objectOf<TrapObject>(t); }

/// The handle for a store object that an extern names (func, global,
/// table, memory).
wasm_extern_t* newExtern(wasm_store_t* store, const rt::Extern& value);
/// The runtime extern a func/global/table/memory handle names.
rt::Extern externOf(const wasm_extern_t* handle);

// Types between wasm.h and the module model (Types.cpp).
wasm_valtype_t* newValType(wasm::ValType type);
/// False for a kind wasm.h has but wasmc does not know.
bool toValType(wasm_valkind_t kind, wasm::ValType& out);
wasm::FuncType toFuncType(const wasm_functype_t* type);
wasm_functype_t* newFuncType(const wasm::FuncType& type);
wasm_globaltype_t* newGlobalType(const wasm::GlobalType& type);
wasm_tabletype_t* newTableType(const wasm::TableType& type);
wasm_memorytype_t* newMemoryType(const wasm::MemoryType& type);
wasm::Limits toLimits(const wasm_limits_t& limits);

// Values between wasm.h and the runtime (Values.cpp).
/// False when `value` is not of `type` (or a reference of another store).
bool toRuntimeValue(wasm_store_t* store, const wasm_val_t& value, wasm::ValType type, rt::Value& out);
/// An owned wasm_val_t (new handles for references).
wasm_val_t fromRuntimeValue(wasm_store_t* store, const rt::Value& value);

/// What a host function runs: the wasm.h callback shape.
using Callback = std::function<wasm_trap_t*(const wasm_val_vec_t*, wasm_val_vec_t*)>;
/// A host function of `store` that converts its values and runs `callback`.
wasm_func_t* newHostFunction(wasm_store_t* store, const wasm_functype_t* type, Callback callback);
/// One call of a host function: `slots` as wasm.h values to `callback`, its
/// results (or trap) back into `slots`.
abi::TrapCode callHostCallback(wasm_store_t* store, const wasm::FuncType& type, const Callback& callback,
                               std::span<abi::Slot> slots);
/// The wasm_store_t of a runtime store the C API made.
inline wasm_store_t* storeOf(rt::Store& store) { return static_cast<wasm_store_t*>(store.hostData(&kStoreKey)); }

/// A new trap handle.
wasm_trap_t* newTrap(wasm_store_t* store, rt::Trap trap, std::string message);
/// A trap handle with `message` and no frames (an embedder's mistake, such
/// as an argument of the wrong type).
wasm_trap_t* newErrorTrap(wasm_store_t* store, std::string message);

/// Compiles `bytes` as the store's engine is configured to (Modules.cpp).
Expected<wasm_module_t*> compileModule(wasm_store_t* store, std::span<const uint8_t> bytes);
/// Loads a serialized module (an authenticated .cwasm).
Expected<wasm_module_t*> deserializeModule(wasm_store_t* store, std::span<const uint8_t> artifact);
/// The module's .cwasm, compiled once and kept.
Expected<std::span<const uint8_t>> serializeModule(const wasm_module_t* module);

/// The host info of the object a handle names.
HostInfo& hostInfoOf(const wasm_ref_t* ref);

} // namespace wasmc::capi
