#pragma once
// The baseline tier's one-pass compiler from a wasm function body to x86-64
// (docs/BASELINE.md). Operands live in registers while a straight run of
// code computes them and in frame slots at control-flow merges and calls
// (ValueStack.h); constants and local reads stay unmaterialised until an
// instruction needs them; comparisons stay in the flags for the branch
// that tests them; the heaviest locals (LocalWeights.h) live in registers
// for the whole function; large br_tables jump through a table.
//
// Covered: i32, i64, f32 and f64 values (moved as raw bits, so loads,
// stores, reinterpretations and moves keep every NaN payload); constants, locals, integer arithmetic including division and
// remainder with their traps, bit operations, shifts, rotations,
// comparisons, eqz, wrap and extend; float add, sub, mul, div, min, max,
// sqrt, ceil, floor, trunc, nearest (SSE4.1), abs,
// neg, copysign, comparisons, promote and demote, conversion from signed
// integers and unsigned i32; select, drop, nop, unreachable, block, loop,
// if/else, br, br_if, br_table, return; sign extension, clz, ctz,
// popcnt; calls and
// call_indirect through the callee's FuncRef (so to code of any tier;
// System V arguments, stack ones included); globals; loads and
// stores of memory 0 (guard-page addressing, as the LLVM code's),
// memory.copy and memory.fill (bounds checks, then libc), memory.size and
// memory.grow (the runtime's builtin);
// parameters (System V, stack ones included) and one result. The prologue
// checks the stack limit as LLVM's does; explicit traps call
// Builtins::raiseTrap. Everything else (float-to-int,
// unsigned i64 conversions, SIMD, calls with several results,
// the other bulk
// memory, tables, references) is refused with ErrorKind::Unsupported and
// its byte offset, and the function goes to LLVM (tools/wasmc/
// BaselineModule.h).

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Module.h"
#include "runtime/Abi.h"

#include <cstdint>
#include <vector>

namespace wasmc::baseline {

/// Counting for tier-up (docs/BASELINE.md). With `counters` set, the
/// prologue decrements counters[index] (a plain, unlocked decrement: a
/// count lost to a race only delays tier-up) and, on the call that makes it
/// 0, calls request(context, index) and then goes on in this code.
/// Later calls make it negative and call nothing until it wraps.
///
/// On-stack replacement: with `loopCounters` set too, every loop header
/// reached with an empty operand stack decrements loopCounters[index] the
/// same way, and when it reaches 0 calls
/// enterLoop(context, index, offset of the `loop` instruction); a non-null
/// result is the loop's entry (codegen::JitCode::compileLoopEntry), which
/// the code calls with the VMContext and its local slots and whose result
/// it returns. Null: the loop goes on here (enterLoop may reset the
/// counter to ask again later).
struct CallCounting {
  int32_t* counters = nullptr; // per defined function
  void (*request)(void* context, uint32_t index) = nullptr;
  void* context = nullptr;
  int32_t* loopCounters = nullptr; // per defined function, shared by its loops
  const void* (*enterLoop)(void* context, uint32_t index, uint32_t loopOffset) = nullptr;
  /// Not a count: loop headers also check for an interrupt, as the LLVM
  /// code does with codegen::Options::interruptible.
  bool pollInterrupts = false;
  /// Not a count either: the code consumes the store's fuel, charged where
  /// the LLVM code charges it (compiler/wasm/Fuel.h).
  bool consumeFuel = false;
};

/// Machine code for defined function `index` (imports not counted), in the
/// wasm calling convention: result f(VMContext* in rdi, params...). With
/// `offsets`, also the code's pc -> wasm offset table (abi::PcOffset): each
/// instruction's code, and each trap stub, under its instruction's offset.
Expected<std::vector<uint8_t>> compileFunctionX64(const wasm::Module& module, uint32_t index,
                                                  const CallCounting& counting = {},
                                                  std::vector<abi::PcOffset>* offsets = nullptr);

} // namespace wasmc::baseline
