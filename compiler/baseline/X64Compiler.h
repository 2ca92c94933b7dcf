#pragma once
// The baseline tier's one-pass compiler from a wasm function body to x86-64
// (docs/BASELINE.md). First version: the integer subset, as a stack machine
// in the frame (every operand in a frame slot, rax/rcx/rdx as scratch), so
// that its structure (control frames, branches carrying values, unreachable
// code) is right before register caching makes it fast.
//
// Covered: i32 and i64 constants, locals, arithmetic (but division and
// remainder, whose traps need the runtime), bit operations, shifts and
// rotations, comparisons, eqz, wrap and extend, select, drop, nop, block,
// loop, if/else, br, br_if, br_table, return, integer loads and stores of
// memory 0 (guard-page addressing, as the LLVM code's); parameters and one
// result of i32 or i64. Everything else is refused with
// ErrorKind::Unsupported and its byte offset (the function then goes to
// LLVM). No calls, globals or explicit traps yet, so no stack check is
// needed yet either; and nothing registers baseline code with the trap
// handler yet, so a fault in it is not a trap. Not used by any tier yet.

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Module.h"

#include <cstdint>
#include <vector>

namespace wasmc::baseline {

/// Machine code for defined function `index` (imports not counted), in the
/// wasm calling convention: result f(VMContext* in rdi, params...).
Expected<std::vector<uint8_t>> compileFunctionX64(const wasm::Module& module, uint32_t index);

} // namespace wasmc::baseline
