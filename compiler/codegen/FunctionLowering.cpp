// The per-function driver: sets up the frame (locals, memory base, stack
// check), walks the body with BodyDecoder and hands each instruction to its
// family, skipping code that can never run.

#include "compiler/codegen/FunctionLowering.h"

#include "compiler/codegen/FunctionContext.h"
#include "compiler/codegen/InsertInterruptPolls.h"
#include "compiler/codegen/ModuleContext.h"
#include "compiler/wasm/Fuel.h"

#include <llvm/IR/MDBuilder.h>

#include <map>
#include <optional>

namespace wasmc::codegen {

using namespace llvm;

namespace {

/// Size of the frame wasm code can make this function use: every
/// parameter, local and value the operand stack ever held (the values that
/// can be live at once, and so spilled across a call) in a 16-byte slot.
/// LLVM's own temporaries and inlined callees' frames can still exceed it;
/// that comes out of abi::kStackReserve, and host functions check what is
/// left of it themselves (runtime/Store.cpp).
uint64_t frameEstimate(const wasm::Module& module, wasm::FuncIndex index, size_t maxStackHeight) {
  uint64_t values = module.funcType(index).params.size() + module.definedFunc(index).numLocals + maxStackHeight;
  return std::min<uint64_t>(values * 16, uint64_t(1) << 30);
}

/// An implementation limit (Wasmtime has the same one): each local is a
/// stack slot, and millions of them only make a frame nobody can run.
constexpr uint64_t kMaxLocals = 50000;

/// Whether an instruction's code can trap or call (and so be the pc of a
/// trap frame): memory and table accesses, calls, bulk operations, integer
/// division, trapping float-to-int conversions, unreachable, and loops
/// (their headers check fuel and interrupts).
bool canTrapOrCall(wasm::Opcode op) {
  using wasm::ImmKind;
  using wasm::Opcode;
  switch (wasm::opcodeInfo(op).imm) {
  case ImmKind::MemArg:
  case ImmKind::MemArgLane:
  case ImmKind::MemIdx:
  case ImmKind::Func:
  case ImmKind::CallIndirect:
  case ImmKind::Table:
  case ImmKind::MemoryInit:
  case ImmKind::MemoryCopy:
  case ImmKind::TableInit:
  case ImmKind::TableCopy:
    return true;
  default:
    break;
  }
  switch (op) {
  case Opcode::Unreachable:
  case Opcode::Loop:
  case Opcode::I32DivS:
  case Opcode::I32DivU:
  case Opcode::I32RemS:
  case Opcode::I32RemU:
  case Opcode::I64DivS:
  case Opcode::I64DivU:
  case Opcode::I64RemS:
  case Opcode::I64RemU:
  case Opcode::I32TruncF32S:
  case Opcode::I32TruncF32U:
  case Opcode::I32TruncF64S:
  case Opcode::I32TruncF64U:
  case Opcode::I64TruncF32S:
  case Opcode::I64TruncF32U:
  case Opcode::I64TruncF64S:
  case Opcode::I64TruncF64U:
    return true;
  default:
    return false;
  }
}

class Lowering {
public:
  Lowering(ModuleContext& mc, wasm::FuncIndex index) : fc_(mc, index, mc.definedFunction(index)) {}
  /// The loop entry at `loopOffset` (lowerLoopEntry).
  Lowering(ModuleContext& mc, wasm::FuncIndex index, uint32_t loopOffset)
      : fc_(mc, index, mc.declareLoopEntry(index, loopOffset)), loopEntry_(loopOffset) {}

