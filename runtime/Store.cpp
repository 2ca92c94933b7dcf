#include "runtime/Store.h"

#include "runtime/CallState.h"
#include "runtime/Instance.h"
#include "runtime/Signatures.h"

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
  return static_cast<uint32_t>(function->hostFn(std::span<abi::Slot>(slots, count)));
}

} // namespace

Store::Store() = default;
Store::~Store() = default;

Function* Store::createFunction() { return &functions_.emplace_back(); }

Function* Store::createHostFunction(wasm::FuncType type, HostFn fn) {
  Function* function = createFunction();
  function->type = std::move(type);
  function->hostFn = std::move(fn);
  function->host = abi::HostFunc{&callHost, &raiseTrapCode, function};
  // `code` is filled in by the first module that imports the function: it
  // brings the host adapter compiled for this signature.
  function->ref = abi::FuncRef{nullptr, &function->host, canonicalSignature(function->type),
                               abi::kFuncRefHost, nullptr, function};
  return function;
}

Global* Store::createGlobal(wasm::GlobalType type, const Value& initial) {
  Global& global = globals_.emplace_back();
  global.type = type;
  global.cell = abi::GlobalCell{};
  std::memcpy(global.cell.bytes, initial.slot.bytes, sizeof global.cell.bytes);
  return &global;
}

Expected<Table*> Store::createTable(wasm::TableType type) {
  if (type.limits.min > Table::kMaxTableElements)
    return makeError(ErrorKind::Uninstantiable, kNoOffset,
                     "table of " + std::to_string(type.limits.min) + " elements exceeds the limit of " +
                         std::to_string(Table::kMaxTableElements));
  if (type.limits.min > tableBudget_.limit - tableBudget_.used)
    return makeError(ErrorKind::Uninstantiable, kNoOffset,
                     "table of " + std::to_string(type.limits.min) + " elements exceeds the store's limit of " +
                         std::to_string(tableBudget_.limit) + " table elements (" +
                         std::to_string(tableBudget_.used) + " in use)");
  return tables_.emplace_back(std::make_unique<Table>(type, &tableBudget_)).get();
}

Expected<MemoryInstance*> Store::createMemory(wasm::MemoryType type) {
  std::optional<uint32_t> max;
  if (type.limits.hasMax)
    max = type.limits.max;
  auto memory = Memory::create(type.limits.min, max, memoryLimitBytes, &record_);
  if (!memory) {
    Error error = std::move(memory).error();
    error.kind = ErrorKind::Uninstantiable;
    return error;
  }
  auto instance = std::make_unique<MemoryInstance>();
  instance->memory = std::move(*memory);
  instance->declared = type.limits;
  return memories_.emplace_back(std::move(instance)).get();
}

void Store::addContext(abi::VMContext* vmctx) {
  vmctx->stackLimit = record_.stackLimit; // instantiated while wasm runs: already limited
  contexts_.push_back(vmctx);
  record_.contexts = contexts_.data();
  record_.contextCount = contexts_.size();
}

Instance* Store::adoptInstance(std::unique_ptr<Instance> instance) {
  return instances_.emplace_back(std::move(instance)).get();
}

} // namespace wasmc::rt
