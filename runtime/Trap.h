#pragma once
// A wasm trap as the embedder sees it: what happened (a TrapCode with the
// spec's wording), the wasm frames it happened in, and for host traps and
// WASI proc_exit the message or exit code the host function left behind.

#include "runtime/Abi.h"

#include <cstdint>
#include <string>
#include <vector>

namespace wasmc::rt {

/// One wasm frame of a trap's backtrace, innermost first.
struct Frame {
  uint32_t funcIndex = 0; // index in the module's function index space
  std::string name;       // from the name section; empty when unknown
  uintptr_t pc = 0;       // the faulting pc (frame 0 of a fault) or a return address
  /// Module byte offset of the wasm instruction at pc (the trapping one, or
  /// the call the frame is in); abi::kNoWasmOffset when the code's table
  /// does not say. Inlined code counts as its call site's.
  uint32_t offset = 0;
  /// Module byte offset of the function's local declarations, where
  /// offsets within the function count from (0 when not known).
  uint32_t functionStart = 0;
  /// `offset` counted from the function's start, as wasm_frame_func_offset
  /// reports it; 0 when either is unknown.
  uint32_t functionOffset() const {
    return offset != abi::kNoWasmOffset && offset >= functionStart ? offset - functionStart : 0;
  }
};

/// A trap returned by value from a wasm call (never thrown, never a crash).
struct Trap {
  abi::TrapCode code = abi::TrapCode::None;
  std::vector<Frame> backtrace;
  std::string hostMessage; // HostTrap only: what the host function reported
  int32_t exitCode = 0;    // Exit only: the proc_exit status

  /// The spec's wording for the code; the host's message for HostTrap;
  /// "exit N" for Exit.
  std::string message() const;

  /// message() followed by one line per frame: "  #0 wasm function 3 name"
  /// (the name is left out when unknown).
  std::string describe() const;
};

/// The spec's exact text for a trap code ("out of bounds memory access", …),
/// as assert_trap compares it. Static storage; never null.
const char* trapMessage(abi::TrapCode code);

} // namespace wasmc::rt
