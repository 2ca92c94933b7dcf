// Reference instructions (ref.null, ref.is_null, ref.func) and table
// instructions. get/set/size are inline; the rest call runtime builtins.

#include "compiler/codegen/FunctionContext.h"

namespace wasmc::codegen {

using namespace llvm;
using wasm::Opcode;

namespace {

Value* tableRecord(FunctionContext& fc, uint32_t table) {
  Value* tables = fc.loadVmctxField(offsetof(abi::VMContext, tables), fc.ptr(), "tables");
  LoadInst* record = fc.b.CreateLoad(fc.ptr(), fc.b.CreateConstInBoundsGEP1_64(fc.ptr(), tables, table));
  record->setMetadata(LLVMContext::MD_invariant_load, MDNode::get(fc.ctx, {}));
  return record;
}

Value* tableSize(FunctionContext& fc, Value* record) {
  return fc.b.CreateLoad(fc.i32(), fc.b.CreateConstInBoundsGEP1_64(fc.i8(), record, offsetof(abi::TableRecord, size)));
}

/// The address of element `index`, trapping when it is out of bounds.
Value* elementAddress(FunctionContext& fc, uint32_t table, Value* index) {
  Value* record = tableRecord(fc, table);
  fc.trapIf(fc.b.CreateICmpUGE(index, tableSize(fc, record)), abi::TrapCode::TableOutOfBounds);
  Value* elements = fc.b.CreateLoad(fc.ptr(), record); // TableRecord::elements is at offset 0
  return fc.b.CreateInBoundsGEP(fc.ptr(), elements, fc.b.CreateZExt(index, fc.i64()));
}

} // namespace

bool lowerTable(FunctionContext& fc, const wasm::Instr& instr) {
  IRBuilder<>& b = fc.b;
  switch (instr.op) {
  case Opcode::RefNull: fc.push(ConstantPointerNull::get(fc.ptr())); return true;
  case Opcode::RefIsNull: fc.push(b.CreateZExt(b.CreateIsNull(fc.pop()), fc.i32())); return true;
  case Opcode::RefFunc: {
    Value* funcs = fc.loadVmctxField(offsetof(abi::VMContext, funcs), fc.ptr(), "funcs");
    LoadInst* ref = b.CreateLoad(fc.ptr(), b.CreateConstInBoundsGEP1_64(fc.ptr(), funcs, instr.index));
    ref->setMetadata(LLVMContext::MD_invariant_load, MDNode::get(fc.ctx, {}));
    fc.push(ref);
    return true;
  }
  case Opcode::TableGet: {
    Value* address = elementAddress(fc, instr.index, fc.pop());
    fc.push(b.CreateLoad(fc.ptr(), address));
    return true;
  }
  case Opcode::TableSet: {
    Value* value = fc.pop();
    Value* address = elementAddress(fc, instr.index, fc.pop());
    // Volatile for the reason global.set is (LowerVariable.cpp): the table
    // outlives a trap in a later memory access.
    b.CreateStore(value, address, /*isVolatile=*/true);
    return true;
  }
  case Opcode::TableSize: fc.push(tableSize(fc, tableRecord(fc, instr.index))); return true;
  case Opcode::TableGrow: {
    Value* delta = fc.pop();
    Value* init = fc.pop();
    FunctionType* type = FunctionType::get(fc.i32(), {fc.ptr(), fc.i32(), fc.ptr(), fc.i32()}, false);
    fc.push(fc.callBuiltin(offsetof(abi::Builtins, tableGrow), type, {fc.constI32(instr.index), init, delta}));
    return true;
  }
  case Opcode::TableFill: {
    std::vector<Value*> args = fc.popN(3); // dst, value, count
    args.insert(args.begin(), fc.constI32(instr.index));
    fc.callBuiltinChecked(offsetof(abi::Builtins, tableFill), args);
    return true;
  }
  case Opcode::TableCopy: {
    std::vector<Value*> args = fc.popN(3); // dst, src, count
    args.insert(args.begin(), {fc.constI32(instr.index), fc.constI32(instr.index2)});
    fc.callBuiltinChecked(offsetof(abi::Builtins, tableCopy), args);
    return true;
  }
  case Opcode::TableInit: {
    std::vector<Value*> args = fc.popN(3); // dst, src, count
    args.insert(args.begin(), {fc.constI32(instr.index2), fc.constI32(instr.index)});
    fc.callBuiltinChecked(offsetof(abi::Builtins, tableInit), args);
    return true;
  }
  case Opcode::ElemDrop: {
    FunctionType* type = FunctionType::get(b.getVoidTy(), {fc.ptr(), fc.i32()}, false);
    fc.callBuiltin(offsetof(abi::Builtins, elemDrop), type, {fc.constI32(instr.index)});
    return true;
  }
  default: return false;
  }
}

} // namespace wasmc::codegen
