// call and call_indirect, and 3.0's tail calls (return_call,
// return_call_indirect). Direct calls to functions of this module are plain
// LLVM calls (inlinable); imports and indirect calls go through FuncRefs.

#include "compiler/codegen/FunctionContext.h"

#include "compiler/codegen/ModuleContext.h"

namespace wasmc::codegen {

using namespace llvm;
using wasm::Opcode;

namespace {

Value* loadField(FunctionContext& fc, Value* base, size_t offset, Type* type, bool invariant) {
  LoadInst* load = fc.b.CreateLoad(type, fc.b.CreateConstInBoundsGEP1_64(fc.i8(), base, offset));
  if (invariant)
    load->setMetadata(LLVMContext::MD_invariant_load, MDNode::get(fc.ctx, {}));
  return load;
}

/// Every wasm call must keep its caller's frame: tail-recursion elimination
/// or a sibling call (a jump) would let unbounded recursion, which must trap
/// with "call stack exhausted", run forever in constant stack.
void keepFrame(CallInst* call) { call->setTailCallKind(CallInst::TCK_NoTail); }

void pushResults(FunctionContext& fc, CallInst* call, const wasm::FuncType& type) {
  if (type.results.empty())
    return;
  for (Value* result : fc.mc.unpackResults(fc.b, type, call))
    fc.push(result);
}

/// Calls through a FuncRef: its code with its own vmctx.
CallInst* callFuncRef(FunctionContext& fc, Value* funcRef, FunctionType* type, const std::vector<Value*>& args) {
  Value* code = loadField(fc, funcRef, offsetof(abi::FuncRef, code), fc.ptr(), true);
  Value* calleeVmctx = loadField(fc, funcRef, offsetof(abi::FuncRef, vmctx), fc.ptr(), true);
  std::vector<Value*> fullArgs{calleeVmctx};
  fullArgs.insert(fullArgs.end(), args.begin(), args.end());
  CallInst* call = fc.b.CreateCall(type, code, fullArgs);
  keepFrame(call);
  return call;
}

/// The call of `instr` (call or return_call) to function `callee`.
CallInst* directCall(FunctionContext& fc, wasm::FuncIndex callee) {
  const wasm::FuncType& type = fc.module.funcType(callee);
  std::vector<Value*> args = fc.popN(type.params.size());
  CallInst* call;
  if (fc.module.isImportedFunc(callee)) {
    Value* funcs = fc.loadVmctxField(offsetof(abi::VMContext, funcs), fc.ptr(), "funcs");
    Value* funcRef = loadField(fc, funcs, callee * sizeof(void*), fc.ptr(), true);
    call = callFuncRef(fc, funcRef, fc.mc.wasmFunctionType(fc.module.funcTypes[callee]), args);
  } else {
    args.insert(args.begin(), fc.vmctx);
    call = fc.b.CreateCall(fc.mc.definedFunction(callee), args);
    keepFrame(call);
  }
  return call;
}

/// One bounds check, one null check, one signature compare, one call.
CallInst* indirectCall(FunctionContext& fc, wasm::TypeIndex typeIndex, wasm::TableIndex table) {
  const wasm::FuncType& type = fc.module.types[typeIndex];
  Value* index = fc.pop();
  std::vector<Value*> args = fc.popN(type.params.size());

  Value* tables = fc.loadVmctxField(offsetof(abi::VMContext, tables), fc.ptr(), "tables");
  Value* record = loadField(fc, tables, table * sizeof(void*), fc.ptr(), true);
  Value* size = loadField(fc, record, offsetof(abi::TableRecord, size), fc.i32(), false);
  fc.trapIf(fc.b.CreateICmpUGE(index, size), abi::TrapCode::UndefinedElement);
  Value* elements = loadField(fc, record, offsetof(abi::TableRecord, elements), fc.ptr(), false);
  Value* funcRef = fc.b.CreateLoad(fc.ptr(), fc.b.CreateInBoundsGEP(fc.ptr(), elements, fc.b.CreateZExt(index, fc.i64())));
  fc.trapIf(fc.b.CreateIsNull(funcRef), abi::TrapCode::UninitializedElement);

  Value* sigIds = fc.loadVmctxField(offsetof(abi::VMContext, sigIds), fc.ptr(), "sig_ids");
  Value* expected = loadField(fc, sigIds, typeIndex * sizeof(uint32_t), fc.i32(), true);
  Value* actual = loadField(fc, funcRef, offsetof(abi::FuncRef, sigId), fc.i32(), true);
  fc.trapIf(fc.b.CreateICmpNE(actual, expected), abi::TrapCode::IndirectCallTypeMismatch);

  return callFuncRef(fc, funcRef, fc.mc.wasmFunctionType(typeIndex), args);
}

/// return_call and return_call_indirect: `call` (whose wasm type is
/// `type`) takes the place of this function's frame. When the two have one
/// LLVM signature, as every self- or mutual recursion has, and at most one
/// result, the call is a `musttail` one: a jump, so a tail-recursive loop
/// runs in constant stack. Otherwise it is called and its results
/// returned: the same results, but the frame stays (docs/WASM-3.0.md).
/// Several results come back in memory the caller provides (LLVM's sret
/// demotion), and there x86's -O0 code generator aborts the process on a
/// musttail call ("failed to perform tail call elimination"), which the
/// differential fuzzer found: those never get one. Every tail call in a
/// loop entry is ordinary too (its signature is its own).
void returnWith(FunctionContext& fc, CallInst* call, const wasm::FuncType& type) {
  if (call->getFunctionType() == fc.fn->getFunctionType() && call->getCallingConv() == fc.fn->getCallingConv() &&
      type.results.size() <= 1) {
    call->setTailCallKind(CallInst::TCK_MustTail);
    if (call->getType()->isVoidTy())
      fc.b.CreateRetVoid();
    else
      fc.b.CreateRet(call);
    fc.setUnreachable(true);
    return;
  }
  pushResults(fc, call, type);
  wasm::Instr ret;
  ret.op = Opcode::Return;
  lowerControl(fc, ret);
}

} // namespace

bool lowerCall(FunctionContext& fc, const wasm::Instr& instr) {
  switch (instr.op) {
  case Opcode::Call: pushResults(fc, directCall(fc, instr.index), fc.module.funcType(instr.index)); return true;
  case Opcode::CallIndirect:
    pushResults(fc, indirectCall(fc, instr.index, instr.index2), fc.module.types[instr.index]);
    return true;
  case Opcode::ReturnCall: returnWith(fc, directCall(fc, instr.index), fc.module.funcType(instr.index)); return true;
  case Opcode::ReturnCallIndirect:
    returnWith(fc, indirectCall(fc, instr.index, instr.index2), fc.module.types[instr.index]);
    return true;
  default: return false;
  }
}

} // namespace wasmc::codegen
