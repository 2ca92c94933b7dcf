#pragma once
// A pass that computes webs of 64-bit-lane vector arithmetic around lane
// multiplies as one scalar chain per lane. See ScalarizeI64VectorWebs.cpp
// for why.

#include <llvm/IR/PassManager.h>

namespace wasmc::codegen {

class ScalarizeI64VectorWebsPass : public llvm::PassInfoMixin<ScalarizeI64VectorWebsPass> {
public:
  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
};

} // namespace wasmc::codegen
