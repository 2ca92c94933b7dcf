// Scalar loads and stores of every width, memory.size/grow, and bulk memory.
//
// Accesses are volatile: an access may trap (fault on a guard page), and
// LLVM may neither delete an unused load, nor move a store past a load that
// could trap, nor merge or reorder accesses across each other. Anything that
// does those things changes which bytes a trapping program leaves behind.
//
// The x86 back end folds a load into the instruction that uses it, and
// volatile does not stop that. Two such folds made a load conditional, so
// that an out-of-bounds load whose value a `select` discarded did not trap
// (D1 in docs/SECURITY.md; test/unit/codegen/DiscardedLoadTest.cpp): a
// masked AVX-512 move (`vmovss mem, xmm {k1}`), which suppresses the fault
// when the mask is off, and a `cmov` from memory (which always loads),
// which the CMOV conversion turned into a branch around the load. Target.cpp
// turns off both, AVX-512 and the conversion, so that every instruction
// that reads wasm memory reads it unconditionally; the folds themselves
// are welcome (a load folded into arithmetic is one instruction fewer).

#include "compiler/codegen/BoundsCheck.h"
#include "compiler/codegen/FunctionContext.h"

namespace wasmc::codegen {

using namespace llvm;
using wasm::Opcode;

namespace {

struct Access {
  Type* memoryType; // the type as it sits in memory
  Type* valueType;  // the wasm value type on the stack
  bool isSigned;    // extension of narrow loads
};

Access accessOf(FunctionContext& fc, Opcode op) {
  switch (op) {
  case Opcode::I32Load: return {fc.i32(), fc.i32(), false};
  case Opcode::I64Load: return {fc.i64(), fc.i64(), false};
  case Opcode::F32Load: return {fc.f32(), fc.f32(), false};
  case Opcode::F64Load: return {fc.f64(), fc.f64(), false};
  case Opcode::I32Load8S: return {fc.i8(), fc.i32(), true};
  case Opcode::I32Load8U: return {fc.i8(), fc.i32(), false};
  case Opcode::I32Load16S: return {fc.b.getInt16Ty(), fc.i32(), true};
  case Opcode::I32Load16U: return {fc.b.getInt16Ty(), fc.i32(), false};
  case Opcode::I64Load8S: return {fc.i8(), fc.i64(), true};
  case Opcode::I64Load8U: return {fc.i8(), fc.i64(), false};
  case Opcode::I64Load16S: return {fc.b.getInt16Ty(), fc.i64(), true};
  case Opcode::I64Load16U: return {fc.b.getInt16Ty(), fc.i64(), false};
  case Opcode::I64Load32S: return {fc.i32(), fc.i64(), true};
  case Opcode::I64Load32U: return {fc.i32(), fc.i64(), false};
  case Opcode::I32Store: return {fc.i32(), fc.i32(), false};
  case Opcode::I64Store: return {fc.i64(), fc.i64(), false};
  case Opcode::F32Store: return {fc.f32(), fc.f32(), false};
  case Opcode::F64Store: return {fc.f64(), fc.f64(), false};
  case Opcode::I32Store8: return {fc.i8(), fc.i32(), false};
  case Opcode::I32Store16: return {fc.b.getInt16Ty(), fc.i32(), false};
  case Opcode::I64Store8: return {fc.i8(), fc.i64(), false};
  case Opcode::I64Store16: return {fc.b.getInt16Ty(), fc.i64(), false};
  case Opcode::I64Store32: return {fc.i32(), fc.i64(), false};
  default: WASMC_UNREACHABLE("not a scalar memory access");
  }
}

bool isLoad(Opcode op) { return op >= Opcode::I32Load && op <= Opcode::I64Load32U; }
bool isStore(Opcode op) { return op >= Opcode::I32Store && op <= Opcode::I64Store32; }

void lowerLoad(FunctionContext& fc, const wasm::Instr& instr) {
  Access access = accessOf(fc, instr.op);
  uint32_t size = wasm::opcodeInfo(instr.op).size;
  Value* address = memoryAccessAddress(fc, fc.pop(), instr.mem.offset, size);
  LoadInst* load = fc.b.CreateAlignedLoad(access.memoryType, address, Align(1), /*isVolatile=*/true);
  fc.markLinearMemory(load);
  Value* value = load;
  if (access.memoryType != access.valueType)
    value = access.isSigned ? fc.b.CreateSExt(load, access.valueType) : fc.b.CreateZExt(load, access.valueType);
  fc.push(value);
}

void lowerStore(FunctionContext& fc, const wasm::Instr& instr) {
  Access access = accessOf(fc, instr.op);
  uint32_t size = wasm::opcodeInfo(instr.op).size;
  Value* value = fc.pop();
  Value* address = memoryAccessAddress(fc, fc.pop(), instr.mem.offset, size);
  if (access.memoryType != access.valueType)
    value = fc.b.CreateTrunc(value, access.memoryType);
  fc.markLinearMemory(fc.b.CreateAlignedStore(value, address, Align(1), /*isVolatile=*/true));
}

Value* memoryRecord(FunctionContext& fc) {
  return fc.loadVmctxField(offsetof(abi::VMContext, memory), fc.ptr(), "memory");
}

Value* memorySizeBytes(FunctionContext& fc) {
  IRBuilder<>& b = fc.b;
  Value* sizeAddress = b.CreateConstInBoundsGEP1_64(fc.i8(), memoryRecord(fc), offsetof(abi::MemoryRecord, size));
  return b.CreateLoad(fc.i64(), sizeAddress, "memory_size");
}

/// memory.copy and memory.fill, inline: both ranges are checked against the
/// current size first (a trap writes nothing, as the spec requires), then
/// llvm.memmove / llvm.memset, which LLVM expands into a few moves when the
/// length is a small constant and otherwise calls libc. A call into the
/// runtime for every small copy cost fannkuch 12% of its time. Volatile like
/// every other access: a later access may fault, and a fill overwritten
/// after it is not dead (L3 in test/regress: a one-byte memory.fill was
/// deleted at -O3 because a store after a faulting one covered it).
void lowerCopyOrFill(FunctionContext& fc, Opcode op) {
  IRBuilder<>& b = fc.b;
  std::vector<Value*> args = fc.popN(3); // dst, src or value, count
  Value* size = memorySizeBytes(fc);
  // 64-bit sums of 32-bit values cannot wrap.
  Value* count = b.CreateZExt(args[2], fc.i64());
  Value* dst = b.CreateZExt(args[0], fc.i64());
  Value* outside = b.CreateICmpUGT(b.CreateAdd(dst, count), size);
  Value* src = nullptr;
  if (op == Opcode::MemoryCopy) {
    src = b.CreateZExt(args[1], fc.i64());
    outside = b.CreateOr(outside, b.CreateICmpUGT(b.CreateAdd(src, count), size));
  }
  fc.trapIf(outside, abi::TrapCode::MemoryOutOfBounds);
  Value* dstPointer = b.CreateInBoundsGEP(fc.i8(), fc.memoryBase, dst);
  CallInst* call = op == Opcode::MemoryCopy
                       ? b.CreateMemMove(dstPointer, Align(1), b.CreateInBoundsGEP(fc.i8(), fc.memoryBase, src),
                                         Align(1), count, /*isVolatile=*/true)
                       : b.CreateMemSet(dstPointer, b.CreateTrunc(args[1], fc.i8()), count, Align(1),
                                        /*isVolatile=*/true);
  fc.markLinearMemory(call);
}

} // namespace

bool lowerMemory(FunctionContext& fc, const wasm::Instr& instr) {
  IRBuilder<>& b = fc.b;
  if (isLoad(instr.op)) {
    lowerLoad(fc, instr);
    return true;
  }
  if (isStore(instr.op)) {
    lowerStore(fc, instr);
    return true;
  }
  switch (instr.op) {
  case Opcode::MemorySize:
    fc.push(b.CreateTrunc(b.CreateLShr(memorySizeBytes(fc), 16), fc.i32()));
    return true;
  case Opcode::MemoryGrow: {
    FunctionType* type = FunctionType::get(fc.i32(), {fc.ptr(), fc.i32()}, false);
    fc.push(fc.callBuiltin(offsetof(abi::Builtins, memoryGrow), type, {fc.pop()}));
    return true;
  }
  case Opcode::MemoryFill:
  case Opcode::MemoryCopy: lowerCopyOrFill(fc, instr.op); return true;
  case Opcode::MemoryInit: {
    std::vector<Value*> args = fc.popN(3); // dst, src, count
    args.insert(args.begin(), fc.constI32(instr.index));
    fc.callBuiltinChecked(offsetof(abi::Builtins, memoryInit), args);
    return true;
  }
  case Opcode::DataDrop: {
    FunctionType* type = FunctionType::get(b.getVoidTy(), {fc.ptr(), fc.i32()}, false);
    fc.callBuiltin(offsetof(abi::Builtins, dataDrop), type, {fc.constI32(instr.index)});
    return true;
  }
  default: return false;
  }
}

} // namespace wasmc::codegen
