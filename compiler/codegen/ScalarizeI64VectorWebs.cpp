// Why: x86 has no fast 64-bit lane multiply (AVX-512's vpmullq takes 15
// cycles; without it LLVM builds one from three pmuludq), so the lowering
// turns i64x2.mul into two scalar multiplies between an extract of each
// lane and a rebuild of the vector (LowerSimdInteger.cpp). Producers
// vectorise 64-bit hash rounds that way: clang -msimd128 turns
//     acc = rotl(acc + in * P2, 31) * P1      (two accumulators)
// into i64x2 add, rotate and multiply. Around each multiply both lanes then
// cross from vector registers to general ones and back, and in a loop the
// accumulator's chain pays those moves' latency on every iteration: the
// tuned hash benchmark ran 1.2-1.4x native, its plain (scalar) build 0.95x.
// LLVM's SLP vectoriser does the same to scalar code: it turns the plain
// build's four accumulators into <4 x i64> multiplies (vpmullq).
//
// What: a web is a connected set of vectors of i64 lanes computed lane by
// lane (phis, integer arithmetic, funnel shifts, and vectors built from
// scalars, lane 0 first). Where computing a web as one scalar chain per
// lane costs fewer lane moves between register files than computing it as
// vectors (counted statically: each vector built from scalars and each lane
// extracted from the web saves moves, each vector multiply saves as much
// as moving its operands' and result's lanes, each vector the web reads
// from outside and each value it hands to other vector code costs a move
// per lane), every value of the web becomes one i64 value per lane, and
// vectors are rebuilt only for the uses outside the web. The pass runs
// twice: after the function simplification pipeline (the lowering's
// multiplies) and at the end of the optimisation pipeline (the SLP
// vectoriser's).
//
// The values computed are the same, lane by lane; nothing touches memory, so
// this pass has no bearing on traps or the sandbox.

#include "compiler/codegen/ScalarizeI64VectorWebs.h"

#include <llvm/ADT/PostOrderIterator.h>
#include <llvm/ADT/SetVector.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/PatternMatch.h>

