#include "runtime/Invoke.h"

#include "runtime/CallState.h"
#include "runtime/Store.h"

namespace wasmc::rt {

std::string checkArguments(const wasm::FuncType& type, std::span<const Value> args) {
  if (args.size() != type.params.size())
    return "expected " + std::to_string(type.params.size()) + " arguments, got " + std::to_string(args.size());
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].type != type.params[i])
      return "argument " + std::to_string(i) + " should be " + wasm::valTypeName(type.params[i]) + ", got " +
             wasm::valTypeName(args[i].type);
  return "";
}

CallResult callFunction(Store& store, const Function& func, std::span<const Value> args) {
  const wasm::FuncType& type = func.type;
  std::vector<abi::Slot> slots(std::max<size_t>(1, std::max(type.params.size(), type.results.size())));
  for (size_t i = 0; i < args.size(); ++i)
    slots[i] = args[i].slot;

  CallResult result;
  if (func.isHost()) {
    abi::TrapCode code = func.callHost(std::span<abi::Slot>(slots.data(), slots.size()));
    if (code != abi::TrapCode::None) {
      result.trap = Trap{};
      result.trap->code = code;
      takePendingTrapDetails(*result.trap);
      return result;
    }
  } else {
    auto entry = reinterpret_cast<abi::EntryTrampoline>(func.ref->entry);
    result.trap = invokeWasm(entry, func.ref->code, func.ref->vmctx, slots.data(), store.record());
    if (result.trap)
      return result;
  }
  for (size_t i = 0; i < type.results.size(); ++i) {
    Value value;
    value.type = type.results[i];
    value.slot = slots[i];
    result.values.push_back(value);
  }
  return result;
}

} // namespace wasmc::rt
