#pragma once
// A pass that gives innermost loops 64-bit address induction variables when
// a check before the loop proves their 32-bit wasm addresses cannot wrap.
// See WidenLoopAddresses.cpp for why and for the rules.

#include <llvm/IR/PassManager.h>

namespace wasmc::codegen {

class WidenLoopAddressesPass : public llvm::PassInfoMixin<WidenLoopAddressesPass> {
public:
  llvm::PreservedAnalyses run(llvm::Function& function, llvm::FunctionAnalysisManager& analyses);
};

} // namespace wasmc::codegen
