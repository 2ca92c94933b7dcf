#include "runtime/Trap.h"

#include <cstdio>

namespace wasmc::rt {

const char* trapMessage(abi::TrapCode code) {
  using abi::TrapCode;
  switch (code) {
  case TrapCode::None: return "no trap";
  case TrapCode::Unreachable: return "unreachable";
  case TrapCode::MemoryOutOfBounds: return "out of bounds memory access";
  case TrapCode::IntegerDivideByZero: return "integer divide by zero";
  case TrapCode::IntegerOverflow: return "integer overflow";
  case TrapCode::InvalidConversion: return "invalid conversion to integer";
  case TrapCode::UndefinedElement: return "undefined element";
  case TrapCode::UninitializedElement: return "uninitialized element";
  case TrapCode::IndirectCallTypeMismatch: return "indirect call type mismatch";
  case TrapCode::TableOutOfBounds: return "out of bounds table access";
  case TrapCode::StackExhausted: return "call stack exhausted";
  case TrapCode::HostTrap: return "host function trapped";
  case TrapCode::Exit: return "exit";
  case TrapCode::Interrupt: return "interrupt";
  case TrapCode::GrowFailed: return "memory or table grow failed";
  case TrapCode::OutOfFuel: return "all fuel consumed";
  }
  return "unknown trap";
}

std::string Trap::message() const {
  if (code == abi::TrapCode::HostTrap && !hostMessage.empty())
    return hostMessage;
  if (code == abi::TrapCode::Exit)
    return "exit " + std::to_string(exitCode);
  return trapMessage(code);
}

std::string Trap::describe() const {
  std::string out = message();
  for (size_t i = 0; i < backtrace.size(); ++i) {
    const Frame& frame = backtrace[i];
    out += "\n  #" + std::to_string(i) + " wasm function " + std::to_string(frame.funcIndex);
    if (!frame.name.empty())
      out += " " + frame.name;
    if (frame.offset != abi::kNoWasmOffset) {
      char at[40];
      std::snprintf(at, sizeof at, " at 0x%x (+0x%x)", frame.offset, frame.functionOffset());
      out += at;
    }
  }
  return out;
}

} // namespace wasmc::rt
