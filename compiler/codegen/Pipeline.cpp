#include "compiler/codegen/Pipeline.h"

#include <llvm/Passes/PassBuilder.h>

namespace wasmc::codegen {

using namespace llvm;

void optimizeModule(Module& module, TargetMachine& machine, unsigned optLevel) {
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
  switch (optLevel) {
  case 0: passes = builder.buildO0DefaultPipeline(OptimizationLevel::O0); break;
  case 1: passes = builder.buildPerModuleDefaultPipeline(OptimizationLevel::O1); break;
  case 3: passes = builder.buildPerModuleDefaultPipeline(OptimizationLevel::O3); break;
  default: passes = builder.buildPerModuleDefaultPipeline(OptimizationLevel::O2); break;
  }
  passes.run(module, modules);
}

} // namespace wasmc::codegen
