// WARNING: safety-critical. This handler decides, on every SIGSEGV, SIGBUS,
// SIGFPE and SIGILL in the process, whether the fault is a wasm trap or a
// real crash. Getting it wrong either kills a sandboxed program for a legal
// out-of-bounds access, or swallows a host crash and keeps running on
// corrupted state. Rules for changing this file:
//  1. Everything reachable from handleSignal is async-signal-safe: no
//     allocation, no locks, no stdio, no C++ statics with guards, no errno
//     left changed when we return. Only write(2), sigaction, raise, abort,
//     siglongjmp and lock-free reads of RangeSet-backed registries.
//  2. A fault is claimed only if its pc is registered wasm code AND this
//     thread has an active wasm call. Everything else goes to the previous
//     handler, exactly once, the way it would have run without us.
//  3. A fault in wasm code we cannot classify is a wasmc bug: report and
//     abort. Never turn an unexplained fault into a trap. Classified are
//     only SIGSEGV/SIGBUS in a memory reservation of the running call's
//     store (guard regions below and above included) and in this thread's
//     stack guard zone. Compiled code checks division and calls a builtin
//     for `unreachable`, so SIGFPE and SIGILL in wasm code are always bugs
//     (a CPU-feature mismatch, a miscompile) and abort.
//  4. Test the death paths (test/unit/runtime/SignalsTest.cpp) after any
//     change, and have a second reviewer read the diff.

#include "runtime/Signals.h"

#include "compiler/wasm/Error.h"
#include "runtime/CallState.h"
#include "runtime/CodeRegistry.h"
#include "runtime/Memory.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

namespace wasmc::rt {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
constexpr size_t kSignalCount = sizeof(kSignals) / sizeof(kSignals[0]);

/// Written once before our handler is installed, read-only afterwards.
struct sigaction previousActions[kSignalCount];
constinit std::once_flag installOnce;
constinit std::atomic<bool> installed{false};

/// Faults this far below a thread's stack count as stack exhaustion. The
/// kernel keeps a 1 MiB gap under the main thread's stack; glibc's thread
/// guard is usually one page. A large frame can skip past either.
constexpr uintptr_t kMinStackGuardZone = 1 << 20;

constexpr size_t kSignalStackSize = 64 * 1024;

struct MachineState {
  uintptr_t pc;
  uintptr_t fp;
  uintptr_t sp;
};

MachineState readContext(void* context) {
  const auto* uc = static_cast<const ucontext_t*>(context);
#if defined(__x86_64__)
  return MachineState{static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]),
                      static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP]),
                      static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP])};
#elif defined(__aarch64__)
  return MachineState{static_cast<uintptr_t>(uc->uc_mcontext.pc),
                      static_cast<uintptr_t>(uc->uc_mcontext.regs[29]),
                      static_cast<uintptr_t>(uc->uc_mcontext.sp)};
#else
#error "wasmc's trap handler supports x86-64 and aarch64 only"
#endif
}

size_t signalIndex(int sig) {
  for (size_t i = 0; i < kSignalCount; ++i)
    if (kSignals[i] == sig)
      return i;
  return 0; // unreachable: we only install for kSignals
}

/// Runs the handler that was installed before ours, as if we were not here.
void delegateToPrevious(int sig, siginfo_t* info, void* context) {
  const struct sigaction& previous = previousActions[signalIndex(sig)];
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler == SIG_DFL || previous.sa_handler == SIG_IGN) {
    // Put the old disposition back and return: a hardware fault re-executes
    // the instruction and now gets the default action (the kernel forces
    // SIG_DFL for an ignored synchronous fault). This is a crash in host
    // code; our handler stays uninstalled for the rest of the process.
    sigaction(sig, &previous, nullptr);
    // Sent by kill/raise rather than by a fault: returning would not repeat it.
    if (info->si_code <= 0)
      raise(sig);
    return;
  }
  previous.sa_handler(sig);
}

/// Compiled code touches no memory but linear memory, runtime records and
/// its own stack, so a fault on this thread's stack (a main-thread stack that
/// cannot grow any further) or in the zone below it is stack exhaustion.
bool inStackGuardZone(const StackBounds& stack, uintptr_t addr) {
  uintptr_t zone = std::max<uintptr_t>(stack.guardSize, kMinStackGuardZone);
  uintptr_t zoneLow = stack.low > zone ? stack.low - zone : 0;
  return addr >= zoneLow && addr < stack.high;
}

abi::TrapCode classify(int sig, const siginfo_t* info, const Activation& activation) {
  auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
  switch (sig) {
  case SIGSEGV:
  case SIGBUS:
    if (isInStoreMemoryReservation(addr, activation.store))
      return abi::TrapCode::MemoryOutOfBounds;
    if (inStackGuardZone(activation.stack, addr))
      return abi::TrapCode::StackExhausted;
    return abi::TrapCode::None;
  default: // SIGFPE, SIGILL: see rule 3
    return abi::TrapCode::None;
  }
}

/// Appends `text` to buf[0, *length), bounded by `capacity`. Signal-safe.
void appendText(char* buf, size_t capacity, size_t& length, const char* text) {
  while (*text && length < capacity)
    buf[length++] = *text++;
}

