// Structured control flow: block, loop, if/else, end, br, br_if, br_table,
// return, unreachable. Values flowing to a label become PHI incomings of the
// label's block (the end block, or the loop header for loops).

#include "compiler/codegen/FunctionContext.h"

#include "compiler/codegen/ModuleContext.h"

namespace wasmc::codegen {

using namespace llvm;
using wasm::Opcode;

namespace {

wasm::FuncType blockSignature(const FunctionContext& fc, const wasm::BlockType& block) {
  switch (block.kind) {
  case wasm::BlockType::Kind::Empty: return {};
  case wasm::BlockType::Kind::Value: return wasm::FuncType{{}, {block.type}};
  case wasm::BlockType::Kind::Index: return fc.module.types[block.index];
  }
  return {};
}

std::vector<Type*> llvmTypes(const FunctionContext& fc, const std::vector<wasm::ValType>& types) {
  std::vector<Type*> out;
  for (wasm::ValType type : types)
    out.push_back(fc.llvmType(type));
  return out;
}

std::vector<PHINode*> createPhis(BasicBlock* block, const std::vector<Type*>& types) {
  IRBuilder<> b(block, block->begin());
  std::vector<PHINode*> phis;
  for (Type* type : types)
    phis.push_back(b.CreatePHI(type, 2));
  return phis;
}

/// Adds the top `count` stack values as incomings from the current block to
/// the label of `frame` (without popping them).
void addBranchIncoming(FunctionContext& fc, ControlFrame& frame) {
  std::vector<PHINode*>& phis = frame.isLoop() ? frame.loopPhis : frame.endPhis;
  BasicBlock* from = fc.b.GetInsertBlock();
  size_t base = fc.stack.size() - phis.size();
  for (size_t i = 0; i < phis.size(); ++i)
    phis[i]->addIncoming(fc.stack[base + i], from);
}

BasicBlock* labelBlock(ControlFrame& frame) { return frame.isLoop() ? frame.loopHeader : frame.endBlock; }

ControlFrame& frameAt(FunctionContext& fc, uint32_t depth) { return fc.control[fc.control.size() - 1 - depth]; }

void enterBlock(FunctionContext& fc, const wasm::Instr& instr) {
  wasm::FuncType sig = blockSignature(fc, instr.block);
  ControlFrame frame;
  frame.kind = instr.op;
  frame.offset = static_cast<uint32_t>(instr.offset);
  frame.paramTypes = llvmTypes(fc, sig.params);
  frame.resultTypes = llvmTypes(fc, sig.results);
  frame.endBlock = BasicBlock::Create(fc.ctx, "block_end", fc.fn);
  frame.endPhis = createPhis(frame.endBlock, frame.resultTypes);

  if (instr.op == Opcode::If) {
    Value* condition = fc.b.CreateICmpNE(fc.pop(), fc.constI32(0));
    frame.elseParams = fc.popN(sig.params.size());
    frame.stackHeight = fc.stack.size();
    BasicBlock* thenBlock = BasicBlock::Create(fc.ctx, "if_then", fc.fn);
    frame.elseBlock = BasicBlock::Create(fc.ctx, "if_else", fc.fn);
    fc.b.CreateCondBr(condition, thenBlock, frame.elseBlock);
    fc.b.SetInsertPoint(thenBlock);
    for (Value* param : frame.elseParams)
      fc.push(param);
  } else if (instr.op == Opcode::Loop) {
    std::vector<Value*> params = fc.popN(sig.params.size());
    frame.stackHeight = fc.stack.size();
    frame.loopHeader = BasicBlock::Create(fc.ctx, "loop", fc.fn);
    frame.loopPhis = createPhis(frame.loopHeader, frame.paramTypes);
    BasicBlock* from = fc.b.GetInsertBlock();
    fc.b.CreateBr(frame.loopHeader);
    fc.b.SetInsertPoint(frame.loopHeader);
    for (size_t i = 0; i < params.size(); ++i) {
      frame.loopPhis[i]->addIncoming(params[i], from);
      fc.push(frame.loopPhis[i]);
    }
  } else {
    frame.stackHeight = fc.stack.size() - sig.params.size();
  }
  fc.control.push_back(std::move(frame));
}

/// The current (reachable) position falls through to the frame's end block.
void fallThrough(FunctionContext& fc, ControlFrame& frame) {
  BasicBlock* from = fc.b.GetInsertBlock();
  size_t base = fc.stack.size() - frame.endPhis.size();
  for (size_t i = 0; i < frame.endPhis.size(); ++i)
    frame.endPhis[i]->addIncoming(fc.stack[base + i], from);
  fc.b.CreateBr(frame.endBlock);
}

void lowerElse(FunctionContext& fc) {
  ControlFrame& frame = fc.control.back();
  if (!fc.unreachable())
    fallThrough(fc, frame);
  fc.stack.resize(frame.stackHeight);
  fc.b.SetInsertPoint(frame.elseBlock);
  for (Value* param : frame.elseParams)
    fc.push(param);
  frame.elseBlock = nullptr;
  frame.kind = Opcode::Else;
  fc.setUnreachable(false);
}

void lowerEnd(FunctionContext& fc) {
  ControlFrame& frame = fc.control.back();
  if (!fc.unreachable())
    fallThrough(fc, frame);
  if (frame.elseBlock) {
    // An if without else: the implicit else passes its params through as results.
    fc.b.SetInsertPoint(frame.elseBlock);
    for (size_t i = 0; i < frame.endPhis.size(); ++i)
      frame.endPhis[i]->addIncoming(frame.elseParams[i], frame.elseBlock);
    fc.b.CreateBr(frame.endBlock);
  }
  fc.stack.resize(frame.stackHeight);
  ControlFrame done = std::move(fc.control.back());
  fc.control.pop_back();

  if (done.kind == Opcode::End || done.endsElsewhere) {
    // The function body ended (its end block already returns), or another
    // copy of the body goes on after this block.
    fc.b.ClearInsertionPoint();
    fc.setUnreachable(true);
    return;
  }
  fc.b.SetInsertPoint(done.endBlock);
  if (pred_empty(done.endBlock)) {
    // Nothing reaches the end: the code after the block is dead.
    for (PHINode* phi : done.endPhis)
      phi->eraseFromParent();
    fc.setUnreachable(true);
    return;
  }
  fc.setUnreachable(false);
  for (PHINode* phi : done.endPhis)
    fc.push(phi);
}

void lowerBr(FunctionContext& fc, uint32_t depth) {
  ControlFrame& target = frameAt(fc, depth);
  addBranchIncoming(fc, target);
  fc.b.CreateBr(labelBlock(target));
  fc.setUnreachable(true);
}

void lowerBrIf(FunctionContext& fc, uint32_t depth) {
  Value* condition = fc.b.CreateICmpNE(fc.pop(), fc.constI32(0));
  ControlFrame& target = frameAt(fc, depth);
  addBranchIncoming(fc, target);
  BasicBlock* cont = BasicBlock::Create(fc.ctx, "br_if_cont", fc.fn);
  fc.b.CreateCondBr(condition, labelBlock(target), cont);
  fc.b.SetInsertPoint(cont);
}

void lowerBrTable(FunctionContext& fc, std::span<const uint32_t> targets) {
  Value* index = fc.pop();
  ControlFrame& fallback = frameAt(fc, targets.back());
  SwitchInst* sw = fc.b.CreateSwitch(index, labelBlock(fallback), targets.size() - 1);
  // A PHI needs one incoming per edge, so a label named twice gets two.
  addBranchIncoming(fc, fallback);
  for (uint32_t i = 0; i + 1 < targets.size(); ++i) {
    ControlFrame& target = frameAt(fc, targets[i]);
    sw->addCase(fc.constI32(i), labelBlock(target));
    addBranchIncoming(fc, target);
  }
  fc.setUnreachable(true);
}

} // namespace

bool lowerControl(FunctionContext& fc, const wasm::Instr& instr) {
  switch (instr.op) {
  case Opcode::Nop: return true;
  case Opcode::Unreachable:
    fc.trap(abi::TrapCode::Unreachable);
    fc.setUnreachable(true);
    return true;
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::If: enterBlock(fc, instr); return true;
  case Opcode::Else: lowerElse(fc); return true;
  case Opcode::End: lowerEnd(fc); return true;
  case Opcode::Br: lowerBr(fc, instr.index); return true;
  case Opcode::BrIf: lowerBrIf(fc, instr.index); return true;
  case Opcode::BrTable: lowerBrTable(fc, instr.targets); return true;
  case Opcode::Return: lowerBr(fc, static_cast<uint32_t>(fc.control.size() - 1)); return true;
  default: return false;
  }
}

} // namespace wasmc::codegen
