// Why: LLVM's loop strength reduction (LSR) gives each group of addresses
// that differ by a constant one induction variable, and its cost model
// counts registers but not what running out of them costs. In a loop that
// reads 16 tables at once (libsodium's constant-time AES copies each table
// row with 16 loads whose bases come from the key) it made 16 pointer
// induction variables, so every iteration spilled and reloaded most of
// them: the aegis benchmarks ran 30% slower than with LSR off, and node
// beat them. LLVM has no per-loop switch, so the code generator's LSR is
// turned off and this pass runs LSR itself, at the same point (just before
// code generation), on every loop except those.
//
// What: a loop is left alone when its loads and stores use more distinct
// address recurrences, after taking out constant offsets, than
// kMaxAddressRecurrences. Without LSR such a loop keeps its invariant
// bases (a spilled one costs one reload, not a reload, an add and a store)
// and one shared counter. Every other loop gets LLVM's LSR unchanged.

#include "compiler/codegen/ReduceLoopStrength.h"

#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/IR/Instructions.h>
#include <llvm/Transforms/Scalar/LoopStrengthReduce.h>

namespace wasmc::codegen {

using namespace llvm;

namespace {

/// x86-64 has 16 general registers; the stack and frame pointers, the
/// memory base and a counter leave about 12 for address recurrences.
constexpr unsigned kMaxAddressRecurrences = 12;

/// `address` with the constant term of its start dropped, so that p, p+4
/// and p+8 stepping together count once.
const SCEV* withoutConstant(const SCEVAddRecExpr& address, ScalarEvolution& scev) {
  const SCEV* start = address.getStart();
  const auto* sum = dyn_cast<SCEVAddExpr>(start);
  if (!sum || !isa<SCEVConstant>(sum->getOperand(0)))
    return &address;
  return scev.getAddRecExpr(scev.getMinusSCEV(start, sum->getOperand(0)), address.getStepRecurrence(scev),
                            address.getLoop(), SCEV::FlagAnyWrap);
}

/// The number of distinct address recurrences of `loop` up to constant
/// offsets: about the induction variables LSR would keep for them.
unsigned addressRecurrences(const Loop& loop, ScalarEvolution& scev) {
  SmallPtrSet<const SCEV*, 16> recurrences;
  for (BasicBlock* block : loop.blocks()) {
    for (Instruction& instruction : *block) {
      Value* pointer = getLoadStorePointerOperand(&instruction);
      if (!pointer)
        continue;
      const auto* address = dyn_cast<SCEVAddRecExpr>(scev.getSCEV(pointer));
      if (address && address->getLoop() == &loop)
        recurrences.insert(withoutConstant(*address, scev));
    }
  }
  return recurrences.size();
}

} // namespace

PreservedAnalyses ReduceLoopStrengthPass::run(Loop& loop, LoopAnalysisManager& analyses,
                                              LoopStandardAnalysisResults& results, LPMUpdater& updater) {
  if (addressRecurrences(loop, results.SE) > kMaxAddressRecurrences)
    return PreservedAnalyses::all();
  return LoopStrengthReducePass().run(loop, analyses, results, updater);
}

} // namespace wasmc::codegen
