// Lowering of the scalar numeric instructions that are not conversions:
// constants, comparisons, and i32/i64/f32/f64 arithmetic. Every operation
// here is a handful of LLVM instructions; the only control flow is the
// divide traps.

#include "compiler/codegen/FunctionContext.h"

#include <llvm/IR/Intrinsics.h>

#include <optional>

namespace wasmc::codegen {
namespace {

using wasm::Opcode;
using llvm::CmpInst;
using llvm::Intrinsic::ID;
using llvm::Value;

// --- stack shapes -----------------------------------------------------------
// Each helper pops the operands, applies `op` and pushes the result. The
// operand types are taken from the values, so one lambda serves i32 and i64
// (or f32 and f64) alike.

template <class Op> bool unary(FunctionContext& fc, Op op) {
  Value* operand = fc.pop();
  fc.push(op(operand));
  return true;
}

template <class Op> bool binary(FunctionContext& fc, Op op) {
  Value* rhs = fc.pop();
  Value* lhs = fc.pop();
  fc.push(op(lhs, rhs));
  return true;
}

bool unaryIntrinsic(FunctionContext& fc, ID id) {
  return unary(fc, [&](Value* x) { return fc.callIntrinsic(id, {x->getType()}, {x}); });
}

bool binaryIntrinsic(FunctionContext& fc, ID id) {
  return binary(fc, [&](Value* lhs, Value* rhs) {
    return fc.callIntrinsic(id, {lhs->getType()}, {lhs, rhs});
  });
}

/// Wasm comparisons yield an i32 0 or 1, not an i1.
bool compare(FunctionContext& fc, CmpInst::Predicate predicate) {
  return binary(fc, [&](Value* lhs, Value* rhs) {
    Value* flag = CmpInst::isFPPredicate(predicate) ? fc.b.CreateFCmp(predicate, lhs, rhs)
                                                    : fc.b.CreateICmp(predicate, lhs, rhs);
    return fc.b.CreateZExt(flag, fc.i32());
  });
}

// --- comparisons --------------------------------------------------------------

/// The predicate of every binary comparison. Float predicates are ordered
/// (false when either side is NaN) except `ne`, which wasm defines as true
/// when the operands are unordered.
std::optional<CmpInst::Predicate> comparePredicate(Opcode op) {
  switch (op) {
  case Opcode::I32Eq: case Opcode::I64Eq: return CmpInst::ICMP_EQ;
  case Opcode::I32Ne: case Opcode::I64Ne: return CmpInst::ICMP_NE;
  case Opcode::I32LtS: case Opcode::I64LtS: return CmpInst::ICMP_SLT;
  case Opcode::I32LtU: case Opcode::I64LtU: return CmpInst::ICMP_ULT;
  case Opcode::I32GtS: case Opcode::I64GtS: return CmpInst::ICMP_SGT;
  case Opcode::I32GtU: case Opcode::I64GtU: return CmpInst::ICMP_UGT;
  case Opcode::I32LeS: case Opcode::I64LeS: return CmpInst::ICMP_SLE;
  case Opcode::I32LeU: case Opcode::I64LeU: return CmpInst::ICMP_ULE;
  case Opcode::I32GeS: case Opcode::I64GeS: return CmpInst::ICMP_SGE;
  case Opcode::I32GeU: case Opcode::I64GeU: return CmpInst::ICMP_UGE;
  case Opcode::F32Eq: case Opcode::F64Eq: return CmpInst::FCMP_OEQ;
  case Opcode::F32Ne: case Opcode::F64Ne: return CmpInst::FCMP_UNE;
  case Opcode::F32Lt: case Opcode::F64Lt: return CmpInst::FCMP_OLT;
  case Opcode::F32Gt: case Opcode::F64Gt: return CmpInst::FCMP_OGT;
  case Opcode::F32Le: case Opcode::F64Le: return CmpInst::FCMP_OLE;
  case Opcode::F32Ge: case Opcode::F64Ge: return CmpInst::FCMP_OGE;
  default: return std::nullopt;
  }
}

// --- integer division -----------------------------------------------------------
// LLVM's sdiv/udiv/srem/urem are undefined for a zero divisor and sdiv/srem
// for INT_MIN / -1 (x86 idiv faults on both), so every division is guarded
// before the instruction is reached.

Value* divisorIsZero(FunctionContext& fc, Value* rhs) {
  return fc.b.CreateICmpEQ(rhs, llvm::Constant::getNullValue(rhs->getType()));
}

Value* minusOne(Value* like) { return llvm::Constant::getAllOnesValue(like->getType()); }

bool divS(FunctionContext& fc) {
  return binary(fc, [&](Value* lhs, Value* rhs) {
    fc.trapIf(divisorIsZero(fc, rhs), abi::TrapCode::IntegerDivideByZero);
    auto* type = llvm::cast<llvm::IntegerType>(lhs->getType());
    Value* intMin = llvm::ConstantInt::get(type, llvm::APInt::getSignedMinValue(type->getBitWidth()));
    Value* overflows =
        fc.b.CreateAnd(fc.b.CreateICmpEQ(lhs, intMin), fc.b.CreateICmpEQ(rhs, minusOne(rhs)));
    fc.trapIf(overflows, abi::TrapCode::IntegerOverflow);
    return fc.b.CreateSDiv(lhs, rhs);
  });
}

bool remS(FunctionContext& fc) {
  return binary(fc, [&](Value* lhs, Value* rhs) {
    fc.trapIf(divisorIsZero(fc, rhs), abi::TrapCode::IntegerDivideByZero);
    // INT_MIN % -1 is 0 in wasm but faults in idiv. x % -1 == x % 1 == 0 for
    // every x, so dividing by 1 whenever the divisor is -1 is exact and
    // needs no comparison against INT_MIN.
    Value* isMinusOne = fc.b.CreateICmpEQ(rhs, minusOne(rhs));
    Value* divisor = fc.b.CreateSelect(isMinusOne, llvm::ConstantInt::get(rhs->getType(), 1), rhs);
    return fc.b.CreateSRem(lhs, divisor);
  });
}

bool divOrRemU(FunctionContext& fc, bool remainder) {
  return binary(fc, [&](Value* lhs, Value* rhs) {
    fc.trapIf(divisorIsZero(fc, rhs), abi::TrapCode::IntegerDivideByZero);
    return remainder ? fc.b.CreateURem(lhs, rhs) : fc.b.CreateUDiv(lhs, rhs);
  });
}

// --- shifts -----------------------------------------------------------------------

/// Wasm takes shift counts modulo the width; LLVM's shifts are poison for a
/// count >= the width, so the mask is required, not an optimisation.
Value* maskShiftCount(FunctionContext& fc, Value* count) {
  unsigned width = count->getType()->getIntegerBitWidth();
  return fc.b.CreateAnd(count, llvm::ConstantInt::get(count->getType(), width - 1));
}

enum class Shift { Shl, ShrS, ShrU };

bool shift(FunctionContext& fc, Shift kind) {
  return binary(fc, [&](Value* lhs, Value* rhs) -> Value* {
    Value* count = maskShiftCount(fc, rhs);
    switch (kind) {
    case Shift::Shl: return fc.b.CreateShl(lhs, count);
    case Shift::ShrS: return fc.b.CreateAShr(lhs, count);
    case Shift::ShrU: return fc.b.CreateLShr(lhs, count);
    }
    return nullptr;
  });
}

/// A rotate is a funnel shift of a value with itself; fshl/fshr already take
/// the count modulo the width, matching wasm.
bool rotate(FunctionContext& fc, ID id) {
  return binary(fc, [&](Value* lhs, Value* rhs) {
    return fc.callIntrinsic(id, {lhs->getType()}, {lhs, lhs, rhs});
  });
}

// --- float arithmetic -------------------------------------------------------------
// LLVM's plain fadd/fsub/fmul/fdiv assume signalling NaNs need not be quieted,
// so InstSimplify folds x*1.0, x/1.0, x-0.0 and x+(-0.0) to x, and InstCombine
// turns -0.0-x and x*-1.0 into fneg x. Wasm requires those to return a quiet
// (arithmetic) NaN for a signalling input, and the spec suite checks it
// (float_exprs.wast). The constrained intrinsics with "fpexcept.maytrap"
// disable exactly those folds while still allowing constant folding and
// dead-code removal; the price is that they are not CSE'd or hoisted.

Value* strictBinary(FunctionContext& fc, ID id, Value* lhs, Value* rhs) {
  return fc.b.CreateConstrainedFPBinOp(id, lhs, rhs, nullptr, "", nullptr,
                                       llvm::RoundingMode::NearestTiesToEven, llvm::fp::ebMayTrap);
}

bool floatArith(FunctionContext& fc, ID id) {
  return binary(fc, [&](Value* lhs, Value* rhs) { return strictBinary(fc, id, lhs, rhs); });
}

/// min/max: llvm.minimum/maximum already give NaN when either operand is NaN
/// and order -0 below +0, but they pass a signalling NaN through unchanged
/// (both when lowered for x86 and when constant folded), where wasm wants it
/// quieted. Adding the operands yields a quiet NaN in exactly that case.
bool minMax(FunctionContext& fc, ID id) {
  return binary(fc, [&](Value* lhs, Value* rhs) {
    Value* eitherNan = fc.b.CreateFCmpUNO(lhs, rhs);
    Value* quietNan = strictBinary(fc, llvm::Intrinsic::experimental_constrained_fadd, lhs, rhs);
    Value* ordered = fc.callIntrinsic(id, {lhs->getType()}, {lhs, rhs});
    return fc.b.CreateSelect(eitherNan, quietNan, ordered);
  });
}

/// clz/ctz of zero is the bit width in wasm, so is_zero_poison is false.
bool countZeros(FunctionContext& fc, ID id) {
  return unary(fc, [&](Value* x) {
    return fc.callIntrinsic(id, {x->getType()}, {x, fc.b.getFalse()});
  });
}

} // namespace

bool lowerNumeric(FunctionContext& fc, const wasm::Instr& instr) {
  llvm::IRBuilder<>& b = fc.b;

  if (auto predicate = comparePredicate(instr.op))
    return compare(fc, *predicate);

  switch (instr.op) {
  // Constants. Floats are built from their bit patterns so that NaN payloads
  // (and the sign of zero) survive exactly.
  case Opcode::I32Const: fc.push(fc.constI32(instr.i32())); return true;
  case Opcode::I64Const: fc.push(fc.constI64(instr.bits)); return true;
  case Opcode::F32Const: fc.push(fc.constF32Bits(static_cast<uint32_t>(instr.bits))); return true;
  case Opcode::F64Const: fc.push(fc.constF64Bits(instr.bits)); return true;

  case Opcode::I32Eqz:
  case Opcode::I64Eqz:
    return unary(fc, [&](Value* x) {
      return b.CreateZExt(b.CreateICmpEQ(x, llvm::Constant::getNullValue(x->getType())), fc.i32());
    });

  // Integer arithmetic. i32 and i64 share each case: the width comes from
  // the operands.
  case Opcode::I32Clz: case Opcode::I64Clz: return countZeros(fc, llvm::Intrinsic::ctlz);
  case Opcode::I32Ctz: case Opcode::I64Ctz: return countZeros(fc, llvm::Intrinsic::cttz);
  case Opcode::I32Popcnt: case Opcode::I64Popcnt: return unaryIntrinsic(fc, llvm::Intrinsic::ctpop);
  case Opcode::I32Add: case Opcode::I64Add:
    return binary(fc, [&](Value* l, Value* r) { return b.CreateAdd(l, r); });
  case Opcode::I32Sub: case Opcode::I64Sub:
    return binary(fc, [&](Value* l, Value* r) { return b.CreateSub(l, r); });
  case Opcode::I32Mul: case Opcode::I64Mul:
    return binary(fc, [&](Value* l, Value* r) { return b.CreateMul(l, r); });
  case Opcode::I32DivS: case Opcode::I64DivS: return divS(fc);
  case Opcode::I32DivU: case Opcode::I64DivU: return divOrRemU(fc, false);
  case Opcode::I32RemS: case Opcode::I64RemS: return remS(fc);
  case Opcode::I32RemU: case Opcode::I64RemU: return divOrRemU(fc, true);
  case Opcode::I32And: case Opcode::I64And:
    return binary(fc, [&](Value* l, Value* r) { return b.CreateAnd(l, r); });
  case Opcode::I32Or: case Opcode::I64Or:
    return binary(fc, [&](Value* l, Value* r) { return b.CreateOr(l, r); });
  case Opcode::I32Xor: case Opcode::I64Xor:
    return binary(fc, [&](Value* l, Value* r) { return b.CreateXor(l, r); });
  case Opcode::I32Shl: case Opcode::I64Shl: return shift(fc, Shift::Shl);
  case Opcode::I32ShrS: case Opcode::I64ShrS: return shift(fc, Shift::ShrS);
  case Opcode::I32ShrU: case Opcode::I64ShrU: return shift(fc, Shift::ShrU);
  case Opcode::I32Rotl: case Opcode::I64Rotl: return rotate(fc, llvm::Intrinsic::fshl);
  case Opcode::I32Rotr: case Opcode::I64Rotr: return rotate(fc, llvm::Intrinsic::fshr);

  // Float arithmetic. abs, neg and copysign touch only the sign bit (LLVM's
  // fabs/fneg/copysign are bitwise), as wasm requires even for NaNs.
  case Opcode::F32Abs: case Opcode::F64Abs: return unaryIntrinsic(fc, llvm::Intrinsic::fabs);
  case Opcode::F32Neg: case Opcode::F64Neg:
    return unary(fc, [&](Value* x) { return b.CreateFNeg(x); });
  case Opcode::F32Ceil: case Opcode::F64Ceil: return unaryIntrinsic(fc, llvm::Intrinsic::ceil);
  case Opcode::F32Floor: case Opcode::F64Floor: return unaryIntrinsic(fc, llvm::Intrinsic::floor);
  case Opcode::F32Trunc: case Opcode::F64Trunc: return unaryIntrinsic(fc, llvm::Intrinsic::trunc);
  // nearest rounds half to even, which is roundeven (not round or rint,
  // which depend on the half-way rule or the rounding mode).
  case Opcode::F32Nearest: case Opcode::F64Nearest:
    return unaryIntrinsic(fc, llvm::Intrinsic::roundeven);
  case Opcode::F32Sqrt: case Opcode::F64Sqrt: return unaryIntrinsic(fc, llvm::Intrinsic::sqrt);
  case Opcode::F32Add: case Opcode::F64Add:
    return floatArith(fc, llvm::Intrinsic::experimental_constrained_fadd);
  case Opcode::F32Sub: case Opcode::F64Sub:
    return floatArith(fc, llvm::Intrinsic::experimental_constrained_fsub);
  case Opcode::F32Mul: case Opcode::F64Mul:
    return floatArith(fc, llvm::Intrinsic::experimental_constrained_fmul);
  case Opcode::F32Div: case Opcode::F64Div:
    return floatArith(fc, llvm::Intrinsic::experimental_constrained_fdiv);
  // minimum/maximum, not minnum/maxnum (which drop a NaN operand) or x86
  // minss (which is not symmetric in NaN and -0/+0).
  case Opcode::F32Min: case Opcode::F64Min: return minMax(fc, llvm::Intrinsic::minimum);
  case Opcode::F32Max: case Opcode::F64Max: return minMax(fc, llvm::Intrinsic::maximum);
  case Opcode::F32Copysign: case Opcode::F64Copysign:
    return binaryIntrinsic(fc, llvm::Intrinsic::copysign);

  default: return false;
  }
}

} // namespace wasmc::codegen
