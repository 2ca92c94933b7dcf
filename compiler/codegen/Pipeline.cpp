#include "compiler/codegen/Pipeline.h"

#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>

namespace wasmc::codegen {

using namespace llvm;

namespace {

/// Big functions: locals to SSA values, then one round of clean-ups. No
/// loop pass, nothing that needs scalar evolution or memory SSA.
FunctionPassManager bigFunctionPipeline() {
  FunctionPassManager passes;
  passes.addPass(SROAPass(SROAOptions::ModifyCFG));
  passes.addPass(EarlyCSEPass());
  passes.addPass(InstCombinePass(InstCombineOptions().setMaxIterations(1).setVerifyFixpoint(false)));
  passes.addPass(SimplifyCFGPass());
  return passes;
}

} // namespace

void optimizeModule(Module& module, TargetMachine& machine, unsigned optLevel, bool bigFunction) {
  LoopAnalysisManager loops;
  FunctionAnalysisManager functions;
  CGSCCAnalysisManager sccs;
  ModuleAnalysisManager modules;
  PassBuilder builder(&machine);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);

  ModulePassManager passes;
  if (bigFunction) {
    passes.addPass(createModuleToFunctionPassAdaptor(bigFunctionPipeline()));
  } else {
    switch (optLevel) {
    case 0: passes = builder.buildO0DefaultPipeline(OptimizationLevel::O0); break;
    case 1: passes = builder.buildPerModuleDefaultPipeline(OptimizationLevel::O1); break;
    case 3: passes = builder.buildPerModuleDefaultPipeline(OptimizationLevel::O3); break;
    default: passes = builder.buildPerModuleDefaultPipeline(OptimizationLevel::O2); break;
    }
  }
  passes.run(module, modules);
}

} // namespace wasmc::codegen
