// Traps, their frames, and foreign objects.

#include "embed/capi/Handles.h"

using namespace wasmc;
using namespace wasmc::capi;

namespace wasmc::capi {

wasm_trap_t* newTrap(wasm_store_t* store, rt::Trap trap, std::string message) {
  auto object = std::make_shared<TrapObject>();
  object->trap = std::move(trap);
  object->message = std::move(message);
  const void* identity = object.get();
  return newHandle<wasm_trap_t>(RefKind::Trap, store, identity, std::move(object));
}

wasm_trap_t* newErrorTrap(wasm_store_t* store, std::string message) {
  rt::Trap trap;
  trap.code = abi::TrapCode::HostTrap;
  trap.hostMessage = message;
  return newTrap(store, std::move(trap), std::move(message));
}

} // namespace wasmc::capi

namespace {

wasm_frame_t* newFrame(const rt::Frame& frame) {
  // The offsets are the trapping instruction's, or the call's in a caller;
  // within the function they count from its local declarations, as
  // Wasmtime and V8 count them.
  return new wasm_frame_t{nullptr, frame.funcIndex, frame.functionOffset(), frame.offset, frame.name};
}

} // namespace

extern "C" {

wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t* message) {
  std::string text = message && message->data ? std::string(message->data, message->size) : std::string();
  if (!text.empty() && text.back() == '\0') // wasm_message_t counts its terminator
    text.pop_back();
  return newErrorTrap(store, std::move(text));
}

void wasm_trap_message(const wasm_trap_t* trap, wasm_message_t* out) {
  const std::string& message = trapOf(trap)->message;
  wasm_byte_vec_new_uninitialized(out, message.size() + 1);
  std::copy(message.begin(), message.end(), out->data);
  out->data[message.size()] = '\0';
}

wasm_frame_t* wasm_trap_origin(const wasm_trap_t* trap) {
  const std::vector<rt::Frame>& frames = trapOf(trap)->trap.backtrace;
  return frames.empty() ? nullptr : newFrame(frames.front());
}

void wasm_trap_trace(const wasm_trap_t* trap, wasm_frame_vec_t* out) {
  const std::vector<rt::Frame>& frames = trapOf(trap)->trap.backtrace;
  wasm_frame_vec_new_uninitialized(out, frames.size());
  for (size_t i = 0; i < frames.size(); ++i)
    out->data[i] = newFrame(frames[i]);
}

wasm_frame_t* wasm_frame_copy(const wasm_frame_t* frame) { return new wasm_frame_t(*frame); }
void wasm_frame_delete(wasm_frame_t* frame) { delete frame; }
wasm_instance_t* wasm_frame_instance(const wasm_frame_t* frame) { return frame->instance; }
uint32_t wasm_frame_func_index(const wasm_frame_t* frame) { return frame->funcIndex; }
size_t wasm_frame_func_offset(const wasm_frame_t* frame) { return frame->funcOffset; }
size_t wasm_frame_module_offset(const wasm_frame_t* frame) { return frame->moduleOffset; }

wasm_foreign_t* wasm_foreign_new(wasm_store_t* store) {
  return newHandle<wasm_foreign_t>(RefKind::Foreign, store, &store->foreigns.emplace_back());
}

} // extern "C"
