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
// A second kind of proof comes from the guard pages (see widenGuardedLoop):
// when every iteration accesses memory at the 64-bit value before the next
// step, that value cannot pass 2^32 without first landing between the
// memory's size and 2^32, where the access traps in both copies. Its check
// only makes sure that gap is wider than the step: one compare, which LICM
// hoists out of a loop nest that calls nothing, where the trip-count check
// costs a few per recurrence group on every entry (matmul 1.15 -> 1.11).
// It is used whenever it covers every recurrence, and it is the only proof
// for loops whose trip count scalar evolution cannot bound (a pointer
// compared with an end pointer it steps by 16, a scan that stops at a
// value: image 1.06 -> 0.99).
//
// Rules for changing it:
//  - A zext is rewritten only inside the checked copy, and only with a
//    recurrence whose group (base and step) the check covered, over the
//    group's whole range of constants c.
//  - The check must cover every iteration the loop can run: it uses scalar
//    evolution's symbolic maximum backedge-taken count, an upper bound for
//    every exit, and nothing that holds only under assumptions.
//  - The guard proof widens only upward steps of at most kMaxGuardStep,
//    only zexts that a load or store of memory 0 at a non-negative constant
//    offset from them performs on every iteration (its block dominates the
//    latch), only in loops that call nothing that returns (so memory cannot
//    grow), and its check requires size <= 2^32 - step. A downward step
//    would run below the base, where no guard page is.
//  - The argument relies on guest i32 values never being undef or poison
//    in the IR (the lowering masks shift counts, traps explicitly and puts
//    no nuw/nsw on guest arithmetic); otherwise the check and the loop could
//    see different values.
//  - Any change needs a test in test/unit/codegen that shows a loop whose
//    addresses wrap still reaches the wrapped addresses and one that runs
//    past the memory still traps, at -O2 and -O3, and that the pass still
//    applies to those loops (JitTest.cpp).

#include "compiler/codegen/WidenLoopAddresses.h"

#include "runtime/Abi.h"

#include <llvm/Analysis/AssumptionCache.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/Analysis/ValueTracking.h>
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

/// The largest step the guard proof handles. Its check sends loops over
/// memories within this much of 4 GiB to the untouched copy.
constexpr int64_t kMaxGuardStep = int64_t(1) << 16;

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

/// Replaces each zext of `widenings`, inside the checked copy of `loop`,
/// with its 64-bit recurrence.
void useWideRecurrences(Loop& loop, ArrayRef<Widening> widenings, ScalarEvolution& scev) {
  Type* i64 = Type::getInt64Ty(loop.getHeader()->getContext());
  SCEVExpander recurrences(scev, loop.getHeader()->getDataLayout(), "wasmc.wide");
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
  scev.forgetLoop(&loop);
}

/// If `pointer` points into memory 0, the memory base load it is based
/// on: FunctionLowering's `load ptr, ptr %vmctx` (VMContext::memoryBase is
/// at offset 0, and the VMContext is every wasm function's first argument).
LoadInst* memoryBaseOf(Value* pointer) {
  auto* base = dyn_cast<LoadInst>(getUnderlyingObject(pointer));
  if (!base || !base->getType()->isPointerTy())
    return nullptr;
  auto* vmctx = dyn_cast<Argument>(base->getPointerOperand());
  return vmctx && vmctx->getArgNo() == 0 ? base : nullptr;
}

/// True if nothing `loop` calls can return, so nothing in it can grow a
/// memory: intrinsics aside, only the trap builtins.
bool callsNothingThatReturns(const Loop& loop) {
  for (const BasicBlock* block : loop.blocks())
    for (const Instruction& instruction : *block)
      if (const auto* call = dyn_cast<CallBase>(&instruction))
        if (!isa<IntrinsicInst>(call) && !call->doesNotReturn())
          return false;
  return true;
}

/// A guest load or store of memory 0, with the memory base it uses.
struct GuestAccess {
  Instruction* access;
  LoadInst* memoryBase;
};

/// The guest accesses that every iteration of `loop` performs (their
/// blocks dominate the latch).
SmallVector<GuestAccess, 8> accessesEveryIteration(const Loop& loop, DominatorTree& dominators) {
  SmallVector<GuestAccess, 8> accesses;
  BasicBlock* latch = loop.getLoopLatch();
  for (BasicBlock* block : loop.blocks()) {
    if (!dominators.dominates(block, latch))
      continue;
    for (Instruction& instruction : *block)
      if (isa<LoadInst, StoreInst>(instruction))
        if (LoadInst* base = memoryBaseOf(getLoadStorePointerOperand(&instruction)))
          accesses.push_back({&instruction, base});
  }
  return accesses;
}

/// True if one of `accesses` is at memoryBase + zext + c for a constant
/// c >= 0: whenever the zext's value reaches memory's size or beyond, that
/// access traps in the same iteration.
bool accessedEveryIteration(ZExtInst& zext, ArrayRef<GuestAccess> accesses, ScalarEvolution& scev) {
  for (auto [access, base] : accesses) {
    const SCEV* address = scev.getSCEV(getLoadStorePointerOperand(access));
    const SCEV* accessed = scev.getAddExpr(scev.getSCEV(base), scev.getSCEV(&zext));
    const SCEV* offset = scev.getMinusSCEV(address, accessed);
    // 0 <= c < 2^32 (a static offset): the access lies within the guard
    // region that follows the memory whenever zext + c passes its size.
    if (const auto* constant = dyn_cast<SCEVConstant>(offset);
        constant && constant->getAPInt().isNonNegative() && constant->getAPInt().ult(uint64_t(1) << 32))
      return true;
  }
  return false;
}

