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
// What: for an innermost loop whose trip count scalar evolution can bound,
// take every zext(i32 -> i64) that feeds an address and whose operand is an
// affine recurrence {start,+,step} of the loop. A check before the loop
// computes, from the bound, whether any of them leaves [0, 2^32) (see
// anyRecurrenceWraps for the arithmetic). If none does, the loop runs with
// each such zext replaced by a 64-bit recurrence, {zext(base) + c,+,step}
// for start = base + c, which then equals it on every iteration; otherwise
// an untouched copy of the loop runs. Loop strength reduction later folds the 64-bit
// recurrences into one induction variable and x86 addressing modes.
//
// Rules for changing it:
//  - A zext is rewritten only inside the checked copy, and only with a
//    recurrence whose group (base and step) the check covered, over the
//    group's whole range of constants c.
//  - The check must cover every iteration the loop can run: it uses scalar
//    evolution's symbolic maximum backedge-taken count, an upper bound for
//    every exit, and nothing that holds only under assumptions.
//  - The argument relies on guest i32 values never being undef or poison
//    in the IR (the lowering masks shift counts, traps explicitly and puts
//    no nuw/nsw on guest arithmetic); otherwise the check and the loop could
//    see different values.
//  - Any change needs a test in test/unit/codegen that shows a loop whose
//    addresses wrap still reaches the wrapped addresses and one that runs
//    past the memory still traps, at -O2 and -O3, and that the pass still
//    applies to those loops (JitTest.cpp).

#include "compiler/codegen/WidenLoopAddresses.h"

#include <llvm/Analysis/AssumptionCache.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/IRBuilder.h>
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

/// Loops with fewer address recurrences than this are left alone. The
/// check costs about as much as computing the trip count plus an add and a
/// compare per recurrence, before every entry into the loop; the wide copy
/// saves an instruction or two per recurrence and iteration. Loops with one
/// or two recurrences are mostly short (fannkuch's prefix reversal runs 2 to
/// 5 times and became 6% slower), while the loops producers unrolled or
/// vectorised have many (matmul's has 4, simd_dot's 8).
constexpr unsigned kMinWidenings = 3;

/// At most this many recurrences per loop, to bound the check.
constexpr unsigned kMaxWidenings = 16;

/// The largest step handled (wasm compilers step by element sizes); it
/// keeps the check's arithmetic far from overflowing 64 bits.
constexpr uint64_t kMaxStep = uint64_t(1) << 20;

/// The largest backedge-taken count the check computes with.
constexpr uint64_t kMaxIterations = 0xFFFFFFFF;

struct Analyses {
  LoopInfo& loops;
  DominatorTree& dominators;
  ScalarEvolution& scev;
  AssumptionCache& assumptions;
  const DataLayout& layout;
};