  Expected<void> lower() {
    WASMC_TRY(checkFunctionLimits(fc_.module, fc_.funcIndex));
    if (fc_.mc.fuel)
      fuelPlan_ = WASMC_TRY(wasm::FuelPlan::of(fc_.module, fc_.funcIndex));
    if (fc_.mc.interruptible)
      fc_.fn->addFnAttr(kInterruptPollsAttribute); // polled once optimised (InsertInterruptPolls.h)
    // The prologue (its stack check) counts as the function's start.
    const uint32_t start = fc_.module.localsOffset(fc_.funcIndex);
    scope_ = fc_.mc.lines->attach(*fc_.fn, start);
    fc_.b.SetCurrentDebugLocation(OffsetLines::at(scope_, start));
    emitPrologue();
    const ControlFrame functionFrame = fc_.control.back(); // where every copy of a loop entry starts
    WASMC_TRY(decodeBody());
    if (loopEntry_) {
      // One more copy of the body per loop around the entered one (see
      // enterAtLoop), each starting in a block nothing reaches yet.
      for (copy_ = 1; copy_ < nest_.size(); ++copy_) {
        fc_.control = {functionFrame};
        fc_.stack.clear();
        fc_.setUnreachable(false);
        fc_.deadDepth = 0;
        fc_.b.SetInsertPoint(BasicBlock::Create(fc_.ctx, "copy", fc_.fn));
        WASMC_TRY(decodeBody());
      }
      WASMC_TRY(enterAtLoop());
    }
    // The stack check was emitted before the body: now the estimate is known.
    stackCheckSize_->setOperand(1, ConstantInt::get(stackCheckSize_->getType(),
                                                    frameEstimate(fc_.module, fc_.funcIndex, fc_.maxStackHeight)));
    // Blocks that were left open in dead code still need a terminator.
    for (BasicBlock& block : *fc_.fn)
      if (!block.getTerminator()) {
        IRBuilder<> tail(&block);
        tail.CreateUnreachable();
      }
    return {};
  }

  Expected<void> visit(const wasm::Instr& instr) {
    if (fc_.unreachable() && !handleInDeadCode(instr))
      return {};
    if (fuelPlan_ && !fc_.unreachable())
      if (const wasm::FuelCharge* charge = fuelPlan_->at(instr.offset)) {
        fc_.b.SetCurrentDebugLocation(OffsetLines::at(scope_, instr.offset)); // its OutOfFuel trap's
        chargeFuel(*charge);
      }
    // Only code that can trap or call is ever a frame's pc: the rest goes
    // without a location, which keeps the IR and the line table small.
    fc_.b.SetCurrentDebugLocation(canTrapOrCall(instr.op) ? OffsetLines::at(scope_, instr.offset) : nullptr);
    if (loopEntry_ && (instr.op == wasm::Opcode::Block || instr.op == wasm::Opcode::Loop ||
                       instr.op == wasm::Opcode::If)) {
      const bool enterable = instr.op == wasm::Opcode::Loop && fc_.stack.empty();
      lowerControl(fc_, instr);
      const ControlFrame& frame = fc_.control.back();
      exits_.resize(copy_ + 1);
      exits_[copy_][frame.offset] = {frame.endBlock, frame.endPhis};
      if (enterable)
        enteredLoop();
      return {};
    }
    if (lowerControl(fc_, instr) || lowerVariable(fc_, instr) || lowerNumeric(fc_, instr) ||
        lowerConvert(fc_, instr) || lowerMemory(fc_, instr) || lowerCall(fc_, instr) ||
        lowerTable(fc_, instr) || lowerSimd(fc_, instr))
      return {};
    Error error = makeError(ErrorKind::Unsupported, instr.offset,
                            std::string("instruction not supported yet: ") + wasm::opcodeName(instr.op));
    return error;
  }

private:
  Expected<void> decodeBody() {
    const wasm::Function& func = fc_.module.definedFunc(fc_.funcIndex);
    wasm::ByteReader reader(fc_.module.slice(func.body), func.body.offset);
    auto result = wasm::decodeBody(reader, *this);
    if (!result) {
      result.error().function = fc_.funcIndex;
      return std::move(result).error();
    }
    return {};
  }

