// The optimisation pipeline. Wasm arrives optimised by its producer (clang
// or rustc at -O2 already inlined, unrolled and vectorised it), so what is
// left to do is mostly cleaning up after the lowering: promoting locals to
// registers, folding the repeated VMContext loads, hoisting out of loops.
//
// -O1 and -O2 are LLVM's per-module pipelines rebuilt from PassBuilder's
// public pieces with two changes, measured on sqlite3 (compile time) and
// gcc-loops plus test/bench (run time; docs/BENCHMARKS.md):
// - The inliner's threshold is 150 instead of 225. At 225 it re-inlines
//   across the whole module and grows sqlite3's code by a third, which the
//   rest of the middle end and the code generator then pay for; 150 keeps
//   gcc-loops as fast (at 50 it is 7% slower) and compiles sqlite3 8%
//   faster.
// - No interprocedural passes before the inliner (IPSCCP, called-value
//   propagation, GlobalOpt, dead-argument elimination): every function's
//   address is in wasmc_functions and calls through FuncRefs are opaque, so
//   they find nothing to do, but they cost a tenth of sqlite3's compile.
// -O3 is LLVM's own. At -O1 to -O3 the vectoriser's extension point also
// runs WidenLoopAddressesPass (64-bit address induction variables for loops
// that a check proves cannot wrap), and ScalarizeI64VectorWebsPass (i64
// vector arithmetic around lane multiplies computed in scalars) runs at the
// end of the function simplification pipeline and again at the very end,
// after the SLP vectoriser (on at -O2 and -O3, as in clang). Loop strength
// reduction, the code generator's job in LLVM, runs last at -O1 to -O3
// (ReduceLoopStrengthPass), so that it can leave alone the loops it would
// fill with induction variables.

#include "compiler/codegen/Pipeline.h"

#include "compiler/codegen/Partition.h"
#include "compiler/codegen/ReduceLoopStrength.h"
#include "compiler/codegen/ScalarizeI64VectorWebs.h"
#include "compiler/codegen/WidenLoopAddresses.h"

#include <llvm/Analysis/InlineCost.h>
#include <llvm/Analysis/ProfileSummaryInfo.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/IPO/FunctionAttrs.h>
#include <llvm/Transforms/IPO/Inliner.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/LowerExpectIntrinsic.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>