/// One zext to replace inside the checked loop: zext({start,+,step}).
struct Widening {
  ZExtInst* zext;
  const SCEVAddRecExpr* narrow;
  int64_t step;
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

/// The zexts of `loop` that feed addresses and whose operand is an affine
/// recurrence of `loop` with a small constant step, which scalar evolution
/// could not widen by itself.
SmallVector<Widening, 8> findWidenings(Loop& loop, ScalarEvolution& scev) {
  SmallVector<Widening, 8> widenings;
  for (BasicBlock* block : loop.blocks()) {
    for (Instruction& instruction : *block) {
      auto* zext = dyn_cast<ZExtInst>(&instruction);
      if (!zext || !zext->getSrcTy()->isIntegerTy(32) || !zext->getDestTy()->isIntegerTy(64) ||
          !isa<SCEVZeroExtendExpr>(scev.getSCEV(zext)) || !feedsAddress(*zext))
        continue;
      const auto* narrow = dyn_cast<SCEVAddRecExpr>(scev.getSCEV(zext->getOperand(0)));
      if (!narrow || narrow->getLoop() != &loop || !narrow->isAffine())
        continue;
      const auto* step = dyn_cast<SCEVConstant>(narrow->getStepRecurrence(scev));
      if (!step || step->getAPInt().abs().ugt(kMaxStep))
        continue;
      widenings.push_back({zext, narrow, step->getAPInt().getSExtValue()});
    }
  }
  return widenings;
}

/// `start` (an i32 expression) as base + c with c its constant term, or
/// start + 0 when it has none.
std::pair<const SCEV*, int64_t> splitConstant(const SCEV* start, ScalarEvolution& scev) {
  const auto* sum = dyn_cast<SCEVAddExpr>(start);
  const auto* constant = sum ? dyn_cast<SCEVConstant>(sum->getOperand(0)) : nullptr;
  if (!constant)
    return {start, 0};
  return {scev.getMinusSCEV(start, constant), constant->getAPInt().getSExtValue()};
}

/// An i1 that is true if some recurrence of `widenings` leaves [0, 2^32)
/// within `backedges` + 1 iterations, computed before the loop.
///
/// The recurrences are grouped by step and by start without its constant
/// term: a group is {base + c,+,step} for constants c in [cMin, cMax] (an
/// unrolled loop's p, p+4, p+8, ... share one group). In 64 bits, with
/// zb = zext(base), recurrence c takes the values zb + c + step * i for
/// i = 0 .. backedges, an affine function of (c, i); over the rectangle
/// [cMin, cMax] x [0, backedges] it lies between its lowest corner
/// (cMin, at the first iteration for an upward step and at the last for a
/// downward one) and its highest (cMax, the other way round). So if both
/// are in [0, 2^32), every value of every recurrence of the group is,
/// base + c (mod 2^32) did not wrap either, and zext of each narrow value
/// equals the 64-bit recurrence {zext(base) + c,+,step} on every iteration.
/// With zb < 2^32, |c| < 2^31, backedges <= kMaxIterations and
/// |step| <= kMaxStep, the corners fit in an i64 with room to spare, and
/// one unsigned compare against 2^32 tests both ends (a negative corner is
/// a huge unsigned number).
Value* anyRecurrenceWraps(ArrayRef<Widening> widenings, const SCEV* backedges, SCEVExpander& expander,
                          Instruction* checkPoint, ScalarEvolution& scev) {
  IRBuilder<> builder(checkPoint);
  Type* i64 = builder.getInt64Ty();
  Value* wraps = builder.getFalse();
  // A count wider than 32 bits (the loop counts with an i64, often one
  // IndVarSimplify widened) must itself be below 2^32 for the arithmetic
  // below to be exact; when it is not, the loop takes the untouched copy.
  if (scev.getUnsignedRangeMax(backedges).ugt(kMaxIterations)) {
    Value* count = expander.expandCodeFor(backedges, backedges->getType(), checkPoint);
    builder.SetInsertPoint(checkPoint);
    wraps = builder.CreateICmpUGT(count, ConstantInt::get(backedges->getType(), kMaxIterations), "wasmc.long");
  }
  const SCEV* iterations = scev.getTruncateOrZeroExtend(backedges, i64);
  struct Group {
    const SCEV* base;
    int64_t step;
    int64_t cMin, cMax;
  };
  SmallVector<Group, 8> groups;
  for (const Widening& widening : widenings) {
    auto [base, c] = splitConstant(widening.narrow->getStart(), scev);
    auto same = [&](const Group& group) { return group.base == base && group.step == widening.step; };
    if (auto* group = find_if(groups, same); group != groups.end()) {
      group->cMin = std::min(group->cMin, c);
      group->cMax = std::max(group->cMax, c);
    } else {
      groups.push_back({base, widening.step, c, c});
    }
  }
  for (const Group& group : groups) {
    const SCEV* zb = scev.getZeroExtendExpr(group.base, i64);
    const SCEV* travel = scev.getMulExpr(scev.getConstant(i64, group.step, /*isSigned=*/true), iterations);
    const SCEV* lowStart = scev.getAddExpr(zb, scev.getConstant(i64, group.cMin, /*isSigned=*/true));
    const SCEV* highStart = scev.getAddExpr(zb, scev.getConstant(i64, group.cMax, /*isSigned=*/true));
    // The lowest and the highest corner; the other two lie between them.
    const SCEV* low = group.step > 0 ? lowStart : scev.getAddExpr(lowStart, travel);
    const SCEV* high = group.step > 0 ? scev.getAddExpr(highStart, travel) : highStart;
    for (const SCEV* corner : {low, high}) {
      Value* value = expander.expandCodeFor(corner, i64, checkPoint);
      builder.SetInsertPoint(checkPoint);
      wraps = builder.CreateOr(wraps, builder.CreateICmpUGE(value, builder.getInt64(uint64_t(1) << 32)),
                               "wasmc.wraps");
    }
  }
  return wraps;
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

  ScalarEvolution& scev = analyses.scev;
  const SCEV* backedges = scev.getSymbolicMaxBackedgeTakenCount(&loop);
  if (isa<SCEVCouldNotCompute>(backedges) || scev.getTypeSizeInBits(backedges->getType()) > 64)
    return false;
  SmallVector<Widening, 8> widenings = findWidenings(loop, scev);
  if (widenings.size() < kMinWidenings || widenings.size() > kMaxWidenings)
    return false;
  Instruction* checkPoint = loop.getLoopPreheader()->getTerminator();
  SCEVExpander checks(scev, analyses.layout, "wasmc.check");
  if (!checks.isSafeToExpandAt(backedges, checkPoint))
    return false;
  for (const Widening& widening : widenings)
    if (!checks.isSafeToExpandAt(widening.narrow->getStart(), checkPoint))
      return false;

  versionLoop(loop, anyRecurrenceWraps(widenings, backedges, checks, checkPoint, scev), analyses);

  Type* i64 = Type::getInt64Ty(loop.getHeader()->getContext());
  SCEVExpander recurrences(scev, analyses.layout, "wasmc.wide");
  recurrences.disableCanonicalMode(); // one phi per recurrence, which LSR later merges
  for (const Widening& widening : widenings) {
    // zext(base + c) == zext(base) + c, as the check proved; written this
    // way, a group's recurrences differ by constants, so loop strength
    // reduction keeps one induction variable and uses displacements.
    auto [base, c] = splitConstant(widening.narrow->getStart(), scev);
    const SCEV* start = scev.getAddExpr(scev.getZeroExtendExpr(base, i64), scev.getConstant(i64, c, /*isSigned=*/true));
    const SCEV* wide = scev.getAddRecExpr(start, scev.getConstant(i64, widening.step, /*isSigned=*/true), &loop,
                                          SCEV::FlagAnyWrap);
    Value* value = recurrences.expandCodeFor(wide, i64, widening.zext);
    widening.zext->replaceAllUsesWith(value);
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