  /// A loop entry, at the header of a loop with an empty operand stack
  /// (the innermost control frame) in copy `copy_` of the body: the first
  /// copy finds the nest of such loops around the entered one; each later
  /// copy is entered at the header of its loop in that nest, and sends the
  /// branches back to the loops around it to the copies entered there, and
  /// the code after the blocks around it to the copies where those blocks
  /// are whole (enterAtLoop).
  void enteredLoop() {
    ControlFrame& loop = fc_.control.back();
    if (copy_ == 0) {
      if (loop.offset != *loopEntry_)
        return;
      for (const ControlFrame& frame : fc_.control)
        if (frame.isLoop() && frame.stackHeight == 0 && frame.paramTypes.empty())
          nest_.push_back(frame.offset);
      // The first copy is the function's own body, entered at the outermost loop.
      for (const ControlFrame& frame : fc_.control)
        if (frame.isLoop() && frame.offset == nest_.front())
          entries_.push_back(frame.loopHeader);
      return;
    }
    if (loop.offset != nest_[copy_])
      return;
    entries_.push_back(loop.loopHeader);
    size_t nestLoopsOutside = 0; // loops of nest_ around the frame
    for (size_t depth = 1; depth < fc_.control.size(); ++depth) {
      ControlFrame& frame = fc_.control[depth];
      std::optional<size_t> nestIndex;
      for (size_t outer = 0; outer <= copy_; ++outer)
        if (frame.isLoop() && frame.offset == nest_[outer])
          nestIndex = outer;
      if (nestIndex && *nestIndex < copy_)
        frame.loopHeader = entries_[*nestIndex];
      // What follows the frame's end is whole in the copy entered at the
      // innermost loop of the nest around the frame (the first copy if
      // none is): go on there. Only for frames with nothing below them on
      // the operand stack: that copy's code cannot use this copy's values.
      size_t whole = nestLoopsOutside > 0 ? nestLoopsOutside - 1 : 0;
      auto exit = exits_[whole].find(frame.offset);
      if (frame.stackHeight == 0 && exit != exits_[whole].end() && !pred_empty(exit->second.block)) {
        frame.endBlock = exit->second.block;
        frame.endPhis = exit->second.phis;
        frame.endsElsewhere = true;
      }
      if (nestIndex)
        ++nestLoopsOutside;
    }
  }

  /// In dead code only the block structure matters: nested blocks are
  /// counted, and the else/end of the block that went dead is lowered.
  bool handleInDeadCode(const wasm::Instr& instr) {
    switch (instr.op) {
    case wasm::Opcode::Block:
    case wasm::Opcode::Loop:
    case wasm::Opcode::If: ++fc_.deadDepth; return false;
    case wasm::Opcode::Else: return fc_.deadDepth == 0;
    case wasm::Opcode::End:
      if (fc_.deadDepth == 0)
        return true;
      --fc_.deadDepth;
      return false;
    default: return false;
    }
  }

  void emitPrologue() {
    Function* fn = fc_.fn;
    BasicBlock* entry = BasicBlock::Create(fc_.ctx, "entry", fn);
    fc_.b.SetInsertPoint(entry);
    fc_.vmctx = fn->getArg(0);
    fc_.vmctx->setName("vmctx");

    const wasm::FuncType& type = fc_.module.funcType(fc_.funcIndex);
    for (unsigned i = 0; i < type.params.size(); ++i) {
      AllocaInst* slot = fc_.b.CreateAlloca(fc_.llvmType(type.params[i]), nullptr, "param");
      // A loop entry's parameters come with its other locals (enterAtLoop).
      if (!loopEntry_)
        fc_.b.CreateStore(fn->getArg(i + 1), slot);
      fc_.locals.push_back(slot);
    }
    for (const wasm::LocalDecl& decl : fc_.module.definedFunc(fc_.funcIndex).locals) {
      Type* localType = fc_.llvmType(decl.type);
      for (uint32_t i = 0; i < decl.count; ++i) {
        AllocaInst* slot = fc_.b.CreateAlloca(localType, nullptr, "local");
        fc_.b.CreateStore(Constant::getNullValue(localType), slot);
        fc_.locals.push_back(slot);
      }
    }

    if (!fc_.module.memories.empty())
      fc_.memoryBase = fc_.loadVmctxField(offsetof(abi::VMContext, memoryBase), fc_.ptr(), "membase");

    if (fuelPlan_)
      fuel_ = fc_.loadVmctxField(offsetof(abi::VMContext, fuel), fc_.ptr(), "fuel");
    emitStackCheck();
    if (loopEntry_) {
      // The locals are copied in here once the loop's header exists; the
      // body's code before the loop becomes unreachable.
      loopEntryFrom_ = fc_.b.GetInsertBlock();
      fc_.b.SetInsertPoint(BasicBlock::Create(fc_.ctx, "body", fn));
    }

    // The function body is the outermost block; its end block returns.
    ControlFrame frame;
    frame.kind = wasm::Opcode::End;
    for (wasm::ValType result : type.results)
      frame.resultTypes.push_back(fc_.llvmType(result));
    frame.endBlock = BasicBlock::Create(fc_.ctx, "return", fn);
    IRBuilder<> rb(frame.endBlock);
    for (Type* resultType : frame.resultTypes)
      frame.endPhis.push_back(rb.CreatePHI(resultType, 2));
    if (frame.endPhis.empty())
      rb.CreateRetVoid();
    else
      rb.CreateRet(fc_.mc.packResults(rb, type, std::vector<Value*>(frame.endPhis.begin(), frame.endPhis.end())));
    fc_.control.push_back(std::move(frame));
  }

