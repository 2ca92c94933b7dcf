// WARNING: like BoundsCheck.cpp, this file decides which host addresses
// guest code reaches. A mistake here is a sandbox escape, not a slow path.
//
// Why: a wasm address is an i32, and BoundsCheck.cpp zero-extends it to 64
// bits before adding it to the memory base. Compilers for wasm32 step
// pointers with i32.add, which wraps at 2^32, so in a loop like
//     p = phi [start], [p + 16];  load (base + zext(p))
// LLVM cannot prove zext(p + 16) == zext(p) + 16 and keeps a separate
// zero-extension and address computation for every access, where native
// code has one 64-bit pointer increment (docs/BENCHMARKS.md, matmul).
//
// What: for an innermost loop whose trip count scalar evolution can
// compute, every zext(i32 -> i64) that feeds an address and whose operand
// is an affine recurrence {start,+,step} of the loop gets the predicate
// "this recurrence does not wrap (unsigned, with a signed step) on any
// iteration". A check before the loop evaluates all predicates from the
// trip count; when they hold the loop runs with each such zext replaced by
// the 64-bit recurrence {zext(start),+,sext(step)}, which is then equal to
// it on every iteration; when they do not, an untouched copy of the loop
// runs. The predicates, their checks and the rewritten recurrences are
// LLVM's (PredicatedScalarEvolution and SCEVExpander, the same machinery
// the loop vectoriser versions loops on); this file only chooses the
// zexts and does the versioning.
//
// Rules for changing it:
//  - A zext is rewritten only inside the checked copy, and only with the
//    recurrence the predicates were added for.
//  - The check must cover every iteration the loop can run. That is why the
//    loop's backedge-taken count must be computable (a bound that holds
//    under predicates adds those predicates to the same check).
//  - The argument relies on guest i32 values never being undef or poison
//    in the IR (the lowering masks shift counts, traps explicitly and puts
//    no nuw/nsw on guest arithmetic); otherwise the check and the loop could
//    see different values.
//  - Any change needs a test in test/unit/codegen that shows a loop whose
//    addresses wrap still reaches the wrapped addresses and one that runs
//    past the memory still traps, at -O2 and -O3 (JitTest.cpp), and that
//    the pass still applies (WidenLoopAddressesTest.cpp).

#include "compiler/codegen/WidenLoopAddresses.h"

#include <llvm/Analysis/AssumptionCache.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/Instructions.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>
#include <llvm/Transforms/Utils/Cloning.h>
#include <llvm/Transforms/Utils/LoopSimplify.h>
#include <llvm/Transforms/Utils/LoopUtils.h>
#include <llvm/Transforms/Utils/ScalarEvolutionExpander.h>

