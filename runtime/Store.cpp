#include "runtime/Store.h"

#include "runtime/CallState.h"
#include "runtime/Instance.h"
#include "runtime/Signatures.h"

#include <algorithm>

namespace wasmc::rt {

namespace {

/// Stack a host function may use. Compiled code keeps abi::kStackReserve
/// free below its frames, but only as well as its frame estimates hold
/// (FunctionLowering.cpp); a host function that ran out of stack would crash
/// the process in host code, where no fault is a trap.
constexpr uintptr_t kHostStackNeed = 64 << 10;

uint32_t callHost(abi::HostFunc* host, abi::Slot* slots) {
  if (const Activation* activation = currentActivation()) {
    auto sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    if (sp < activation->stack.low + kHostStackNeed)
      return static_cast<uint32_t>(abi::TrapCode::StackExhausted);
  }
  auto* function = static_cast<Function*>(host->userData);
  size_t count = std::max(function->type.params.size(), function->type.results.size());
  return static_cast<uint32_t>(function->callHost(std::span<abi::Slot>(slots, count)));
}

} // namespace

Store::Store() = default;
Store::~Store() = default;

Function* Store::createFunction() { return &functions_.emplace_back(); }

Function* Store::newHostFunction(wasm::FuncType type, uint32_t sigId) {
  Function* function = createFunction();
  function->type = std::move(type);
  function->host = abi::HostFunc{&callHost, &raiseTrapCode, function};
  // `code` is filled in by the first module that imports the function: it
  // brings the host adapter compiled for this signature.
  auto adapter = hostAdapters_.find(sigId);
  function->ownRef = abi::FuncRef{adapter == hostAdapters_.end() ? nullptr : adapter->second, &function->host, sigId,
                                  abi::kFuncRefHost, nullptr, function};
  if (!function->ref->code)
    hostsWithoutAdapter_.push_back(function);
  return function;
}

Function* Store::createHostFunction(wasm::FuncType type, HostFn fn) {
  uint32_t sigId = canonicalSignature(type);
  Function* function = newHostFunction(std::move(type), sigId);
  function->hostFn = std::move(fn);
  return function;
}

Function* Store::hostFunction(const HostFuncDef& def) {
  auto [it, inserted] = hostFunctions_.try_emplace(&def, nullptr);
  if (inserted) {
    it->second = newHostFunction(def.type, def.sigId);
    it->second->def = def.shared_from_this();
    it->second->store = this;
  }
  return it->second;
}

void Store::addHostAdapters(const CompiledModule& module) {
  const CodeTables& code = module.code();
  if (!code.hostAdapters)
    return;
  const std::vector<uint32_t>& sigIds = module.signatureIds();
  for (size_t i = 0; i < sigIds.size(); ++i)
    if (code.hostAdapters[i])
      hostAdapters_.try_emplace(sigIds[i], code.hostAdapters[i]);
  std::erase_if(hostsWithoutAdapter_, [&](Function* function) {
    if (!function->ref->code) {
      auto adapter = hostAdapters_.find(function->ref->sigId);
      if (adapter == hostAdapters_.end())
        return false;
      function->ref->code = adapter->second;
    }
    return true;
  });
}

void Store::setHostData(const void* key, void* value) {
  for (auto& [existing, data] : hostData_)
    if (existing == key) {
      data = value;
      return;
    }
  hostData_.emplace_back(key, value);
}

void* Store::hostData(const void* key) const {
  for (const auto& [existing, data] : hostData_)
    if (existing == key)
      return data;
  return nullptr;
}

Global* Store::createGlobal(wasm::GlobalType type, const Value& initial) {
  Global& global = globals_.emplace_back();
  global.type = type;
  global.cell = abi::GlobalCell{};
  std::memcpy(global.cell.bytes, initial.slot.bytes, sizeof global.cell.bytes);
  return &global;
}

namespace {

Error limitReached(uint64_t limit, const char* what) {
  return makeError(ErrorKind::Uninstantiable, kNoOffset,
                   "the store's limit of " + std::to_string(limit) + " " + what + " is reached");
}

} // namespace

void Store::setLimits(const StoreLimits& limits) {
  limits_ = limits;
  tableBudget_.limit = limits.totalTableElements;
  tableBudget_.perTable = limits.tableElements;
  record_.maxWasmStack = limits.maxWasmStack;
}

int64_t Store::growMemory(Memory& memory, uint32_t deltaPages) const {
  if ((uint64_t(memory.pages()) + deltaPages) * kWasmPageSize > limits_.memoryBytes)
    return -1;
  return memory.grow(deltaPages);
}

Expected<void> Store::checkInstanceLimit() const {
  if (instances_.size() >= limits_.instances)
    return limitReached(limits_.instances, "instances");
  return {};
}

Expected<Table*> Store::createTable(wasm::TableType type) {
  if (tables_.size() >= limits_.tables)
    return limitReached(limits_.tables, "tables");
  if (type.limits.min > Table::kMaxTableElements)
    return makeError(ErrorKind::Uninstantiable, kNoOffset,
                     "table of " + std::to_string(type.limits.min) + " elements exceeds the limit of " +
                         std::to_string(Table::kMaxTableElements));
  if (type.limits.min > tableBudget_.perTable)
    return makeError(ErrorKind::Uninstantiable, kNoOffset,
                     "table of " + std::to_string(type.limits.min) + " elements exceeds the store's limit of " +
                         std::to_string(tableBudget_.perTable) + " elements per table");
  if (type.limits.min > tableBudget_.limit - tableBudget_.used)
    return makeError(ErrorKind::Uninstantiable, kNoOffset,
                     "table of " + std::to_string(type.limits.min) + " elements exceeds the store's limit of " +
                         std::to_string(tableBudget_.limit) + " table elements (" +
                         std::to_string(tableBudget_.used) + " in use)");
  return tables_.emplace_back(std::make_unique<Table>(type, &tableBudget_)).get();
}

Expected<MemoryInstance*> Store::createMemory(wasm::MemoryType type, std::shared_ptr<MemoryPool> pool) {
  if (memories_.size() >= limits_.memories)
    return limitReached(limits_.memories, "memories");
  auto instance = std::make_unique<MemoryInstance>();
  if (pool)
    instance->memory = pool->take(type, limits_.memoryBytes, &record_);
  if (!instance->memory) {
    std::optional<uint32_t> max;
    if (type.limits.hasMax)
      max = type.limits.max;
    auto memory = Memory::create(type.limits.min, max, limits_.memoryBytes, &record_);
    if (!memory) {
      Error error = std::move(memory).error();
      error.kind = ErrorKind::Uninstantiable;
      return error;
    }
    instance->memory = std::move(*memory);
  }
  instance->pool = std::move(pool);
  instance->declared = type.limits;
  return memories_.emplace_back(std::move(instance)).get();
}

void Store::addContext(abi::VMContext* vmctx) {
  std::lock_guard<std::mutex> lock(contextsMutex_);
  // Instantiated while wasm runs: already limited (or interrupted).
  vmctx->stackLimit = interruptRequested(record_) ? abi::kInterruptStackLimit : record_.stackLimit;
  contexts_.push_back(vmctx);
  record_.contexts = contexts_.data();
  record_.contextCount = contexts_.size();
}

void Store::interrupt() {
  std::lock_guard<std::mutex> lock(contextsMutex_);
  requestInterrupt(record_);
}

void Store::outOfFuel() {
  // Asked again while the fuel is still below zero, until it says 0.
  while (refuel_ && record_.fuel < 0) {
    const uint64_t added = refuel_();
    if (added == 0)
      break;
    // Saturating at INT64_MAX, in unsigned arithmetic: with the fuel below
    // zero the room up to it is more than INT64_MAX.
    const uint64_t room = uint64_t(INT64_MAX) - uint64_t(record_.fuel);
    record_.fuel = int64_t(uint64_t(record_.fuel) + std::min(added, room));
  }
  if (record_.fuel < 0)
    raiseTrap(abi::TrapCode::OutOfFuel);
}

bool Store::interruptPending() const { return interruptRequested(record_); }

void Store::clearInterrupt() {
  std::lock_guard<std::mutex> lock(contextsMutex_);
  __atomic_store_n(&record_.interrupt, 0, __ATOMIC_RELAXED);
  setStackLimit(record_, record_.stackLimit);
}

Instance* Store::adoptInstance(std::unique_ptr<Instance> instance) {
  return instances_.emplace_back(std::move(instance)).get();
}

} // namespace wasmc::rt