  /// Traps with StackExhausted before this function's frame could reach the
  /// stack limit of the running thread (VMContext::stackLimit, a copy of
  /// StoreRecord::stackLimit).
  void emitStackCheck() {
    IRBuilder<>& b = fc_.b;
    Value* limit = fc_.loadVmctxField(offsetof(abi::VMContext, stackLimit), b.getInt64Ty(), "stack_limit");
    Value* frame = b.CreatePtrToInt(fc_.callIntrinsic(Intrinsic::frameaddress, {fc_.ptr()}, {b.getInt32(0)}),
                                    b.getInt64Ty());
    // frame - estimate < limit, without wrapping below zero. The limit is a
    // stack address, so limit + estimate cannot wrap either; saying so (nuw)
    // lets LLVM fold the checks of inlined callees that test the same
    // frame against a smaller size, and keep them out of the caller's loops.
    // The estimate is set once the body is lowered (lower()).
    stackCheckSize_ = cast<BinaryOperator>(b.CreateNUWAdd(limit, b.getInt64(0)));
    Value* exhausted = b.CreateICmpULT(frame, stackCheckSize_);
    fc_.trapIf(exhausted, abi::TrapCode::StackExhausted);
  }

  /// Pays for the stretch of wasm that starts here (compiler/wasm/Fuel.h).
  /// Volatile: the count must be exact where a trap stops the code, and a
  /// trapping access LLVM moved above a plain store would stop it early.
  void chargeFuel(const wasm::FuelCharge& charge) {
    IRBuilder<>& b = fc_.b;
    LoadInst* left = b.CreateLoad(b.getInt64Ty(), fuel_, /*isVolatile=*/true, "fuel_left");
    left->setMetadata(LLVMContext::MD_tbaa, fc_.mc.tbaaRuntime);
    Value* now = left;
    if (charge.cost != 0) {
      now = b.CreateSub(left, b.getInt64(charge.cost), "fuel_now");
      StoreInst* store = b.CreateStore(now, fuel_, /*isVolatile=*/true);
      store->setMetadata(LLVMContext::MD_tbaa, fc_.mc.tbaaRuntime);
    }
    if (!charge.check)
      return;
    // Below zero: the store's refuel callback may add fuel and let the code
    // go on (Builtins::outOfFuel returns), or the builtin traps. Fuel is
    // read from memory at every charge, so what it added is seen.
    BasicBlock* refuel = BasicBlock::Create(fc_.ctx, "refuel", fc_.fn);
    BasicBlock* fueled = BasicBlock::Create(fc_.ctx, "fueled", fc_.fn);
    MDBuilder md(fc_.ctx);
    b.CreateCondBr(b.CreateICmpSLT(now, b.getInt64(0)), refuel, fueled, md.createUnlikelyBranchWeights());
    b.SetInsertPoint(refuel);
    CallInst* call = fc_.callBuiltin(offsetof(abi::Builtins, outOfFuel),
                                     FunctionType::get(b.getVoidTy(), {fc_.ptr()}, false), {});
    call->addFnAttr(Attribute::Cold);
    call->addFnAttr(Attribute::NoMerge);
    // It changes only the fuel, which compiled code reads volatile (never
    // cached), and the refuel callback may not touch the store's memories,
    // tables or globals (wasmc.h): so loads of those stay valid across it,
    // and loops keep their hoisted loads. Without this, metered vm ran 2.5x
    // slower than plain (1.16x with the old noreturn trap).
    call->setMemoryEffects(MemoryEffects::inaccessibleMemOnly());
    call->setCallingConv(CallingConv::PreserveAll); // as Builtins::outOfFuel is declared
    b.CreateBr(fueled);
    b.SetInsertPoint(fueled);
  }

