// SIMD float lanes (f32x4, f64x2): comparisons, arithmetic, min/max and
// pmin/pmax, and rounding. The NaN rules are the scalar ones of
// LowerNumeric.cpp, lane by lane:
//  - add/sub/mul/div use the constrained intrinsics, so that LLVM cannot fold
//    x*1.0 or x-0.0 to x and hand back a signalling NaN unquieted;
//  - abs and neg touch only the sign bit, even of a NaN;
//  - min/max propagate NaN and order -0 below +0, which x86 minps/maxps do
//    not (they return the second operand for NaN or equal zeros);
//  - pmin/pmax are exactly the compare-and-select they are defined as, and
//    return one of the operands bit for bit.

#include "compiler/codegen/LowerSimd.h"

namespace wasmc::codegen {

using namespace llvm;
using wasm::Opcode;

namespace {

using Intrinsic::ID;

bool unaryIntrinsic(FunctionContext& fc, LaneShape shape, ID id) {
  return unary(fc, shape, [&](Value* x) { return fc.callIntrinsic(id, {x->getType()}, {x}); });
}

/// Lanes where the comparison holds become all ones, the rest zeros. The
/// predicates are ordered except `ne`, which holds when either is NaN.
bool compare(FunctionContext& fc, LaneShape shape, CmpInst::Predicate predicate) {
  return binary(fc, shape, [&](Value* lhs, Value* rhs) {
    return fc.b.CreateSExt(fc.b.CreateFCmp(predicate, lhs, rhs), vectorType(fc, integerShape(shape)));
  });
}

Value* strictBinary(FunctionContext& fc, ID id, Value* lhs, Value* rhs) {
  return fc.b.CreateConstrainedFPBinOp(id, lhs, rhs, nullptr, "", nullptr, RoundingMode::NearestTiesToEven,
                                       fp::ebMayTrap);
}

bool arithmetic(FunctionContext& fc, LaneShape shape, ID id) {
  return binary(fc, shape, [&](Value* lhs, Value* rhs) { return strictBinary(fc, id, lhs, rhs); });
}

/// min/max: llvm.minimum/maximum give NaN when either lane is NaN and order
/// -0 below +0, but pass a signalling NaN through unquieted; in lanes with a
/// NaN the (constrained) sum of the operands is the quiet NaN wasm wants.
bool minMax(FunctionContext& fc, LaneShape shape, ID id) {
  return binary(fc, shape, [&](Value* lhs, Value* rhs) {
    Value* eitherNan = fc.b.CreateFCmpUNO(lhs, rhs);
    Value* quietNan = strictBinary(fc, Intrinsic::experimental_constrained_fadd, lhs, rhs);
    Value* ordered = fc.callIntrinsic(id, {lhs->getType()}, {lhs, rhs});
    return fc.b.CreateSelect(eitherNan, quietNan, ordered);
  });
}

/// pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a, so a NaN in
/// either lane (or equal zeros) gives `a` unchanged.
bool pseudoMinMax(FunctionContext& fc, LaneShape shape, bool isMax) {
  return binary(fc, shape, [&](Value* lhs, Value* rhs) {
    Value* takeRhs = isMax ? fc.b.CreateFCmpOLT(lhs, rhs) : fc.b.CreateFCmpOLT(rhs, lhs);
    return fc.b.CreateSelect(takeRhs, rhs, lhs);
  });
}

} // namespace

bool lowerSimdFloat(FunctionContext& fc, const wasm::Instr& instr) {
  const Opcode op = instr.op;
  switch (op) {
  case Opcode::F32x4Eq: case Opcode::F64x2Eq: return compare(fc, shapeOf(op), CmpInst::FCMP_OEQ);
  case Opcode::F32x4Ne: case Opcode::F64x2Ne: return compare(fc, shapeOf(op), CmpInst::FCMP_UNE);
  case Opcode::F32x4Lt: case Opcode::F64x2Lt: return compare(fc, shapeOf(op), CmpInst::FCMP_OLT);
  case Opcode::F32x4Gt: case Opcode::F64x2Gt: return compare(fc, shapeOf(op), CmpInst::FCMP_OGT);
  case Opcode::F32x4Le: case Opcode::F64x2Le: return compare(fc, shapeOf(op), CmpInst::FCMP_OLE);
  case Opcode::F32x4Ge: case Opcode::F64x2Ge: return compare(fc, shapeOf(op), CmpInst::FCMP_OGE);

  case Opcode::F32x4Abs: case Opcode::F64x2Abs: return unaryIntrinsic(fc, shapeOf(op), Intrinsic::fabs);
  case Opcode::F32x4Neg: case Opcode::F64x2Neg:
    return unary(fc, shapeOf(op), [&](Value* x) { return fc.b.CreateFNeg(x); });
  case Opcode::F32x4Sqrt: case Opcode::F64x2Sqrt: return unaryIntrinsic(fc, shapeOf(op), Intrinsic::sqrt);

  // Rounding to an integral value; nearest is ties-to-even (roundeven).
  case Opcode::F32x4Ceil: case Opcode::F64x2Ceil: return unaryIntrinsic(fc, shapeOf(op), Intrinsic::ceil);
  case Opcode::F32x4Floor: case Opcode::F64x2Floor: return unaryIntrinsic(fc, shapeOf(op), Intrinsic::floor);
  case Opcode::F32x4Trunc: case Opcode::F64x2Trunc: return unaryIntrinsic(fc, shapeOf(op), Intrinsic::trunc);
  case Opcode::F32x4Nearest: case Opcode::F64x2Nearest:
    return unaryIntrinsic(fc, shapeOf(op), Intrinsic::roundeven);

  case Opcode::F32x4Add: case Opcode::F64x2Add:
    return arithmetic(fc, shapeOf(op), Intrinsic::experimental_constrained_fadd);
  case Opcode::F32x4Sub: case Opcode::F64x2Sub:
    return arithmetic(fc, shapeOf(op), Intrinsic::experimental_constrained_fsub);
  case Opcode::F32x4Mul: case Opcode::F64x2Mul:
    return arithmetic(fc, shapeOf(op), Intrinsic::experimental_constrained_fmul);
  case Opcode::F32x4Div: case Opcode::F64x2Div:
    return arithmetic(fc, shapeOf(op), Intrinsic::experimental_constrained_fdiv);

  case Opcode::F32x4Min: case Opcode::F64x2Min: return minMax(fc, shapeOf(op), Intrinsic::minimum);
  case Opcode::F32x4Max: case Opcode::F64x2Max: return minMax(fc, shapeOf(op), Intrinsic::maximum);
  case Opcode::F32x4Pmin: case Opcode::F64x2Pmin: return pseudoMinMax(fc, shapeOf(op), false);
  case Opcode::F32x4Pmax: case Opcode::F64x2Pmax: return pseudoMinMax(fc, shapeOf(op), true);

  default: return false;
  }
}

} // namespace wasmc::codegen
