#pragma once
// Loop strength reduction, run by the optimisation pipeline instead of the
// code generator, and skipped for loops whose addresses would need more
// induction variables than x86-64 has registers. See ReduceLoopStrength.cpp.

#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/IR/PassManager.h>
#include <llvm/Transforms/Scalar/LoopPassManager.h>

namespace wasmc::codegen {

class ReduceLoopStrengthPass : public llvm::PassInfoMixin<ReduceLoopStrengthPass> {
public:
  llvm::PreservedAnalyses run(llvm::Loop& loop, llvm::LoopAnalysisManager& analyses,
                              llvm::LoopStandardAnalysisResults& results, llvm::LPMUpdater& updater);
};

} // namespace wasmc::codegen