namespace wasmc::codegen {

using namespace llvm;

namespace {

/// Loops bigger than this are not duplicated: the copy costs code size and
/// compile time, and a big body hides a few address instructions anyway.
constexpr unsigned kMaxLoopInstructions = 400;

/// At most this many no-wrap predicates per loop (one compare and a few
/// arithmetic instructions each, run once per loop entry). The loop
/// vectoriser's default limit for its own checks is the same.
constexpr unsigned kMaxPredicates = 16;

struct Analyses {
  LoopInfo& loops;
  DominatorTree& dominators;
  ScalarEvolution& scev;
  AssumptionCache& assumptions;
  const DataLayout& layout;
};

/// One zext to replace inside the checked loop, and its 64-bit recurrence.
struct Widening {
  ZExtInst* zext;
  const SCEVAddRecExpr* wide;
};

unsigned instructionCount(const Loop& loop) {
  unsigned count = 0;
  for (const BasicBlock* block : loop.blocks())
    count += block->size();
  return count;
}

/// True if `value` is used as an address: a GEP index, directly or through
/// the add of a static offset (BoundsCheck.cpp's two shapes, before and
/// after InstCombine).
bool feedsAddress(const Instruction& value, bool throughAdd = true) {
  for (const User* user : value.users()) {
    if (isa<GetElementPtrInst>(user))
      return true;
    const auto* add = dyn_cast<BinaryOperator>(user);
    if (throughAdd && add && add->getOpcode() == Instruction::Add && feedsAddress(*add, false))
      return true;
  }
  return false;
}

/// The zexts of `loop` that can become 64-bit recurrences, each adding its
/// no-wrap predicate to `predicated`.
SmallVector<Widening, 8> findWidenings(Loop& loop, PredicatedScalarEvolution& predicated) {
  ScalarEvolution& scev = *predicated.getSE();
  SmallVector<Widening, 8> widenings;
  for (BasicBlock* block : loop.blocks()) {
    for (Instruction& instruction : *block) {
      auto* zext = dyn_cast<ZExtInst>(&instruction);
      if (!zext || !zext->getSrcTy()->isIntegerTy(32) || !zext->getDestTy()->isIntegerTy(64) || !feedsAddress(*zext))
        continue;
      const auto* narrow = dyn_cast<SCEVAddRecExpr>(scev.getSCEV(zext->getOperand(0)));
      if (!narrow || narrow->getLoop() != &loop || !narrow->isAffine() ||
          !isa<SCEVConstant>(narrow->getStepRecurrence(scev)))
        continue;
      const SCEVAddRecExpr* wide = predicated.getAsAddRec(zext);
      if (!wide || wide->getLoop() != &loop || !wide->isAffine())
        continue;
      widenings.push_back({zext, wide});
    }
  }
  return widenings;
}

/// Splits the preheader of `loop` into a check block that branches on
/// `wraps` and a new preheader, and makes an untouched copy of the loop
/// that runs when `wraps` is true. `loop` itself becomes the checked copy.
void versionLoop(Loop& loop, Value* wraps, Analyses& analyses) {
  BasicBlock* checkBlock = loop.getLoopPreheader();
  BasicBlock* exit = loop.getExitBlock();
  BasicBlock* widePreheader = SplitBlock(checkBlock, checkBlock->getTerminator(), &analyses.dominators,
                                         &analyses.loops, nullptr, "wasmc.wide.ph");
  ValueToValueMapTy copies;
  SmallVector<BasicBlock*, 8> narrowBlocks;
  Loop* narrow = cloneLoopWithPreheader(widePreheader, checkBlock, &loop, copies, ".narrow", &analyses.loops,
                                        &analyses.dominators, narrowBlocks);
  remapInstructionsInBlocks(narrowBlocks, copies);

  // Both copies leave through the same exit block. In LCSSA form every
  // value the loop defines reaches code after it through that block's phis,
  // so each phi gets the copy's value from the copy's exiting block.
  for (PHINode& phi : exit->phis()) {
    for (unsigned i = 0, count = phi.getNumIncomingValues(); i < count; ++i) {
      if (!loop.contains(phi.getIncomingBlock(i)))
        continue;
      Value* value = phi.getIncomingValue(i);
      auto copied = copies.find(value);
      phi.addIncoming(copied == copies.end() ? value : static_cast<Value*>(copied->second),
                      cast<BasicBlock>(copies[phi.getIncomingBlock(i)]));
    }
  }
  Instruction* fallThrough = checkBlock->getTerminator();
  BranchInst::Create(narrow->getLoopPreheader(), widePreheader, wraps, fallThrough->getIterator());
  fallThrough->eraseFromParent();
  analyses.dominators.changeImmediateDominator(exit, checkBlock);
}

/// Widens the address recurrences of one innermost loop, which is in
/// simplified and LCSSA form. Returns true if the function changed.
bool widenLoop(Loop& loop, Analyses& analyses) {
  if (instructionCount(loop) > kMaxLoopInstructions || !loop.isSafeToClone())
    return false;
  if (!loop.isLoopSimplifyForm() || !loop.getExitBlock() || !loop.isLCSSAForm(analyses.dominators))
    return false;

  PredicatedScalarEvolution predicated(analyses.scev, loop);
  const SCEV* backedges = predicated.getBackedgeTakenCount();
  if (isa<SCEVCouldNotCompute>(backedges))
    return false;
  SmallVector<Widening, 8> widenings = findWidenings(loop, predicated);
  const SCEVPredicate& noWrap = predicated.getPredicate();
  if (widenings.empty() || noWrap.getComplexity() > kMaxPredicates)
    return false;

  Instruction* checkPoint = loop.getLoopPreheader()->getTerminator();
  SCEVExpander checks(analyses.scev, analyses.layout, "wasmc.wraps");
  if (!checks.isSafeToExpandAt(backedges, checkPoint))
    return false;
  for (const Widening& widening : widenings)
    if (!checks.isSafeToExpandAt(widening.wide->getStart(), checkPoint))
      return false;

  if (!noWrap.isAlwaysTrue())
    versionLoop(loop, checks.expandCodeForPredicate(&noWrap, checkPoint), analyses);

  SCEVExpander recurrences(analyses.scev, analyses.layout, "wasmc.wide");
  recurrences.disableCanonicalMode(); // one phi per recurrence, which LSR later merges
  for (const Widening& widening : widenings) {
    Value* wide = recurrences.expandCodeFor(widening.wide, widening.zext->getType(), widening.zext);
    widening.zext->replaceAllUsesWith(wide);
    widening.zext->eraseFromParent();
  }
  analyses.scev.forgetLoop(&loop);
  return true;
}

} // namespace

PreservedAnalyses WidenLoopAddressesPass::run(Function& function, FunctionAnalysisManager& functionAnalyses) {
  auto& loops = functionAnalyses.getResult<LoopAnalysis>(function);
  if (loops.empty())
    return PreservedAnalyses::all();
  Analyses analyses{loops, functionAnalyses.getResult<DominatorTreeAnalysis>(function),
                    functionAnalyses.getResult<ScalarEvolutionAnalysis>(function),
                    functionAnalyses.getResult<AssumptionAnalysis>(function), function.getDataLayout()};
  // Every loop of the nest in simplified form (the expander builds outer
  // recurrences in their loops' preheaders and latches) and in LCSSA form
  // (versionLoop relies on it), which the vectoriser would ask for anyway.
  bool changed = false;
  for (Loop* top : loops) {
    changed |= simplifyLoop(top, &analyses.dominators, &loops, &analyses.scev, &analyses.assumptions, nullptr,
                            /*PreserveLCSSA=*/false);
    changed |= formLCSSARecursively(*top, analyses.dominators, &loops, &analyses.scev);
  }
  SmallVector<Loop*, 16> innermost;
  for (Loop* loop : loops.getLoopsInPreorder())
    if (loop->isInnermost())
      innermost.push_back(loop);
  for (Loop* loop : innermost)
    changed |= widenLoop(*loop, analyses);
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

} // namespace wasmc::codegen