void appendHex(char* buf, size_t capacity, size_t& length, uintptr_t value) {
  char digits[2 + 2 * sizeof(uintptr_t)];
  size_t count = 0;
  do {
    digits[count++] = "0123456789abcdef"[value & 15];
    value >>= 4;
  } while (value != 0);
  appendText(buf, capacity, length, "0x");
  while (count > 0 && length < capacity)
    buf[length++] = digits[--count];
}

void appendDecimal(char* buf, size_t capacity, size_t& length, int value) {
  char digits[12];
  size_t count = 0;
  unsigned magnitude = value < 0 ? 0u - unsigned(value) : unsigned(value);
  do {
    digits[count++] = char('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0)
    appendText(buf, capacity, length, "-");
  while (count > 0 && length < capacity)
    buf[length++] = digits[--count];
}

[[noreturn]] void reportUnexpectedFault(int sig, const siginfo_t* info, uintptr_t pc) {
  char buf[256];
  size_t length = 0;
  appendText(buf, sizeof buf, length, "wasmc: internal error: unexpected signal ");
  appendDecimal(buf, sizeof buf, length, sig);
  appendText(buf, sizeof buf, length, " (si_code ");
  appendDecimal(buf, sizeof buf, length, info->si_code);
  appendText(buf, sizeof buf, length, ") in compiled wasm code at pc ");
  appendHex(buf, sizeof buf, length, pc);
  appendText(buf, sizeof buf, length, ", fault address ");
  appendHex(buf, sizeof buf, length, reinterpret_cast<uintptr_t>(info->si_addr));
  appendText(buf, sizeof buf, length, "\n");
  ssize_t ignored = write(STDERR_FILENO, buf, length);
  (void)ignored;
  abort();
}

void handleSignal(int sig, siginfo_t* info, void* context) {
  int savedErrno = errno;
  MachineState state = readContext(context);
  Activation* activation = currentActivation();
  if (!activation || !isWasmCode(state.pc)) {
    delegateToPrevious(sig, info, context);
    errno = savedErrno;
    return;
  }
  abi::TrapCode code = classify(sig, info, *activation);
  if (code == abi::TrapCode::None)
    reportUnexpectedFault(sig, info, state.pc);
  recordTrap(*activation, code, state.pc, state.fp, state.sp);
  // Leaves the alternate stack too: the kernel decides "on the signal stack"
  // from the stack pointer alone.
  siglongjmp(activation->jmp, 1);
}

void installOnceNow() {
  for (size_t i = 0; i < kSignalCount; ++i)
    if (sigaction(kSignals[i], nullptr, &previousActions[i]) != 0)
      fatal("sigaction failed reading a previous signal handler");
  struct sigaction action = {};
  action.sa_sigaction = handleSignal;
  sigemptyset(&action.sa_mask);
  // SA_SIGINFO: we need si_addr, si_code and the ucontext (pc, fp).
  // SA_ONSTACK: a stack overflow leaves no room on the faulting stack.
  // SA_NODEFER: we leave by siglongjmp without restoring the signal mask
  //   (sigsetjmp(..., 0) is cheaper); a signal blocked for the handler would
  //   stay blocked and the next fault would kill the process.
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  for (int sig : kSignals)
    if (sigaction(sig, &action, nullptr) != 0)
      fatal("sigaction failed installing the wasm trap handler");
  installed.store(true, std::memory_order_release);
}

/// This thread's alternate signal stack, unmapped when the thread exits.
struct SignalStack {
  void* mapping = nullptr;
  size_t mappingSize = 0;
  bool ready = false; // ours, or a big enough one someone else installed

  ~SignalStack() {
    if (!mapping)
      return;
    stack_t current;
    if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) &&
        current.ss_sp == static_cast<char*>(mapping) + (mappingSize - kSignalStackSize)) {
      stack_t disable = {};
      disable.ss_flags = SS_DISABLE;
      sigaltstack(&disable, nullptr);
    }
    munmap(mapping, mappingSize);
  }
};
thread_local SignalStack threadSignalStack;

} // namespace

void installTrapHandlers() {
  if (installed.load(std::memory_order_acquire))
    return;
  std::call_once(installOnce, installOnceNow);
}

void ensureSignalStack() {
  SignalStack& stack = threadSignalStack;
  if (stack.ready)
    return;
  stack_t current;
  if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) &&
      current.ss_size >= kSignalStackSize) {
    stack.ready = true;
    return;
  }
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t size = kSignalStackSize + page;
  void* mapping = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED)
    fatal("cannot allocate a signal stack");
  // The guard page sits below: the signal stack grows down.
  if (mprotect(mapping, page, PROT_NONE) != 0)
    fatal("cannot protect the signal stack's guard page");
  stack_t altStack = {};
  altStack.ss_sp = static_cast<char*>(mapping) + page;
  altStack.ss_size = kSignalStackSize;
  if (sigaltstack(&altStack, nullptr) != 0)
    fatal("sigaltstack failed");
  stack.mapping = mapping;
  stack.mappingSize = size;
  stack.ready = true;
}

} // namespace wasmc::rt