namespace wasmc::codegen {

using namespace llvm;
using namespace llvm::PatternMatch;

namespace {

/// Webs bigger than this are left alone, to bound compile time.
constexpr unsigned kMaxWebSize = 4096;

/// Vectors wider than this are left alone.
constexpr unsigned kMaxLanes = 8;

using Lanes = SmallVector<Value*, 4>;

/// The lane count of a vector of i64 that this pass handles, or 0.
unsigned i64Lanes(const Type* type) {
  const auto* vector = dyn_cast<FixedVectorType>(type);
  if (!vector || !vector->getElementType()->isIntegerTy(64) || vector->getNumElements() < 2 ||
      vector->getNumElements() > kMaxLanes)
    return 0;
  return vector->getNumElements();
}

/// insertelement(...insertelement(poison, a, 0)..., z, n-1): a vector built
/// from scalars, lane by lane, each step used only by the next. `lanes`
/// receives the scalars.
bool isGather(const Instruction* inst, Lanes* lanes = nullptr) {
  unsigned count = i64Lanes(inst->getType());
  if (count == 0)
    return false;
  Lanes scalars(count);
  const Value* vector = inst;
  for (unsigned lane = count; lane-- > 0;) {
    Value* scalar = nullptr;
    Value* inner = nullptr;
    if (!match(vector, m_InsertElt(m_Value(inner), m_Value(scalar), m_SpecificInt(lane))) ||
        (vector != inst && !vector->hasOneUse()))
      return false;
    scalars[lane] = scalar;
    vector = inner;
  }
  if (!isa<UndefValue>(vector))
    return false;
  if (lanes)
    *lanes = std::move(scalars);
  return true;
}

/// The insertelements of a gather other than the last, which only it uses.
SmallVector<Instruction*, 4> gatherSteps(Instruction* gather) {
  SmallVector<Instruction*, 4> steps;
  for (auto* step = dyn_cast<InsertElementInst>(gather->getOperand(0)); step;
       step = dyn_cast<InsertElementInst>(step->getOperand(0)))
    steps.push_back(step);
  return steps;
}

bool isLaneWiseBinary(unsigned opcode) {
  switch (opcode) {
  case Instruction::Add: case Instruction::Sub: case Instruction::Mul: case Instruction::And:
  case Instruction::Or: case Instruction::Xor: case Instruction::Shl: case Instruction::LShr:
  case Instruction::AShr:
    return true;
  default:
    return false;
  }
}

/// Whether `inst` can join a web: a vector of i64 whose lanes can be
/// computed from its operands' lanes independently.
bool isLaneWise(const Instruction* inst) {
  if (i64Lanes(inst->getType()) == 0)
    return false;
  if (isa<PHINode>(inst) || isGather(inst))
    return true;
  if (const auto* binary = dyn_cast<BinaryOperator>(inst))
    return isLaneWiseBinary(binary->getOpcode());
  if (const auto* intrinsic = dyn_cast<IntrinsicInst>(inst))
    return intrinsic->getIntrinsicID() == Intrinsic::fshl || intrinsic->getIntrinsicID() == Intrinsic::fshr;
  return false;
}

/// The vector operands a lane-wise value is computed from (none for a
/// gather, whose operands are scalars).
SmallVector<Value*, 4> vectorOperands(Instruction* inst) {
  SmallVector<Value*, 4> operands;
  if (isGather(inst))
    return operands;
  if (auto* call = dyn_cast<CallInst>(inst))
    operands.append(call->arg_begin(), call->arg_end());
  else
    operands.append(inst->op_begin(), inst->op_end());
  return operands;
}

bool isLaneExtract(const Instruction* inst) {
  uint64_t lane = 0;
  return isa<ExtractElementInst>(inst) && match(inst->getOperand(1), m_ConstantInt(lane)) &&
         lane < i64Lanes(inst->getOperand(0)->getType());
}

struct Web {
  SmallSetVector<Instruction*, 32> members;
  /// Lane moves the web saves: one per lane of a vector built from scalars,
  /// one per extract, two per lane of a vector multiply.
  unsigned saved = 0;
  /// Lane moves it costs: one per lane of a vector read from outside and of
  /// a member used outside.
  unsigned cost = 0;
};

Web collectWeb(Instruction* seed, DenseSet<Instruction*>& seen) {
  Web web;
  SmallPtrSet<Value*, 8> outsideInputs;
  SmallVector<Instruction*, 32> worklist{seed};
  seen.insert(seed);
  while (!worklist.empty() && web.members.size() <= kMaxWebSize) {
    Instruction* member = worklist.pop_back_val();
    web.members.insert(member);
    unsigned lanes = i64Lanes(member->getType());
    if (isGather(member))
      web.saved += lanes;
    // A vector multiply is vpmullq (15 cycles) or three pmuludq: count it
    // as the lane moves the lowering's scalar multiplies need.
    if (auto* binary = dyn_cast<BinaryOperator>(member); binary && binary->getOpcode() == Instruction::Mul)
      web.saved += 2 * lanes;
    for (Value* operand : vectorOperands(member)) {
      auto* definition = dyn_cast<Instruction>(operand);
      if (definition && isLaneWise(definition)) {
        if (seen.insert(definition).second)
          worklist.push_back(definition);
      } else if (!isa<Constant>(operand) && outsideInputs.insert(operand).second) {
        web.cost += lanes;
      }
    }
    bool usedOutside = false;
    for (User* user : member->users()) {
      auto* userInst = cast<Instruction>(user);
      if (isLaneWise(userInst) && !isGather(userInst)) {
        if (seen.insert(userInst).second)
          worklist.push_back(userInst);
      } else if (isLaneExtract(userInst)) {
        web.saved += 1;
      } else {
        usedOutside = true;
      }
    }
    if (usedOutside)
      web.cost += lanes;
  }
  return web;
}

class Scalarizer {
public:
  Scalarizer(Function& function, Web& web) : function_(function), web_(web) {}

  /// Rewrites the web; false (and nothing changed) if part of it is in an
  /// unreachable block.
  bool run() {
    SmallVector<Instruction*, 32> order;
    for (BasicBlock* block : ReversePostOrderTraversal<Function*>(&function_))
      for (Instruction& inst : *block)
        if (web_.members.contains(&inst))
          order.push_back(&inst);
    if (order.size() != web_.members.size())
      return false;

    // Phis first: their incoming values may be defined later (back edges).
    Type* i64 = Type::getInt64Ty(function_.getContext());
    for (Instruction* member : order)
      if (auto* phi = dyn_cast<PHINode>(member))
        for (unsigned lane = 0; lane < i64Lanes(phi->getType()); ++lane)
          lanes_[phi].push_back(PHINode::Create(i64, phi->getNumIncomingValues(),
                                                phi->getName() + ".lane" + Twine(lane), phi->getIterator()));
    // In reverse post-order every other member's operands come first.
    for (Instruction* member : order)
      if (!isa<PHINode>(member))
        scalarize(member);
    for (Instruction* member : order)
      if (auto* phi = dyn_cast<PHINode>(member))
        fillIncoming(phi);
    for (Instruction* member : order)
      replaceOutsideUses(member);
    eraseWeb(order);
    return true;
  }

private:
  Value* lane(Value* vector, unsigned lane, IRBuilder<>& builder) {
    if (auto* inst = dyn_cast<Instruction>(vector); inst && web_.members.contains(inst))
      return lanes_[inst][lane];
    return builder.CreateExtractElement(vector, uint64_t(lane));
  }

