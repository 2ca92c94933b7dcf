#pragma once
// A Store owns every runtime object of one embedding session: instances,
// functions, tables, memories and globals. Objects refer to each other by raw
// pointer and all die with the store (the wasm 2.0 object model: a failed
// instantiation can leave its functions in tables shared with others). Not
// thread-safe: one store is used by one thread at a time.

#include "compiler/wasm/Error.h"
#include "runtime/CompiledModule.h"
#include "runtime/Function.h"
#include "runtime/Value.h"

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace wasmc::rt {

class Instance;

/// What one store may hold and use (`-W max-*`, wasmc_store_limiter). A
/// grow past a limit returns -1 (or traps with trapOnGrowFailure); an
/// instantiation or creation past one fails with an Uninstantiable error.
struct StoreLimits {
  uint64_t memoryBytes = kDefaultMemoryLimit;                    // any one memory
  uint64_t tableElements = Table::kMaxTableElements;             // any one table
  uint64_t totalTableElements = Table::kMaxStoreTableElements;   // all tables together
  /// Counts. Instances are unbounded by default (the standard C API's
  /// finalize example makes 100,000 in one store); tables and memories cost
  /// real resources (a memory reserves 10 GiB of address space).
  uint64_t instances = UINT64_MAX;
  uint64_t tables = 10'000;
  uint64_t memories = 10'000;
  /// memory.grow and table.grow trap (GrowFailed) instead of returning -1.
  bool trapOnGrowFailure = false;
  /// Bytes of stack the wasm frames of one call from the host may use;
  /// 0: the thread's stack less abi::kStackReserve. Host functions always
  /// keep their own reserve below it.
  uint64_t maxWasmStack = 0;
};

class Store {
public:
  Store();
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  abi::StoreRecord* record() { return &record_; }
  /// Makes `vmctx` follow the store's stack limit (StoreRecord::contexts);
  /// it must live as long as the store.
  void addContext(abi::VMContext* vmctx);

  /// Stops the wasm running in this store at its next function entry or
  /// loop header (loops only in code compiled interruptible), with the trap
  /// "interrupt"; if none is running, the next call traps so. Callable from
  /// any thread (not from a signal handler).
  void interrupt();
  /// An interrupt was requested and not yet delivered as a trap.
  bool interruptPending() const;
  /// Forgets an interrupt not yet delivered.
  void clearInterrupt();

  /// Fuel left for code compiled to consume it (codegen::Options::fuel,
  /// -W fuel); below zero once overdrawn (compiler/wasm/Fuel.h).
  void setFuel(int64_t fuel) { record_.fuel = fuel; }
  int64_t fuel() const { return record_.fuel; }
  /// Asked when the fuel runs out (where the code would trap "all fuel
  /// consumed"): the fuel to add; asked again while the fuel is still
  /// below zero; once it is not, the wasm goes on; 0 and it traps. Runs on
  /// the wasm's thread, inside the call. Empty: no callback.
  using RefuelCallback = std::function<uint64_t()>;
  void setRefuelCallback(RefuelCallback callback) { refuel_ = std::move(callback); }
  /// The code's out-of-fuel path (Builtins::outOfFuel): refuels through the
  /// callback, or raises the trap.
  void outOfFuel();

  /// Applies to what is created or grown from now on; what already exists
  /// keeps its size.
  void setLimits(const StoreLimits& limits);
  const StoreLimits& limits() const { return limits_; }
  /// memory.grow under the store's current limits (also ones set after the
  /// memory was made): the old page count, or -1.
  int64_t growMemory(Memory& memory, uint32_t deltaPages) const;
  /// Fails (Uninstantiable) if one more instance would pass the limit.
  Expected<void> checkInstanceLimit() const;

  /// A host function. Compiled code reaches it through a host adapter for
  /// its signature: the one of the first module that imports it, or of any
  /// module instantiated in this store with that signature (so that a host
  /// function placed in a table or global by the embedder can be called
  /// from wasm, see addHostAdapters).
  Function* createHostFunction(wasm::FuncType type, HostFn fn);
  /// This store's Function for `def`: made the first time, the same one
  /// after (so a store holds one per definition however often it links it).
  Function* hostFunction(const HostFuncDef& def);
  /// Remembers the host adapters of an instantiated module (its code lives
  /// as long as the store) and gives them to host functions that have none.
  void addHostAdapters(const CompiledModule& module);
  /// Per-store state of host code (a WASI context for the functions it
  /// defines), under a key its owner chooses (the address of something of
  /// its own). Null when nothing is set.
  void setHostData(const void* key, void* value);
  void* hostData(const void* key) const;
  Global* createGlobal(wasm::GlobalType type, const Value& initial);
  Expected<Table*> createTable(wasm::TableType type);
  /// `pool`: take a memory from it when it has one, and give it back when
  /// this store goes (MemoryPool.h).
  Expected<MemoryInstance*> createMemory(wasm::MemoryType type, std::shared_ptr<MemoryPool> pool = nullptr);
  /// Function objects for an instance's defined functions.
  Function* createFunction();
  Instance* adoptInstance(std::unique_ptr<Instance> instance);

private:
  abi::StoreRecord record_{};
  StoreLimits limits_;
  RefuelCallback refuel_;
  Table::Budget tableBudget_; // before tables_: they refer to it
  std::vector<abi::VMContext*> contexts_;
  std::mutex contextsMutex_; // addContext against interrupt() from other threads
  std::deque<Function> functions_;
  std::deque<Global> globals_;
  std::deque<std::unique_ptr<Table>> tables_;
  std::deque<std::unique_ptr<MemoryInstance>> memories_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::unordered_map<uint32_t, void*> hostAdapters_; // canonical signature -> adapter code
  std::vector<Function*> hostsWithoutAdapter_;
  std::unordered_map<const HostFuncDef*, Function*> hostFunctions_;
  std::vector<std::pair<const void*, void*>> hostData_; // a few keys at most
  /// A host Function with signature `sigId` calling host->callHost.
  Function* newHostFunction(wasm::FuncType type, uint32_t sigId);
};

} // namespace wasmc::rt
