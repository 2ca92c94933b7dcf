#pragma once
// The baseline tier's one-pass compiler from a wasm function body to x86-64
// (docs/BASELINE.md). First version: the integer subset, as a stack machine
// in the frame (every operand in a frame slot, rax/rcx/rdx as scratch), so
// that its structure (control frames, branches carrying values, unreachable
// code) is right before register caching makes it fast.
//
// Covered: i32 and i64 constants, locals, arithmetic including division
// and remainder with their traps, bit operations, shifts and rotations,
// comparisons, eqz, wrap and extend, select, drop, nop, unreachable, block,
// loop, if/else, br, br_if, br_table, return, calls (through the callee's
// FuncRef, so to code of any tier; up to five integer parameters and one
// result), integer globals, integer loads and stores of memory 0
// (guard-page addressing, as the LLVM code's); parameters and one result of
// i32 or i64. The prologue checks the stack limit as LLVM's does; explicit
// traps call Builtins::raiseTrap. Everything else is refused with
// ErrorKind::Unsupported and its byte offset (the function then goes to
// LLVM). Nothing registers baseline code with the trap handler yet, so a
// fault in it (an out-of-bounds access) is not yet a trap. Not used by any
// tier yet.

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Module.h"

#include <cstdint>
#include <vector>

namespace wasmc::baseline {

/// Machine code for defined function `index` (imports not counted), in the
/// wasm calling convention: result f(VMContext* in rdi, params...).
Expected<std::vector<uint8_t>> compileFunctionX64(const wasm::Module& module, uint32_t index);

} // namespace wasmc::baseline
