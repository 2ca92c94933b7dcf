#pragma once
// The optimisation pipeline (LLVM's new pass manager) per -O level, and the
// cheap one for big functions (Partition.h).

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace wasmc::codegen {

/// Runs the pipeline for optLevel (0..3) over `module`, or, for a partition
/// holding one big function, a few linear-time function passes.
void optimizeModule(llvm::Module& module, llvm::TargetMachine& machine, unsigned optLevel, bool bigFunction);

} // namespace wasmc::codegen
