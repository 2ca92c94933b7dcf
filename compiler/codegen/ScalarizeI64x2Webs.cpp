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
//
// What: a web is a connected set of <2 x i64> values computed lane by lane
// (phis, integer arithmetic, funnel shifts, and vectors built from two
// scalars). Where computing a web as two scalar chains moves fewer lanes
// between register files than computing it as vectors (counted statically:
// each rebuilt vector and each lane extracted from the web saves moves, each
// vector the web reads from outside and each value it hands to other vector
// code costs two), every value of the web becomes two i64 values, and vectors
// are rebuilt only for the uses outside the web.
//
// The values computed are the same, lane by lane; nothing touches memory, so
// this pass has no bearing on traps or the sandbox.

#include "compiler/codegen/ScalarizeI64x2Webs.h"

#include <llvm/ADT/PostOrderIterator.h>
#include <llvm/ADT/SetVector.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/PatternMatch.h>

#include <array>

namespace wasmc::codegen {

using namespace llvm;
using namespace llvm::PatternMatch;

namespace {

/// Webs bigger than this are left alone, to bound compile time.
constexpr unsigned kMaxWebSize = 4096;

bool isI64x2(const Type* type) {
  const auto* vector = dyn_cast<FixedVectorType>(type);
  return vector && vector->getNumElements() == 2 && vector->getElementType()->isIntegerTy(64);
}

/// insertelement(insertelement(poison, a, 0), b, 1): the lowering's way of
/// building a vector from two scalars.
bool isGather(const Instruction* inst, Value** low = nullptr, Value** high = nullptr) {
  Value* lowLane = nullptr;
  Value* highLane = nullptr;
  Value* inner = nullptr;
  if (!match(inst, m_InsertElt(m_Value(inner), m_Value(highLane), m_SpecificInt(1))) ||
      !match(inner, m_InsertElt(m_Undef(), m_Value(lowLane), m_SpecificInt(0))) || !inner->hasOneUse())
    return false;
  if (low)
    *low = lowLane;
  if (high)
    *high = highLane;
  return true;
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

/// Whether `inst` can join a web: an i64x2 value whose lanes can be
/// computed from its operands' lanes independently.
bool isLaneWise(const Instruction* inst) {
  if (!isI64x2(inst->getType()))
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
  return isa<ExtractElementInst>(inst) && match(inst->getOperand(1), m_ConstantInt(lane)) && lane < 2;
}

struct Web {
  SmallSetVector<Instruction*, 32> members;
  /// Lane moves the web saves: two per rebuilt vector, one per extract.
  unsigned saved = 0;
  /// Lane moves it costs: two per vector read from outside, two per member
  /// used outside.
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
    if (isGather(member))
      web.saved += 2;
    for (Value* operand : vectorOperands(member)) {
      auto* definition = dyn_cast<Instruction>(operand);
      if (definition && isLaneWise(definition)) {
        if (seen.insert(definition).second)
          worklist.push_back(definition);
      } else if (!isa<Constant>(operand) && outsideInputs.insert(operand).second) {
        web.cost += 2;
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
      web.cost += 2;
  }
  return web;
}

using Lanes = std::array<Value*, 2>;

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
        for (unsigned lane = 0; lane < 2; ++lane)
          lanes_[phi][lane] =
              PHINode::Create(i64, phi->getNumIncomingValues(), phi->getName() + ".lane" + Twine(lane),
                              phi->getIterator());
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
    Value* low = nullptr;
    Value* high = nullptr;
    if (isGather(member, &low, &high)) {
      lanes_[member] = {low, high};
      return;
    }
    for (unsigned index = 0; index < 2; ++index) {
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
      lanes_[member][index] = result;
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
        entry->second = {lane(phi->getIncomingValue(i), 0, builder), lane(phi->getIncomingValue(i), 1, builder)};
      }
      for (unsigned index = 0; index < 2; ++index)
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
        Value* vector = PoisonValue::get(member->getType());
        vector = builder.CreateInsertElement(vector, lanes_[member][0], uint64_t(0));
        rebuilt = builder.CreateInsertElement(vector, lanes_[member][1], uint64_t(1));
      }
      use.set(rebuilt);
    }
  }

  void eraseWeb(ArrayRef<Instruction*> order) {
    SmallVector<Instruction*, 8> gatherInners;
    for (Instruction* member : order)
      if (isGather(member))
        gatherInners.push_back(cast<Instruction>(member->getOperand(0)));
    for (Instruction* member : order)
      member->dropAllReferences();
    for (Instruction* member : order)
      member->eraseFromParent();
    for (Instruction* inner : gatherInners)
      if (inner->use_empty())
        inner->eraseFromParent();
  }

  Function& function_;
  Web& web_;
  DenseMap<Instruction*, Lanes> lanes_;
};

} // namespace

PreservedAnalyses ScalarizeI64x2WebsPass::run(Function& function, FunctionAnalysisManager&) {
  // Seeds: vectors built from two scalar multiplies.
  SmallVector<Instruction*, 8> seeds;
  for (BasicBlock& block : function)
    for (Instruction& inst : block)
      if (Value *low, *high; isGather(&inst, &low, &high) && match(low, m_Mul(m_Value(), m_Value())) &&
                             match(high, m_Mul(m_Value(), m_Value())))
        seeds.push_back(&inst);
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
