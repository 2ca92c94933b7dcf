// Helpers shared by every instruction family: types, constants, traps and
// VMContext access.

#include "compiler/codegen/FunctionContext.h"

#include "compiler/codegen/ModuleContext.h"

#include <llvm/IR/MDBuilder.h>

namespace wasmc::codegen {

using namespace llvm;

FunctionContext::FunctionContext(ModuleContext& moduleContext, wasm::FuncIndex funcIndex, Function* function)
    : mc(moduleContext), module(moduleContext.module), ctx(moduleContext.ctx), b(moduleContext.ctx),
      fn(function), funcIndex(funcIndex) {}

std::vector<Value*> FunctionContext::popN(size_t count) {
  std::vector<Value*> values(stack.end() - count, stack.end());
  stack.resize(stack.size() - count);
  return values;
}

Type* FunctionContext::llvmType(wasm::ValType type) const { return mc.valueType(type); }

Type* FunctionContext::v128() const { return mc.valueType(wasm::ValType::V128); }

Constant* FunctionContext::constF32Bits(uint32_t bits) const {
  return ConstantFP::get(ctx, APFloat(APFloat::IEEEsingle(), APInt(32, bits)));
}

Constant* FunctionContext::constF64Bits(uint64_t bits) const {
  return ConstantFP::get(ctx, APFloat(APFloat::IEEEdouble(), APInt(64, bits)));
}

BasicBlock* FunctionContext::trapBlock(abi::TrapCode code) {
  DebugLoc location = b.getCurrentDebugLocation();
  BasicBlock*& block = trapBlocks_[{code, location.get()}];
  if (block)
    return block;
  block = BasicBlock::Create(ctx, "trap", fn);
  emitRaiseTrap(block, vmctx, code, location);
  return block;
}

void emitRaiseTrap(BasicBlock* block, Value* vmctx, abi::TrapCode code, DebugLoc location) {
  IRBuilder<> tb(block);
  tb.SetCurrentDebugLocation(location);
  Type* ptrTy = tb.getPtrTy();
  Value* builtins = tb.CreateLoad(
      ptrTy, tb.CreateConstInBoundsGEP1_64(tb.getInt8Ty(), vmctx, offsetof(abi::VMContext, builtins)));
  Value* raise = tb.CreateLoad(
      ptrTy, tb.CreateConstInBoundsGEP1_64(tb.getInt8Ty(), builtins, offsetof(abi::Builtins, raiseTrap)));
  FunctionType* raiseType = FunctionType::get(tb.getVoidTy(), {ptrTy, tb.getInt32Ty()}, false);
  CallInst* call = tb.CreateCall(raiseType, raise, {vmctx, tb.getInt32(static_cast<uint32_t>(code))});
  call->setDoesNotReturn();
  call->addFnAttr(Attribute::Cold);
  call->addFnAttr(Attribute::NoMerge);
  tb.CreateUnreachable();
}

void FunctionContext::trapIf(Value* condition, abi::TrapCode code) {
  BasicBlock* cont = BasicBlock::Create(ctx, "cont", fn);
  MDBuilder md(ctx);
  b.CreateCondBr(condition, trapBlock(code), cont, md.createUnlikelyBranchWeights());
  b.SetInsertPoint(cont);
}

void FunctionContext::trap(abi::TrapCode code) {
  b.CreateBr(trapBlock(code));
  // Park the builder in a fresh block nobody branches to; lowering of the
  // dead code that follows is skipped anyway.
  b.SetInsertPoint(BasicBlock::Create(ctx, "dead", fn));
}

Value* FunctionContext::loadVmctxField(size_t offset, Type* type, const char* name) {
  Value* address = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), vmctx, offset);
  LoadInst* load = b.CreateLoad(type, address, name);
  // VMContext fields never change while compiled code runs.
  load->setMetadata(LLVMContext::MD_invariant_load, MDNode::get(ctx, {}));
  load->setMetadata(LLVMContext::MD_tbaa, mc.tbaaRuntime);
  return load;
}

CallInst* FunctionContext::callBuiltin(size_t offset, FunctionType* type, ArrayRef<Value*> args) {
  Value* builtins = loadVmctxField(offsetof(abi::VMContext, builtins), ptr(), "builtins");
  Value* target = b.CreateLoad(ptr(), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), builtins, offset));
  cast<LoadInst>(target)->setMetadata(LLVMContext::MD_invariant_load, MDNode::get(ctx, {}));
  std::vector<Value*> fullArgs{vmctx};
  fullArgs.insert(fullArgs.end(), args.begin(), args.end());
  return b.CreateCall(type, target, fullArgs);
}

void FunctionContext::callBuiltinChecked(size_t offset, ArrayRef<Value*> args) {
  std::vector<Type*> params{ptr()};
  for (Value* arg : args)
    params.push_back(arg->getType());
  FunctionType* type = FunctionType::get(i32(), params, false);
  Value* status = callBuiltin(offset, type, args);
  // The builtin already chose the trap code; raise exactly that one.
  BasicBlock* failed = BasicBlock::Create(ctx, "builtin_trap", fn);
  BasicBlock* cont = BasicBlock::Create(ctx, "cont", fn);
  MDBuilder md(ctx);
  b.CreateCondBr(b.CreateICmpNE(status, b.getInt32(0)), failed, cont, md.createUnlikelyBranchWeights());
  b.SetInsertPoint(failed);
  FunctionType* raiseType = FunctionType::get(b.getVoidTy(), {ptr(), i32()}, false);
  Value* builtins = loadVmctxField(offsetof(abi::VMContext, builtins), ptr(), "builtins");
  Value* raise = b.CreateLoad(ptr(), b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), builtins, offsetof(abi::Builtins, raiseTrap)));
  CallInst* call = b.CreateCall(raiseType, raise, {vmctx, status});
  call->setDoesNotReturn();
  b.CreateUnreachable();
  b.SetInsertPoint(cont);
}

void FunctionContext::markLinearMemory(Instruction* access) const {
  access->setMetadata(LLVMContext::MD_tbaa, mc.tbaaLinearMemory);
}

void FunctionContext::markGlobal(Instruction* access) const { access->setMetadata(LLVMContext::MD_tbaa, mc.tbaaGlobal); }

Value* FunctionContext::callIntrinsic(Intrinsic::ID id, ArrayRef<Type*> types, ArrayRef<Value*> args) {
  return b.CreateIntrinsic(id, types, args);
}

} // namespace wasmc::codegen