/// Widens the address recurrences of `loop` with the guard proof: all of
/// them or none if `allOrNothing`, else those it covers. Each widened zext(p), p
/// = {start,+,step} with 0 < step <= kMaxGuardStep, is accessed at
/// zext(p) + c, c >= 0, on every iteration before the latch. Its 64-bit
/// value w differs from zext(p) only once w >= 2^32; since w starts below
/// 2^32 and grows by step, the iteration before took it into
/// [2^32 - step, 2^32), and with size <= 2^32 - step (the check; the loop
/// calls nothing that could grow the memory) that iteration's access
/// trapped, in the narrow copy as in the wide one, and no later iteration
/// ran.
bool widenGuardedLoop(Loop& loop, Analyses& analyses, bool allOrNothing) {
  ScalarEvolution& scev = analyses.scev;
  if (!callsNothingThatReturns(loop))
    return false;
  auto accesses = accessesEveryIteration(loop, analyses.dominators);
  if (accesses.empty())
    return false;
  SmallVector<Widening, 8> widenings;
  int64_t largestStep = 0;
  for (const Widening& widening : findWidenings(loop, scev)) {
    bool covered = widening.step > 0 && widening.step <= kMaxGuardStep &&
                   accessedEveryIteration(*widening.zext, accesses, scev);
    if (!covered) {
      if (allOrNothing)
        return false;
      continue;
    }
    widenings.push_back(widening);
    largestStep = std::max(largestStep, widening.step);
  }
  if (widenings.size() < kMinWidenings || widenings.size() > kMaxWidenings)
    return false;
  Instruction* checkPoint = loop.getLoopPreheader()->getTerminator();
  SCEVExpander checks(scev, analyses.layout, "wasmc.check");
  for (const Widening& widening : widenings)
    if (!checks.isSafeToExpandAt(widening.narrow->getStart(), checkPoint))
      return false;

  // Every memory base is loaded from the VMContext argument, whose
  // MemoryRecord has memory 0's current size (with the same TBAA tag).
  LoadInst* memoryBase = accesses.front().memoryBase;
  IRBuilder<> builder(checkPoint);
  Value* vmctx = memoryBase->getPointerOperand();
  auto field = [&](Value* base, size_t offset) {
    return builder.CreateConstInBoundsGEP1_64(builder.getInt8Ty(), base, offset);
  };
  LoadInst* record =
      builder.CreateLoad(builder.getPtrTy(), field(vmctx, offsetof(abi::VMContext, memory)), "wasmc.memory");
  record->copyMetadata(*memoryBase, {LLVMContext::MD_tbaa, LLVMContext::MD_invariant_load});
  LoadInst* size =
      builder.CreateLoad(builder.getInt64Ty(), field(record, offsetof(abi::MemoryRecord, size)), "wasmc.size");
  size->copyMetadata(*memoryBase, {LLVMContext::MD_tbaa});
  Value* tooLarge =
      builder.CreateICmpUGT(size, builder.getInt64((uint64_t(1) << 32) - uint64_t(largestStep)), "wasmc.wraps");
  // The first iteration's 64-bit values, zext(base) + c, must equal the
  // zero-extended i32 starts: a start base + c that wraps (c < 0 below
  // base, or c > 0 past 2^32) must take the untouched copy, which traps or
  // reaches the wrapped address as wasm says. This is the trip-count check
  // over zero iterations; it folds away for groups whose constants are all 0.
  Value* startWraps = anyRecurrenceWraps(widenings, scev.getZero(builder.getInt32Ty()), checks, checkPoint, scev);
  builder.SetInsertPoint(checkPoint);
  Value* wraps = builder.CreateOr(tooLarge, startWraps, "wasmc.wraps");

  versionLoop(loop, wraps, analyses);
  useWideRecurrences(loop, widenings, scev);
  return true;
}

/// Widens the address recurrences of one innermost loop, which is in
/// simplified and LCSSA form. Returns true if the function changed.
bool widenLoop(Loop& loop, Analyses& analyses) {
  if (instructionCount(loop) > kMaxLoopInstructions || !loop.isSafeToClone())
    return false;
  if (!loop.isLoopSimplifyForm() || !loop.getExitBlock() || !loop.isLCSSAForm(analyses.dominators))
    return false;

  // The guard proof's check is the cheaper one (one compare, which LICM
  // can hoist out of a loop nest that calls nothing): use it whenever it
  // covers every recurrence the trip-count proof would.
  ScalarEvolution& scev = analyses.scev;
  const SCEV* backedges = scev.getSymbolicMaxBackedgeTakenCount(&loop);
  if (isa<SCEVCouldNotCompute>(backedges))
    return widenGuardedLoop(loop, analyses, /*allOrNothing=*/false);
  if (widenGuardedLoop(loop, analyses, /*allOrNothing=*/true))
    return true;
  if (scev.getTypeSizeInBits(backedges->getType()) > 64)
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
  useWideRecurrences(loop, widenings, scev);
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
