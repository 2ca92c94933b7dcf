#pragma once
// Functions, tables, globals and memories as runtime objects. They are owned
// by a Store and referred to by raw pointer everywhere else; the FuncRef,
// TableRecord, GlobalCell and MemoryRecord inside them are what compiled
// code sees (runtime/Abi.h).

#include "compiler/wasm/Types.h"
#include "runtime/Abi.h"
#include "runtime/Memory.h"
#include "runtime/MemoryPool.h"

#include <functional>
#include <memory>
#include <span>

namespace wasmc::rt {

class Instance;
class Store;

/// A host function: reads its arguments from slots[0..params) and writes
/// its results to slots[0..results). Returns TrapCode::None, or a trap code
/// (HostTrap after setPendingHostTrap, Exit after setPendingExit). It must
/// return, never longjmp: the caller raises the trap once the host frame is gone.
using HostFn = std::function<abi::TrapCode(std::span<abi::Slot> slots)>;

/// A host function defined once for any number of stores (Wasmtime's
/// Linker::func_wrap): a Linker holds it, and each store an instance links
/// it into gets its own Function for it, made on first use
/// (Store::hostFunction). Its callback is told the store it runs in, so
/// per-store state (a WASI context) hangs off the store, not the function,
/// and instantiating makes no closure per function. Immutable once made.
struct HostFuncDef : std::enable_shared_from_this<HostFuncDef> {
  using Callback = std::function<abi::TrapCode(Store& store, std::span<abi::Slot> slots)>;
  /// Slots and results as for HostFn.
  static std::shared_ptr<const HostFuncDef> make(wasm::FuncType type, Callback callback);
  HostFuncDef(wasm::FuncType type, uint32_t sigId, Callback callback)
      : type(std::move(type)), sigId(sigId), callback(std::move(callback)) {}

  const wasm::FuncType type;
  const uint32_t sigId; // canonicalSignature(type), computed once
  const Callback callback;
};

class Function {
public:
  Function() = default;
  Function(const Function&) = delete; // `ref` may point into the object
  Function& operator=(const Function&) = delete;

  /// What funcref values point to: `ownRef` for a host function; for a wasm
  /// function its defining instance's entry (Instance::function), which
  /// exists, and sits in tables, before any Function object does.
  abi::FuncRef* ref = &ownRef;
  abi::FuncRef ownRef{};
  wasm::FuncType type;
  Instance* instance = nullptr; // wasm functions: the defining instance
  // Host functions only: either a closure of this store, or a definition
  // shared by stores and the store this Function belongs to.
  abi::HostFunc host{};
  HostFn hostFn;
  std::shared_ptr<const HostFuncDef> def;
  Store* store = nullptr;

  bool isHost() const { return ref->flags & abi::kFuncRefHost; }
  /// Runs a host function's code on `slots`.
  abi::TrapCode callHost(std::span<abi::Slot> slots) const { return def ? def->callback(*store, slots) : hostFn(slots); }
  /// The Function a funcref value points to (made now if its instance had
  /// not needed one yet; Instance::function).
  static Function* fromRef(const void* funcRef);
};

struct Global {
  abi::GlobalCell cell{};
  wasm::GlobalType type;
};

struct MemoryInstance {
  std::unique_ptr<Memory> memory;
  wasm::Limits declared; // for import matching: the maximum as declared
  /// Where the memory goes back when its store does (MemoryPool.h); null:
  /// it is unmapped.
  std::shared_ptr<MemoryPool> pool;

  MemoryInstance() = default;
  MemoryInstance(const MemoryInstance&) = delete;
  MemoryInstance& operator=(const MemoryInstance&) = delete;
  ~MemoryInstance();
};

/// A table of references. elements_ is the storage compiled code indexes
/// through record_.
class Table {
public:
  /// Elements all tables of one store may hold together (a store-wide
  /// bound: 8 tables of kMaxTableElements each would take 640 MB). `used`
  /// counts what the store's tables hold now.
  struct Budget {
    uint64_t used = 0;
    uint64_t limit = kMaxStoreTableElements;
    uint64_t perTable = kMaxTableElements; // any one table
  };

  /// A table of `type.limits.min` null elements, charged to `budget` (which
  /// must have room for them and outlive the table), or to nothing.
  explicit Table(wasm::TableType type, Budget* budget = nullptr);
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  abi::TableRecord* record() { return &record_; }
  uint32_t size() const { return record_.size; }
  const wasm::TableType& type() const { return type_; }
  void* get(uint32_t index) const { return elements_[index]; }
  void set(uint32_t index, void* value) { elements_[index] = value; }
  /// table.grow: returns the old size, or -1 past the maximum, the
  /// implementation limit (kMaxTableElements) or the store's budget.
  int64_t grow(uint32_t delta, void* init);

  static constexpr uint32_t kMaxTableElements = 10'000'000;
  static constexpr uint64_t kMaxStoreTableElements = 10'000'000;

private:
  Budget* budget_;
  wasm::TableType type_;
  std::vector<void*> elements_;
  abi::TableRecord record_{};
};

/// What an import resolves to and an export provides.
struct Extern {
  wasm::ExternKind kind = wasm::ExternKind::Func;
  Function* func = nullptr;
  /// Instead of `func`, in a Linker only: a host function for any store,
  /// made into a Function of the store that links it.
  const HostFuncDef* hostDef = nullptr;
  Table* table = nullptr;
  MemoryInstance* memory = nullptr;
  Global* global = nullptr;
};

} // namespace wasmc::rt
