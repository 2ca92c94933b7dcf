#pragma once
// Which machine code is compiled wasm: the signal handler asks whether a
// faulting pc is ours (lock-free), and trap backtraces map return addresses
// back to wasm function indices and names (after the fact, under a lock).

#include "runtime/Trap.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wasmc::rt {

/// The machine code of one compiled wasm function: [start, end).
struct FunctionRange {
  uintptr_t start = 0;
  uintptr_t end = 0;
  uint32_t funcIndex = 0;
  std::string name; // may be empty
  /// A loop entry (on-stack replacement, docs/BASELINE.md): its caller is
  /// the baseline frame of the same wasm call, which backtraces leave out.
  bool loopEntry = false;
  /// pc (relative to start) -> wasm offset, sorted by pc; may be empty.
  std::vector<abi::PcOffset> offsets;
  /// wasm::Module::localsOffset of the function (Frame::functionStart).
  uint32_t functionStart = 0;
};

/// From now on, writes every function registered (below) to
/// /tmp/perf-PID.map, the file `perf report` reads to name code that
/// belongs to no file (`wasmc run --profile perfmap`). Functions
/// registered before are not in it. False if the file cannot be created.
bool enablePerfMap();

/// Registers the code of one compiled module. Functions closer than a page
/// to each other are published as one range to the signal handler (the gaps
/// hold the module's own padding and trampolines), so isWasmCode stays cheap
/// for modules with thousands of functions. Returns a non-zero handle for
/// unregisterCode. The code must stay mapped until then. Thread-safe.
/// Aborts if more than 65,536 code clusters are live at once.
uint64_t registerCode(std::vector<FunctionRange> functions);

/// Adds code compiled later (a lazily compiled function) to the
/// registration `handle`, so unregisterCode forgets it too. Code within a
/// page of the module's earlier ranges joins them, so a module compiled one
/// function at a time still uses few of the signal handler's slots. Call it
/// before the code can run. Unknown handles are ignored. Thread-safe; aborts
/// like registerCode when the code registry is full.
void addCode(uint64_t handle, std::vector<FunctionRange> functions);

/// Forgets a module's code; call it before unmapping the code, when no
/// thread can still be running it. Unknown handles are ignored. Thread-safe.
void unregisterCode(uint64_t handle);

/// True if `pc` is inside registered wasm code. Async-signal-safe and
/// lock-free (no allocation, no locks): this is what the trap handler asks.
bool isWasmCode(uintptr_t pc);

/// The wasm function containing `pc`, as a Frame (with pc set and the
/// offset of the instruction `pc` belongs to), and with
/// `loopEntry` whether that code is a loop entry (FunctionRange). Takes a
/// lock and copies the name: not signal-safe; for building backtraces after
/// a trap has been caught. Thread-safe.
std::optional<Frame> lookupFrame(uintptr_t pc, bool* loopEntry = nullptr);

} // namespace wasmc::rt
