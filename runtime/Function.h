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

/// A host function: reads its arguments from slots[0..params) and writes
/// its results to slots[0..results). Returns TrapCode::None, or a trap code
/// (HostTrap after setPendingHostTrap, Exit after setPendingExit). It must
/// return, never longjmp: the caller raises the trap once the host frame is gone.
using HostFn = std::function<abi::TrapCode(std::span<abi::Slot> slots)>;

class Function {
public:
  abi::FuncRef ref{};    // what funcref values point to
  wasm::FuncType type;
  Instance* instance = nullptr; // wasm functions: the defining instance
  // Host functions only:
  abi::HostFunc host{};
  HostFn hostFn;

  bool isHost() const { return ref.flags & abi::kFuncRefHost; }
  /// The Function a funcref value points to.
  static Function* fromRef(const void* funcRef) {
    return funcRef ? static_cast<Function*>(static_cast<const abi::FuncRef*>(funcRef)->function) : nullptr;
  }
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
  Table* table = nullptr;
  MemoryInstance* memory = nullptr;
  Global* global = nullptr;
};

} // namespace wasmc::rt
