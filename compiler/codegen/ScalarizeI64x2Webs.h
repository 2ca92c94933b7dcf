#pragma once
// A pass that computes webs of i64x2 arithmetic around lane-by-lane 64-bit
// multiplies as two scalar chains. See ScalarizeI64x2Webs.cpp for why.

#include <llvm/IR/PassManager.h>

namespace wasmc::codegen {

class ScalarizeI64x2WebsPass : public llvm::PassInfoMixin<ScalarizeI64x2WebsPass> {
public:
  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
};

} // namespace wasmc::codegen
