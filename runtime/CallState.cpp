#include "runtime/CallState.h"

#include "compiler/wasm/Error.h"
#include "runtime/CodeRegistry.h"
#include "runtime/Signals.h"

#include <pthread.h>
#include <utility>

namespace wasmc::rt {
namespace {

// Read by the signal handler. initial-exec keeps the access a plain
// thread-pointer offset: the general-dynamic model may allocate the TLS
// block lazily inside __tls_get_addr, which is not signal-safe.
constinit thread_local Activation* innermost __attribute__((tls_model("initial-exec"))) = nullptr;

struct CachedStack {
  StackBounds bounds;
  bool known = false;
};
constinit thread_local CachedStack cachedStack;

// What a host function left for the Trap it is about to cause.
thread_local std::string pendingHostMessage;
thread_local int32_t pendingExitCode = 0;

StackBounds queryThreadStack() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0)
    fatal("pthread_getattr_np failed: cannot find this thread's stack");
  void* addr = nullptr;
  size_t size = 0;
  size_t guard = 0;
  int stackResult = pthread_attr_getstack(&attr, &addr, &size);
  int guardResult = pthread_attr_getguardsize(&attr, &guard);
  pthread_attr_destroy(&attr);
  if (stackResult != 0 || guardResult != 0)
    fatal("pthread_attr_getstack failed: cannot find this thread's stack");
  uintptr_t low = reinterpret_cast<uintptr_t>(addr);
  return StackBounds{low, low + size, guard};
}

// Kept out of line so the jump buffer belongs to a frame that stays live for
// the whole call, and so nothing in invokeWasm's frame is modified between
// sigsetjmp and a siglongjmp (such locals would be indeterminate after it).
[[gnu::noinline]] bool runProtected(Activation& activation, abi::EntryTrampoline entry,
                                    void* code, void* vmctx, abi::Slot* slots) {
  // Frame walks stop below this frame: everything above is host code.
  activation.entryFrame = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  // savemask 0: the handlers use SA_NODEFER, so a trap never leaves its
  // signal blocked and there is no mask to restore.
  if (sigsetjmp(activation.jmp, 0) != 0)
    return true;
  entry(code, vmctx, slots);
  return false;
}

Trap buildTrap(const Activation& activation) {
  Trap trap;
  trap.code = activation.trapCode;
  bool inLoopEntry = false; // the last wasm frame was a loop entry
  for (uint32_t i = 0; i < activation.pcCount; ++i) {
    uintptr_t pc = activation.pcs[i];
    // A return address points after the call; the call itself (pc - 1) may
    // be the last instruction of its function.
    uintptr_t probe = (i == 0 && activation.firstPcIsFault) ? pc : pc - 1;
    if (!isWasmCode(probe))
      continue;
    bool loopEntry = false;
    if (std::optional<Frame> frame = lookupFrame(probe, &loopEntry)) {
      // A loop entry's caller is the baseline frame it took over from:
      // one wasm call, one frame (the entry's).
      if (std::exchange(inLoopEntry, loopEntry) && frame->funcIndex == trap.backtrace.back().funcIndex)
        continue;
      frame->pc = pc;
      trap.backtrace.push_back(std::move(*frame));
    }
  }
  takePendingTrapDetails(trap);
  return trap;
}

} // namespace

void takePendingTrapDetails(Trap& trap) {
  if (trap.code == abi::TrapCode::HostTrap)
    trap.hostMessage = std::exchange(pendingHostMessage, std::string());
  if (trap.code == abi::TrapCode::Exit)
    trap.exitCode = std::exchange(pendingExitCode, 0);
}

Activation* currentActivation() { return innermost; }

const StackBounds& currentThreadStack() {
  if (!cachedStack.known) {
    cachedStack.bounds = queryThreadStack();
    cachedStack.known = true;
  }
  return cachedStack.bounds;
}