  /// A loop entry: every local from the caller's buffer (local i's bits at
  /// locals[-i], 8 bytes each), then the loop's header. Nothing else is
  /// live there: the operand stack is empty, and the lowering keeps locals
  /// in allocas and nothing in SSA values across blocks but what the entry
  /// block defines (the memory base), which dominates every copy.
  ///
  /// Entering a loop L nested in loops O1 (outermost) .. Ok of the same kind
  /// (an empty operand stack at the header) at L's header in one copy of
  /// the body would leave LLVM one loop headed at L's header with the outer
  /// loops' iterations inside it: the nest one level shallower, the outer
  /// loops' code optimised as if it were inside L (lz's hot loop ran no
  /// faster than on baseline code). So there are k + 1 copies: the body
  /// itself, entered at O1's header (and the whole function there); one
  /// entered at O2's header; ...; and the one the entry block jumps to, at
  /// L's header. In each later copy, a branch back to Oj goes to the copy
  /// entered at Oj, and the code after the end of any block around the
  /// entered loop (the loop's own end too) is the copy's where that block's
  /// surroundings are whole. So every loop in every copy is entered at its
  /// header only, and a later copy holds little more than its loop: what
  /// the entry adds to the function is the nest's loops, once each.
  /// (A block with values below it on the operand stack keeps its own end:
  /// another copy's code cannot use them.)
  Expected<void> enterAtLoop() {
    if (nest_.empty()) {
      Error error = makeError(ErrorKind::Unsupported, *loopEntry_,
                              "no loop reachable with an empty operand stack here to enter");
      error.function = fc_.funcIndex;
      return error;
    }
    IRBuilder<> b(loopEntryFrom_);
    Value* buffer = fc_.fn->getArg(1);
    buffer->setName("locals");
    for (size_t i = 0; i < fc_.locals.size(); ++i) {
      Value* at = b.CreateConstGEP1_64(b.getInt64Ty(), buffer, -static_cast<int64_t>(i));
      b.CreateStore(b.CreateLoad(fc_.locals[i]->getAllocatedType(), at), fc_.locals[i]);
    }
    b.CreateBr(entries_.back());
    return {};
  }

  FunctionContext fc_;
  std::optional<wasm::FuelPlan> fuelPlan_;   // Options::fuel: where to charge
  Value* fuel_ = nullptr;                    // &StoreRecord::fuel
  BinaryOperator* stackCheckSize_ = nullptr; // limit + the frame estimate
  std::optional<uint32_t> loopEntry_;        // lowering a loop entry at this offset
  llvm::DISubprogram* scope_ = nullptr;      // the function's debug scope (WasmOffsets.h)
  BasicBlock* loopEntryFrom_ = nullptr;      // its entry block's end
  std::vector<uint32_t> nest_;               // loops around the entered one (outermost first), and it
  std::vector<BasicBlock*> entries_;         // per copy: the header of its loop of nest_
  struct Exit {
    BasicBlock* block;
    std::vector<PHINode*> phis;
  };
  std::vector<std::map<uint32_t, Exit>> exits_; // per copy: each block's end, by its offset
  size_t copy_ = 0;                          // the copy of the body being lowered
};

} // namespace

Expected<void> checkFunctionLimits(const wasm::Module& module, wasm::FuncIndex index) {
  const wasm::Function& func = module.definedFunc(index);
  if (func.numLocals > kMaxLocals) {
    Error error = makeError(ErrorKind::Unsupported, func.entryOffset,
                            "function " + std::to_string(index) + " declares " + std::to_string(func.numLocals) +
                                " locals; wasmc supports at most " + std::to_string(kMaxLocals));
    error.function = index;
    return error;
  }
  return {};
}

Expected<void> lowerFunction(ModuleContext& mc, wasm::FuncIndex index) { return Lowering(mc, index).lower(); }

Expected<void> lowerLoopEntry(ModuleContext& mc, wasm::FuncIndex index, uint32_t loopOffset) {
  return Lowering(mc, index, loopOffset).lower();
}

} // namespace wasmc::codegen
