#pragma once
// The only way into compiled code: invokeWasm pushes a thread-local
// activation with a jump buffer, calls the entry trampoline, and turns a
// fault or an explicit trap inside wasm into a Trap value. Nested calls
// (host -> wasm -> host -> wasm) each get their own activation.

#include "runtime/Abi.h"
#include "runtime/Trap.h"

#include <csetjmp>
#include <cstdint>
#include <optional>
#include <string>

namespace wasmc::rt {

/// Return addresses recorded per trap; deeper frames are dropped.
inline constexpr uint32_t kMaxTrapFrames = 64;

/// The bounds of the calling thread's stack, found once per thread with
/// pthread_getattr_np. `low` is the lowest usable address; the guard region
/// (if any) is [low - guardSize, low).
struct StackBounds {
  uintptr_t low = 0;
  uintptr_t high = 0;
  uintptr_t guardSize = 0;
};

/// One entry into compiled code, living in invokeWasm's frame. Read and
/// written by the signal handler, so it holds no pointers to heap state.
struct Activation {
  Activation* prev = nullptr; // the next outer activation on this thread
  sigjmp_buf jmp;
  abi::TrapCode trapCode = abi::TrapCode::None;
  bool firstPcIsFault = false; // pcs[0] is the faulting pc rather than a return address
  uint32_t pcCount = 0;
  uintptr_t pcs[kMaxTrapFrames];
  StackBounds stack;       // this thread's stack
  const abi::StoreRecord* store = nullptr; // whose memories' faults are this call's traps
  uintptr_t entryFrame = 0; // frame walks stop here (the frame that called the entry trampoline)
  /// The VMContext of the function the host called: host functions see its
  /// instance as their caller (the embedding API's caller.memory).
  void* vmctx = nullptr;
};

/// The innermost activation of the calling thread, or null when no wasm
/// call is active. Async-signal-safe.
Activation* currentActivation();

/// Stores `code` in `activation` and collects the trap's pcs: `pc` first if
/// non-zero (a faulting instruction), then the return addresses along the
/// frame-pointer chain from `fp`, walking only within [lowBound,
/// activation.entryFrame), at most kMaxTrapFrames. Async-signal-safe: no
/// allocation, no locks. Used by raiseTrap and by the signal handler.
void recordTrap(Activation& activation, abi::TrapCode code, uintptr_t pc, uintptr_t fp,
                uintptr_t lowBound);

/// Sets the stack limit of `store` and of every VMContext in it.
void setStackLimit(abi::StoreRecord& store, uintptr_t limit);

/// Interrupts the wasm running in `store` (or the next that runs): its next
/// stack check traps with TrapCode::Interrupt. Callable from any thread,
/// but the caller must keep `store.contexts` from changing meanwhile
/// (Store::interrupt does).
void requestInterrupt(abi::StoreRecord& store);
bool interruptRequested(const abi::StoreRecord& store);

/// Calls `entry(code, vmctx, slots)` on the calling thread. Installs the
/// trap handlers and this thread's signal stack if needed, and sets the
/// stack limit of `store` (if non-null; setStackLimit) to this thread's
/// stack low end plus abi::kStackReserve for the duration of the call,
/// restoring the previous value afterwards. Returns nullopt on a normal return (results
/// are in `slots`), or the Trap. Thread-safe; reentrant from host functions.
std::optional<Trap> invokeWasm(abi::EntryTrampoline entry, void* code, void* vmctx,
                               abi::Slot* slots, abi::StoreRecord* store);

/// Ends the innermost wasm call on this thread with `code`: records the
/// frames and jumps back into its invokeWasm. Called from compiled code (the
/// raiseTrap builtin) and host adapters. Every C++ frame between here and
/// that invokeWasm is abandoned without running destructors, so a host
/// function must return a trap status instead of calling this itself.
/// Fatal outside a wasm call.
[[noreturn]] void raiseTrap(abi::TrapCode code);

/// raiseTrap with the abi::RaiseTrapFn signature, for HostFunc::raiseTrap.
[[noreturn]] void raiseTrapCode(uint32_t code);

/// For a host function about to return TrapCode::HostTrap: the message the
/// resulting Trap carries. Thread-local; consumed by the invokeWasm that
/// catches the trap.
void setPendingHostTrap(std::string message);

/// For WASI proc_exit about to return TrapCode::Exit: the exit status the
/// resulting Trap carries. Thread-local, like setPendingHostTrap.
void setPendingExit(int32_t exitCode);

/// Moves the pending host message (HostTrap) or exit status (Exit) of this
/// thread into `trap`, as invokeWasm does; for a host function's trap status
/// seen outside wasm (the embedder called the host function directly).
void takePendingTrapDetails(Trap& trap);

/// The calling thread's stack bounds (cached after the first call). Not
/// signal-safe on the first call of a thread.
const StackBounds& currentThreadStack();

} // namespace wasmc::rt