  void scalarize(Instruction* member) {
    IRBuilder<> builder(member);
    if (isGather(member, &lanes_[member]))
      return;
    for (unsigned index = 0; index < i64Lanes(member->getType()); ++index) {
      Value* result = nullptr;
      if (auto* binary = dyn_cast<BinaryOperator>(member)) {
        result = builder.CreateBinOp(binary->getOpcode(), lane(binary->getOperand(0), index, builder),
                                     lane(binary->getOperand(1), index, builder));
        if (auto* resultInst = dyn_cast<Instruction>(result))
          resultInst->copyIRFlags(binary);
      } else {
        auto* intrinsic = cast<IntrinsicInst>(member);
        SmallVector<Value*, 3> arguments;
        for (Value* argument : intrinsic->args())
          arguments.push_back(lane(argument, index, builder));
        result = builder.CreateIntrinsic(builder.getInt64Ty(), intrinsic->getIntrinsicID(), arguments);
      }
      lanes_[member].push_back(result);
    }
  }

  void fillIncoming(PHINode* phi) {
    // A block can appear several times (a switch's cases): one value each.
    DenseMap<BasicBlock*, Lanes> perBlock;
    for (unsigned i = 0; i < phi->getNumIncomingValues(); ++i) {
      BasicBlock* block = phi->getIncomingBlock(i);
      auto [entry, inserted] = perBlock.try_emplace(block);
      if (inserted) {
        IRBuilder<> builder(block->getTerminator());
        for (unsigned index = 0; index < lanes_[phi].size(); ++index)
          entry->second.push_back(lane(phi->getIncomingValue(i), index, builder));
      }
      for (unsigned index = 0; index < lanes_[phi].size(); ++index)
        cast<PHINode>(lanes_[phi][index])->addIncoming(entry->second[index], block);
    }
  }

  void replaceOutsideUses(Instruction* member) {
    Value* rebuilt = nullptr;
    for (Use& use : make_early_inc_range(member->uses())) {
      auto* user = cast<Instruction>(use.getUser());
      if (web_.members.contains(user))
        continue;
      if (isLaneExtract(user)) {
        uint64_t index = cast<ConstantInt>(user->getOperand(1))->getZExtValue();
        user->replaceAllUsesWith(lanes_[member][index]);
        user->eraseFromParent();
        continue;
      }
      if (!rebuilt) {
        IRBuilder<> builder(member->getParent(), isa<PHINode>(member)
                                                     ? member->getParent()->getFirstInsertionPt()
                                                     : std::next(member->getIterator()));
        rebuilt = PoisonValue::get(member->getType());
        for (unsigned index = 0; index < lanes_[member].size(); ++index)
          rebuilt = builder.CreateInsertElement(rebuilt, lanes_[member][index], uint64_t(index));
      }
      use.set(rebuilt);
    }
  }

  void eraseWeb(ArrayRef<Instruction*> order) {
    SmallVector<Instruction*, 8> steps;
    for (Instruction* member : order)
      if (isGather(member))
        steps.append(gatherSteps(member));
    for (Instruction* member : order)
      member->dropAllReferences();
    for (Instruction* member : order)
      member->eraseFromParent();
    // Each step is used only by the next, so erase from the last.
    for (Instruction* step : steps)
      if (step->use_empty())
        step->eraseFromParent();
  }

  Function& function_;
  Web& web_;
  DenseMap<Instruction*, Lanes> lanes_;
};

} // namespace

PreservedAnalyses ScalarizeI64VectorWebsPass::run(Function& function, FunctionAnalysisManager&) {
  // Seeds: vectors built from scalar multiplies (the lowering's i64x2.mul)
  // and vector multiplies (the SLP vectoriser's).
  SmallVector<Instruction*, 8> seeds;
  for (BasicBlock& block : function)
    for (Instruction& inst : block) {
      Lanes scalars;
      bool gatheredProducts = isGather(&inst, &scalars) && all_of(scalars, [](Value* scalar) {
                                return match(scalar, m_Mul(m_Value(), m_Value()));
                              });
      if (gatheredProducts || (i64Lanes(inst.getType()) != 0 && match(&inst, m_Mul(m_Value(), m_Value()))))
        seeds.push_back(&inst);
    }
  bool changed = false;
  DenseSet<Instruction*> seen;
  for (Instruction* seed : seeds) {
    if (seen.contains(seed))
      continue;
    Web web = collectWeb(seed, seen);
    if (web.members.size() > kMaxWebSize || web.cost >= web.saved)
      continue;
    changed |= Scalarizer(function, web).run();
  }
  if (!changed)
    return PreservedAnalyses::all();
  PreservedAnalyses preserved;
  preserved.preserveSet<CFGAnalyses>();
  return preserved;
}

} // namespace wasmc::codegen
