#pragma once
// The process-wide handler that turns hardware faults in compiled wasm code
// (guard-page hits, stack overflow, integer division, ud2) into traps, and
// hands every other fault to whoever handled it before us.

namespace wasmc::rt {

/// Installs the handler for SIGSEGV, SIGBUS, SIGFPE and SIGILL, remembering
/// the previous handlers to chain to. Idempotent and thread-safe; invokeWasm
/// calls it, so embedders only need it to install handlers early (before
/// another library installs its own and would otherwise come first).
void installTrapHandlers();

/// Gives the calling thread an alternate signal stack (so a stack overflow
/// can still be handled), unless it already has one big enough. Allocated
/// once per thread with a guard page below it, freed at thread exit.
void ensureSignalStack();

} // namespace wasmc::rt
