// Function instances: host functions made from C callbacks, and calls from
// the embedder into any function.

#include "embed/capi/Handles.h"

#include "runtime/CallState.h"
#include "runtime/Invoke.h"


namespace wasmc::capi {

namespace {

/// Values for one call, on the stack for the usual few.
class ValueBuffer {
public:
  explicit ValueBuffer(size_t size) : heap_(size > kInline ? size : 0) {
    vec_ = {size, size > kInline ? heap_.data() : inline_};
  }
  ~ValueBuffer() {
    for (size_t i = 0; i < vec_.size; ++i)
      wasm_val_delete(&vec_.data[i]);
  }
  wasm_val_vec_t* vec() { return &vec_; }

private:
  static constexpr size_t kInline = 8;
  wasm_val_t inline_[kInline] = {};
  std::vector<wasm_val_t> heap_;
  wasm_val_vec_t vec_;
};

} // namespace

/// Runtime slots in, wasm.h values to the callback, its results or trap back.
abi::TrapCode callHostCallback(wasm_store_t* store, const wasm::FuncType& type, const Callback& callback,
                               std::span<abi::Slot> slots) {
  ValueBuffer args(type.params.size());
  for (size_t i = 0; i < type.params.size(); ++i) {
    rt::Value value;
    value.type = type.params[i];
    value.slot = slots[i];
    args.vec()->data[i] = fromRuntimeValue(store, value);
  }
  ValueBuffer results(type.results.size());
  for (size_t i = 0; i < type.results.size(); ++i)
    results.vec()->data[i] = fromRuntimeValue(store, rt::Value{type.results[i], {}});
  if (wasm_trap_t* trap = callback(args.vec(), results.vec())) {
    rt::setPendingHostTrap(trapOf(trap)->message);
    wasm_trap_delete(trap);
    return abi::TrapCode::HostTrap;
  }
  for (size_t i = 0; i < type.results.size(); ++i) {
    rt::Value value;
    if (!toRuntimeValue(store, results.vec()->data[i], type.results[i], value)) {
      rt::setPendingHostTrap("host function returned result " + std::to_string(i) + " of the wrong type (" +
                             wasm::valTypeName(type.results[i]) + " expected)");
      return abi::TrapCode::HostTrap;
    }
    slots[i] = value.slot;
  }
  return abi::TrapCode::None;
}

wasm_func_t* newHostFunction(wasm_store_t* store, const wasm_functype_t* type, Callback callback) {
  wasm::FuncType funcType = toFuncType(type);
  rt::HostFn hostFn = [store, funcType, callback = std::move(callback)](std::span<abi::Slot> slots) {
    return callHostCallback(store, funcType, callback, slots);
  };
  rt::Function* function = store->runtime.createHostFunction(std::move(funcType), std::move(hostFn));
  return newHandle<wasm_func_t>(RefKind::Func, store, function);
}

} // namespace wasmc::capi

using namespace wasmc;
using namespace wasmc::capi;

extern "C" {

wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_t callback) {
  return newHostFunction(store, type, [callback](const wasm_val_vec_t* args, wasm_val_vec_t* results) {
    return callback(args, results);
  });
}

wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t callback, void* env, void (*finalizer)(void*)) {
  if (finalizer)
    store->environments.push_back(HostInfo{env, finalizer});
  return newHostFunction(store, type, [callback, env](const wasm_val_vec_t* args, wasm_val_vec_t* results) {
    return callback(env, args, results);
  });
}

wasm_functype_t* wasm_func_type(const wasm_func_t* func) { return newFuncType(funcOf(func)->type); }
size_t wasm_func_param_arity(const wasm_func_t* func) { return funcOf(func)->type.params.size(); }
size_t wasm_func_result_arity(const wasm_func_t* func) { return funcOf(func)->type.results.size(); }

wasm_trap_t* wasm_func_call(const wasm_func_t* func, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_store_t* store = refOf(func)->store;
  const rt::Function& function = *funcOf(func);
  const wasm::FuncType& type = function.type;
  size_t given = args ? args->size : 0;
  if (given != type.params.size())
    return newErrorTrap(store, "wasm_func_call: expected " + std::to_string(type.params.size()) + " arguments, got " +
                                   std::to_string(given));
  std::vector<rt::Value> values(given);
  for (size_t i = 0; i < given; ++i)
    if (!toRuntimeValue(store, args->data[i], type.params[i], values[i]))
      return newErrorTrap(store, "wasm_func_call: argument " + std::to_string(i) + " is not a value of type " +
                                     wasm::valTypeName(type.params[i]) + " from this store");
  rt::CallResult result = rt::callFunction(store->runtime, function, values);
  if (result.trap) {
    std::string message = result.trap->message();
    return newTrap(store, std::move(*result.trap), std::move(message));
  }
  // Results that do not fit are dropped (wasm.h's examples call a function
  // that traps with room for none of its results).
  size_t room = results ? results->size : 0;
  for (size_t i = 0; i < result.values.size() && i < room; ++i)
    results->data[i] = fromRuntimeValue(store, result.values[i]);
  return nullptr;
}

} // extern "C"
