#pragma once
// The TargetMachine for the code we generate, and the CPU it assumes.

#include "compiler/codegen/Codegen.h"

#include <llvm/Target/TargetMachine.h>

#include <memory>

namespace wasmc::codegen {

/// Initialises LLVM's native target once per process. Thread-safe.
void initializeLlvm();

/// A TargetMachine for this host's triple and options.cpu, with the
/// code-generation level matching options.optLevel.
Expected<std::unique_ptr<llvm::TargetMachine>> createTargetMachine(const Options& options);

/// The abi::CpuFeature bits code from `machine` may use.
uint64_t requiredFeatureBits(const llvm::TargetMachine& machine);

} // namespace wasmc::codegen