namespace wasmc::codegen {

using namespace llvm;

namespace {

/// The inliner's threshold at -O1 and -O2 (LLVM's default is 225).
constexpr int kInlineThreshold = 150;

InstCombinePass instCombine() {
  return InstCombinePass(InstCombineOptions().setMaxIterations(1).setVerifyFixpoint(false));
}

/// SROA, except in functions with more than kManyLocals allocas (one per
/// wasm local), whose promotion to SSA values takes quadratic time; their
/// locals stay in stack slots.
struct PromoteUnlessManyLocals : PassInfoMixin<PromoteUnlessManyLocals> {
  PreservedAnalyses run(Function& function, FunctionAnalysisManager& analyses) {
    uint64_t allocas = 0;
    for (Instruction& instruction : function.getEntryBlock())
      allocas += isa<AllocaInst>(instruction);
    if (allocas > kManyLocals)
      return PreservedAnalyses::all();
    return SROAPass(SROAOptions::ModifyCFG).run(function, analyses);
  }
};

/// Big functions: locals to SSA values, then one round of clean-ups. No
/// loop pass, nothing that needs scalar evolution or memory SSA.
FunctionPassManager bigFunctionPipeline() {
  FunctionPassManager passes;
  passes.addPass(PromoteUnlessManyLocals());
  passes.addPass(EarlyCSEPass());
  passes.addPass(instCombine());
  passes.addPass(SimplifyCFGPass());
  return passes;
}

/// LLVM's per-module pipeline for `level` (1 or 2) without the early
/// interprocedural passes and with our inliner threshold: early function
/// clean-up, then the inliner interleaved with the function simplification
/// pipeline bottom-up over the call graph, then the optimisation pipeline
/// (vectorisers, unrolling, late clean-up).
ModulePassManager wasmPipeline(PassBuilder& builder, OptimizationLevel level) {
  ModulePassManager passes;
  FunctionPassManager early;
  early.addPass(LowerExpectIntrinsicPass());
  early.addPass(SimplifyCFGPass());
  early.addPass(SROAPass(SROAOptions::ModifyCFG));
  early.addPass(EarlyCSEPass());
  early.addPass(instCombine());
  early.addPass(SimplifyCFGPass());
  passes.addPass(createModuleToFunctionPassAdaptor(std::move(early)));

  passes.addPass(RequireAnalysisPass<ProfileSummaryAnalysis, Module>());
  ModuleInlinerWrapperPass inliner(getInlineParams(kInlineThreshold), /*MandatoryFirst=*/true,
                                   InlineContext{ThinOrFullLTOPhase::None, InlinePass::CGSCCInliner});
  CGSCCPassManager& sccs = inliner.getPM();
  sccs.addPass(PostOrderFunctionAttrsPass(/*SkipNonRecursive=*/true));
  sccs.addPass(createCGSCCToFunctionPassAdaptor(
      builder.buildFunctionSimplificationPipeline(level, ThinOrFullLTOPhase::None), /*EagerlyInvalidate=*/true,
      /*NoRerun=*/true));
  passes.addPass(std::move(inliner));

  passes.addPass(builder.buildModuleOptimizationPipeline(level, ThinOrFullLTOPhase::None));
  return passes;
}

} // namespace

void optimizeModule(Module& module, TargetMachine& machine, unsigned optLevel, bool bigFunction) {
  LoopAnalysisManager loops;
  FunctionAnalysisManager functions;
  CGSCCAnalysisManager sccs;
  ModuleAnalysisManager modules;
  // The SLP vectoriser at -O2 and -O3, as clang runs it: it turns the
  // lowering's lane-by-lane code (eight extracts and adds summing a
  // vector's lanes, say) into vector reductions. simd_image 1.12 -> 1.03.
  PipelineTuningOptions tuning;
  tuning.SLPVectorization = optLevel >= 2;
  PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  // Once after the function simplification pipeline has turned locals into
  // phis, before the late clean-ups that fold the lane extracts; and once
  // more at the end, for the vector multiplies the SLP vectoriser made.
  builder.registerScalarOptimizerLateEPCallback(
      [](FunctionPassManager& passes, OptimizationLevel) { passes.addPass(ScalarizeI64VectorWebsPass()); });
  builder.registerOptimizerLastEPCallback([](ModulePassManager& passes, OptimizationLevel) {
    passes.addPass(createModuleToFunctionPassAdaptor(ScalarizeI64VectorWebsPass()));
  });
  // Before the vectoriser and the unroller, so both see 64-bit addresses.
  builder.registerVectorizerStartEPCallback(
      [](FunctionPassManager& passes, OptimizationLevel) { passes.addPass(WidenLoopAddressesPass()); });

  ModulePassManager passes;
  if (bigFunction) {
    passes.addPass(createModuleToFunctionPassAdaptor(bigFunctionPipeline()));
  } else {
    switch (optLevel) {
    case 0: passes = builder.buildO0DefaultPipeline(OptimizationLevel::O0); break;
    case 1: passes = wasmPipeline(builder, OptimizationLevel::O1); break;
    case 3: passes = builder.buildPerModuleDefaultPipeline(OptimizationLevel::O3); break;
    default: passes = wasmPipeline(builder, OptimizationLevel::O2); break;
    }
  }
  // Last, where the code generator would have run it at -O1 and above
  // (initializeLlvm turns that off). Not for big functions, which the code
  // generator compiles as at -O0, without it: on them LSR recursed through
  // scalar evolution until the stack overflowed.
  if (optLevel >= 1 && !bigFunction)
    passes.addPass(createModuleToFunctionPassAdaptor(createFunctionToLoopPassAdaptor(ReduceLoopStrengthPass()),
                                                     /*EagerlyInvalidate=*/true));
  passes.run(module, modules);
}

} // namespace wasmc::codegen