void recordTrap(Activation& activation, abi::TrapCode code, uintptr_t pc, uintptr_t fp,
                uintptr_t lowBound) {
  activation.trapCode = code;
  activation.pcCount = 0;
  activation.firstPcIsFault = pc != 0;
  if (pc != 0)
    activation.pcs[activation.pcCount++] = pc;
  // Only frames between the trap and the entry are read, and only while the
  // chain climbs: a frame pointer clobbered by code built without frame
  // pointers ends the walk instead of sending it into unmapped memory.
  uintptr_t low = lowBound > activation.stack.low ? lowBound : activation.stack.low;
  while (activation.pcCount < kMaxTrapFrames && fp >= low && fp < activation.entryFrame &&
         fp % sizeof(uintptr_t) == 0) {
    const auto* frame = reinterpret_cast<const uintptr_t*>(fp);
    uintptr_t next = frame[0];
    uintptr_t returnAddress = frame[1];
    if (returnAddress == 0)
      break;
    activation.pcs[activation.pcCount++] = returnAddress;
    if (next <= fp)
      break;
    fp = next;
  }
}

void setStackLimit(abi::StoreRecord& store, uintptr_t limit) {
  store.stackLimit = limit;
  for (size_t i = 0; i < store.contextCount; ++i)
    __atomic_store_n(&store.contexts[i]->stackLimit, limit, __ATOMIC_RELAXED);
  // An interrupt that came before the limits were written would be undone
  // by them: look again (after them), and put the interrupt's limit back.
  // requestInterrupt sets the flag before it writes, so one of the two
  // writes the interrupt's limit last.
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (__atomic_load_n(&store.interrupt, __ATOMIC_RELAXED))
    for (size_t i = 0; i < store.contextCount; ++i)
      __atomic_store_n(&store.contexts[i]->stackLimit, abi::kInterruptStackLimit, __ATOMIC_RELAXED);
}

void requestInterrupt(abi::StoreRecord& store) {
  __atomic_store_n(&store.interrupt, 1, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  for (size_t i = 0; i < store.contextCount; ++i)
    __atomic_store_n(&store.contexts[i]->stackLimit, abi::kInterruptStackLimit, __ATOMIC_RELAXED);
}

bool interruptRequested(const abi::StoreRecord& store) { return __atomic_load_n(&store.interrupt, __ATOMIC_RELAXED); }

std::optional<Trap> invokeWasm(abi::EntryTrampoline entry, void* code, void* vmctx,
                               abi::Slot* slots, abi::StoreRecord* store) {
  installTrapHandlers();
  ensureSignalStack();
  Activation activation;
  activation.prev = innermost;
  activation.stack = currentThreadStack();
  activation.store = store;
  activation.vmctx = vmctx;
  uintptr_t savedLimit = 0;
  if (store) {
    savedLimit = store->stackLimit;
    // A call from a host function keeps the limit of the call that entered
    // the store first: max-wasm-stack counts all wasm frames of the thread.
    uintptr_t limit = activation.stack.low + abi::kStackReserve;
    auto sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    if (store->maxWasmStack != 0 && sp > limit && sp - limit > store->maxWasmStack)
      limit = sp - store->maxWasmStack;
    if (savedLimit != 0 && savedLimit > limit)
      limit = savedLimit;
    setStackLimit(*store, limit);
  }
  innermost = &activation;
  bool trapped = runProtected(activation, entry, code, vmctx, slots);
  innermost = activation.prev;
  if (store)
    setStackLimit(*store, savedLimit);
  if (!trapped)
    return std::nullopt;
  return buildTrap(activation);
}

void raiseTrap(abi::TrapCode code) {
  Activation* activation = innermost;
  if (!activation)
    fatal("raiseTrap called outside of a wasm call");
  // An interrupted store's stack checks fail on purpose: that is the
  // interrupt, delivered once (the flag is cleared; invokeWasm then puts
  // the real limits back).
  if ((code == abi::TrapCode::StackExhausted || code == abi::TrapCode::Interrupt) && activation->store &&
      __atomic_exchange_n(&const_cast<abi::StoreRecord*>(activation->store)->interrupt, 0, __ATOMIC_RELAXED))
    code = abi::TrapCode::Interrupt;
  uintptr_t fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  recordTrap(*activation, code, 0, fp, fp);
  siglongjmp(activation->jmp, 1);
}

void raiseTrapCode(uint32_t code) { raiseTrap(static_cast<abi::TrapCode>(code)); }

void setPendingHostTrap(std::string message) { pendingHostMessage = std::move(message); }

void setPendingExit(int32_t exitCode) { pendingExitCode = exitCode; }

} // namespace wasmc::rt
