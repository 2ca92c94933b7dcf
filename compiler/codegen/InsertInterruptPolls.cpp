// Why after optimisation: a poll is a volatile load (another thread writes
// the stack limit while the loop runs, so it must be read every time),
// and a loop holding a volatile access is one LLVM's vectoriser and
// unroller leave alone. Polled at the wasm loop headers during lowering,
// interruptible code ran 7-8% slower on image and hashtable. Added once
// the loops have their final shape, a poll costs one load, compare and
// branch per iteration of the optimised loop (per vector iteration of a
// vectorised one), and every cycle is still covered: each cycle of a CFG
// contains the target of a back edge of any depth-first search over it.
//
// One poll is left out (matmul's 64-iteration inner loops ran 18% slower
// with it): at the header of an innermost loop whose whole run is short,
// when the function's CFG is reducible. Soundness argument: the poll's
// job is to bound the time between an interrupt and its trap. (1) In a
// reducible CFG every cycle contains the header of the innermost natural
// loop containing it, and that header is a back-edge target (it dominates
// the latches). (2) A cycle through an innermost loop L's header that
// leaves L lies in an ancestor loop A of L; it contains A's header, which
// is not L's (LoopInfo merges loops that share a header) and not innermost
// (it contains L), so it keeps its poll. (3) A cycle inside L goes round
// L's back edge: L has no subloops, and in a reducible CFG any cycle is a
// natural loop's. (4) ScalarEvolution's constant maximum backedge-taken
// count bounds how often that happens per entry into L (the lowering adds
// no nsw/nuw from wasm arithmetic, which wraps, so the count does not
// rest on undefined behaviour). So without L's poll, an interrupt waits at
// most (count + 1) x (instructions in L) <= kShortLoopInstructions for
// the next poll or function entry (calls in L check at their callee's
// entry). Premises tested by test/embed/interrupt.wat's "short_in_spin"
// (a short loop inside an endless one: the outer poll stops it) and
// "long_counted" (2^31 iterations: over the budget, it keeps its poll).

#include "compiler/codegen/InsertInterruptPolls.h"
#include "compiler/codegen/WasmOffsets.h"

#include "compiler/codegen/FunctionContext.h"

#include "runtime/Abi.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SetVector.h>
#include <llvm/Analysis/AssumptionCache.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/Analysis/TargetLibraryInfo.h>
#include <llvm/IR/CFG.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>

#include <vector>

namespace wasmc::codegen {

using namespace llvm;

namespace {

/// The most instructions a loop may run, per entry, without a poll.
constexpr uint64_t kShortLoopInstructions = 1 << 20;

struct BackEdges {
  std::vector<BasicBlock*> targets; // blocks some depth-first back edge points at
  bool reducible = true;            // each such target dominates the edge's source
};

BackEdges backEdges(Function& function, const DominatorTree& dominators) {
  BackEdges out;
  enum class Mark : uint8_t { Unvisited, OnStack, Done };
  DenseMap<BasicBlock*, Mark> marks;
  SetVector<BasicBlock*> targets;
  struct Frame {
    BasicBlock* block;
    succ_iterator next;
  };
  std::vector<Frame> stack;
  BasicBlock* entry = &function.getEntryBlock();
  marks[entry] = Mark::OnStack;
  stack.push_back({entry, succ_begin(entry)});
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next == succ_end(frame.block)) {
      marks[frame.block] = Mark::Done;
      stack.pop_back();
      continue;
    }
    BasicBlock* successor = *frame.next++;
    Mark& mark = marks[successor];
    if (mark == Mark::OnStack) {
      targets.insert(successor);
      out.reducible = out.reducible && dominators.dominates(successor, frame.block);
    }
    else if (mark == Mark::Unvisited) {
      mark = Mark::OnStack;
      stack.push_back({successor, succ_begin(successor)});
    }
  }
  out.targets.assign(targets.begin(), targets.end());
  return out;
}

void pollAt(BasicBlock* header, Value* vmctx, BasicBlock* interrupt) {
  // The header keeps its phis and branches on the poll to the rest of it.
  BasicBlock* rest = SplitBlock(header, header->getFirstInsertionPt());
  header->getTerminator()->eraseFromParent();
  IRBuilder<> b(header);
  Value* address = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), vmctx, offsetof(abi::VMContext, stackLimit));
  LoadInst* limit = b.CreateLoad(b.getInt64Ty(), address, /*isVolatile=*/true, "interrupt_poll");
  Value* interrupted = b.CreateICmpUGE(limit, b.getInt64(abi::kInterruptStackLimit));
  MDBuilder md(b.getContext());
  b.CreateCondBr(interrupted, interrupt, rest, md.createUnlikelyBranchWeights());
}

/// The headers of innermost loops whose whole run is at most
/// kShortLoopInstructions, if the CFG is reducible (see the top).
SmallPtrSet<BasicBlock*, 8> shortLoopHeaders(Function& function, DominatorTree& dominators, const BackEdges& edges) {
  SmallPtrSet<BasicBlock*, 8> headers;
  if (!edges.reducible)
    return headers;
  LoopInfo loops(dominators);
  TargetLibraryInfoImpl libraryImpl(Triple(function.getParent()->getTargetTriple()));
  TargetLibraryInfo library(libraryImpl, &function);
  AssumptionCache assumptions(function);
  ScalarEvolution evolution(function, library, assumptions, dominators, loops);
  for (BasicBlock* target : edges.targets) {
    Loop* loop = loops.getLoopFor(target);
    if (!loop || loop->getHeader() != target || !loop->isInnermost())
      continue;
    const SCEV* maxCount = evolution.getConstantMaxBackedgeTakenCount(loop);
    const auto* constant = dyn_cast<SCEVConstant>(maxCount);
    if (!constant || constant->getAPInt().getActiveBits() > 32)
      continue;
    uint64_t instructions = 0;
    for (BasicBlock* block : loop->blocks())
      instructions += block->size();
    if ((constant->getAPInt().getZExtValue() + 1) * instructions <= kShortLoopInstructions)
      headers.insert(target);
  }
  return headers;
}

} // namespace

void insertInterruptPolls(Module& module) {
  for (Function& function : module) {
    if (function.isDeclaration() || !function.hasFnAttribute(kInterruptPollsAttribute))
      continue;
    DominatorTree dominators(function);
    BackEdges edges = backEdges(function, dominators);
    if (edges.targets.empty())
      continue;
    SmallPtrSet<BasicBlock*, 8> shortLoops = shortLoopHeaders(function, dominators, edges);
    std::vector<BasicBlock*> headers = edges.targets;
    std::erase_if(headers, [&](BasicBlock* header) { return shortLoops.contains(header); });
    if (headers.empty())
      continue;
    Value* vmctx = function.getArg(0);
    BasicBlock* interrupt = BasicBlock::Create(function.getContext(), "interrupt", &function);
    // Attributed to the function's start (its loops share the block).
    DISubprogram* scope = function.getSubprogram();
    emitRaiseTrap(interrupt, vmctx, abi::TrapCode::Interrupt,
                  scope ? DebugLoc(OffsetLines::at(scope, scope->getLine())) : DebugLoc());
    for (BasicBlock* header : headers)
      pollAt(header, vmctx, interrupt);
  }
}

} // namespace wasmc::codegen
