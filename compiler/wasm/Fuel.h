#pragma once
// Fuel: deterministic metering of what a function executes, the same in
// every tier and at every optimisation level because it is defined on the
// wasm instructions, not on the machine code.
//
// Each instruction costs 1, except the structural markers nop, block,
// loop, else and end, which cost 0. A function body is cut into straight-
// line stretches: one starts at the function's first instruction and
// after every block, loop, if, else, end, br, br_if, br_table, return,
// call, call_indirect and unreachable (so every place control can arrive
// at other than by falling through starts one), and runs up to and
// including the next of those. Compiled code subtracts a stretch's whole
// cost from the store's fuel when control enters it, so a trap inside a
// stretch has paid for all of it. At function entries and loop headers
// (the stretch after a `loop`) it then checks: fuel below zero traps with
// OutOfFuel. Straight-line code and returns can therefore overdraw by the
// cost of what runs up to the next check.

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Module.h"
#include "compiler/wasm/Opcodes.h"

#include <cstdint>
#include <vector>

namespace wasmc::wasm {

/// What executing `op` costs.
uint32_t fuelCost(Opcode op);

/// What compiled code does when control enters the instruction at `offset`:
/// subtract `cost` (if non-zero), then, if `check`, trap once fuel < 0.
struct FuelCharge {
  uint32_t offset = 0;
  uint32_t cost = 0;
  bool check = false;
};

/// A function's charges, in body order. Both compilers look up each
/// instruction they lower (at(), by byte offset), so both charge the same
/// amounts at the same wasm points.
class FuelPlan {
public:
  /// Decodes defined function `index` of `module` (already validated).
  static Expected<FuelPlan> of(const Module& module, FuncIndex index);

  /// The charge where the instruction at `offset` starts a stretch, or null.
  const FuelCharge* at(uint32_t offset) const;
  const std::vector<FuelCharge>& charges() const { return charges_; }

private:
  std::vector<FuelCharge> charges_; // ascending offsets
};

} // namespace wasmc::wasm
