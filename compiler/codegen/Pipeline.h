#pragma once
// The optimisation pipeline (LLVM's new pass manager) per -O level.

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace wasmc::codegen {

void optimizeModule(llvm::Module& module, llvm::TargetMachine& machine, unsigned optLevel);

} // namespace wasmc::codegen
