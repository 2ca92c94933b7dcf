#pragma once
// The TargetMachine for the code we generate, and the CPU it assumes.

#include "compiler/codegen/Codegen.h"

#include <llvm/Target/TargetMachine.h>

#include <llvm/ADT/STLFunctionalExtras.h>

#include <memory>
#include <shared_mutex>

namespace wasmc::codegen {

/// Initialises LLVM's native target once per process. Thread-safe.
void initializeLlvm();

/// LLVM's command-line options belong to the whole process, and lld sets
/// every one of them back to its default when a link starts
/// (cl::ResetAllOptionOccurrences), wasmc's own choices included. Code
/// generation holds this lock shared from lowering to machine code, so no
/// link changes the options under it.
std::shared_lock<std::shared_mutex> shareLlvmOptions();

/// Runs `run` (an lld link) with no code generation beside it, then sets
/// wasmc's LLVM options again.
void runResettingLlvmOptions(llvm::function_ref<void()> run);

/// A TargetMachine for this host's triple and options.cpu, with the
/// code-generation level matching options.optLevel.
Expected<std::unique_ptr<llvm::TargetMachine>> createTargetMachine(const Options& options);

/// This thread's TargetMachine for options.cpu and options.optLevel,
/// created on its first use and kept until the thread ends. Creating one
/// (its subtarget, lowering and legalizer tables) cost about a tenth of
/// compiling a small function alone, as tier-up does for each hot
/// function. A TargetMachine is not safe to share between threads; one
/// thread's compiles are sequential, so they can reuse it.
Expected<llvm::TargetMachine*> threadTargetMachine(const Options& options);

/// The abi::CpuFeature bits code from `machine` may use.
uint64_t requiredFeatureBits(const llvm::TargetMachine& machine);

} // namespace wasmc::codegen
