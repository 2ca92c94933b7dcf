// Parametric and variable instructions: drop, select, locals, globals.

#include "compiler/codegen/FunctionContext.h"
#include "compiler/codegen/ModuleContext.h"

namespace wasmc::codegen {

using namespace llvm;
using wasm::Opcode;

namespace {

/// The address of global `index`'s cell (VMContext::globals[index]).
Value* globalCell(FunctionContext& fc, uint32_t index) {
  Value* globals = fc.loadVmctxField(offsetof(abi::VMContext, globals), fc.ptr(), "globals");
  Value* slot = fc.b.CreateConstInBoundsGEP1_64(fc.ptr(), globals, index);
  LoadInst* cell = fc.b.CreateLoad(fc.ptr(), slot, "global_cell");
  cell->setMetadata(LLVMContext::MD_invariant_load, MDNode::get(fc.ctx, {}));
  cell->setMetadata(LLVMContext::MD_tbaa, fc.mc.tbaaRuntime);
  return cell;
}

} // namespace

bool lowerVariable(FunctionContext& fc, const wasm::Instr& instr) {
  IRBuilder<>& b = fc.b;
  switch (instr.op) {
  case Opcode::Drop: fc.pop(); return true;
  case Opcode::Select:
  case Opcode::SelectT: {
    Value* condition = b.CreateICmpNE(fc.pop(), fc.constI32(0));
    Value* ifFalse = fc.pop();
    Value* ifTrue = fc.pop();
    fc.push(b.CreateSelect(condition, ifTrue, ifFalse));
    return true;
  }
  case Opcode::LocalGet: {
    AllocaInst* slot = fc.locals[instr.index];
    fc.push(b.CreateLoad(slot->getAllocatedType(), slot));
    return true;
  }
  case Opcode::LocalSet: b.CreateStore(fc.pop(), fc.locals[instr.index]); return true;
  case Opcode::LocalTee: b.CreateStore(fc.stack.back(), fc.locals[instr.index]); return true;
  case Opcode::GlobalGet: {
    Type* type = fc.llvmType(fc.module.globalTypes[instr.index].type);
    LoadInst* value = b.CreateLoad(type, globalCell(fc, instr.index));
    fc.markGlobal(value);
    fc.push(value);
    return true;
  }
  case Opcode::GlobalSet:
    // Volatile, like memory accesses (LowerMemory.cpp): any of those may
    // fault and end the function with a trap, after which the host sees the
    // globals, so a global.set may be neither deleted as overwritten later
    // nor moved past a memory access (L2 in test/regress: a set before a
    // faulting store, overwritten after it, was deleted as dead).
    fc.markGlobal(b.CreateStore(fc.pop(), globalCell(fc, instr.index), /*isVolatile=*/true));
    return true;
  default: return false;
  }
}

} // namespace wasmc::codegen
