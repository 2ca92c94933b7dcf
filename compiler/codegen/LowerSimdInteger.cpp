// SIMD integer lanes: comparisons, arithmetic (wrapping, saturating,
// min/max, averages, q15 multiply), shifts, the lane reductions
// (all_true, bitmask) and the widening products and sums (extmul,
// extadd_pairwise, dot).
//
// LLVM's vector instructions and integer intrinsics wrap, saturate and
// compare exactly as wasm does, in every shape, so the lowering stays
// generic; the x86 backend picks the instructions (and legalises what x86
// lacks, such as unsigned compares, 64-bit lane compares, or i8 shifts).

#include "compiler/codegen/LowerSimd.h"

namespace wasmc::codegen {

using namespace llvm;
using wasm::Opcode;

namespace {

using Intrinsic::ID;

bool binaryIntrinsic(FunctionContext& fc, LaneShape shape, ID id) {
  return binary(fc, shape, [&](Value* lhs, Value* rhs) {
    return fc.callIntrinsic(id, {lhs->getType()}, {lhs, rhs});
  });
}

/// Comparisons give all ones in a lane where they hold, zeros elsewhere.
bool compare(FunctionContext& fc, LaneShape shape, CmpInst::Predicate predicate) {
  return binary(fc, shape, [&](Value* lhs, Value* rhs) {
    return fc.b.CreateSExt(fc.b.CreateICmp(predicate, lhs, rhs), lhs->getType());
  });
}

/// One bit per lane packed into an integer: <N x i1> -> iN -> i32.
Value* packLaneBits(FunctionContext& fc, Value* flags) {
  unsigned count = cast<FixedVectorType>(flags->getType())->getNumElements();
  return fc.b.CreateBitCast(flags, fc.b.getIntNTy(count));
}

/// all_true: 1 when no lane is zero.
bool allTrue(FunctionContext& fc, LaneShape shape) {
  IRBuilder<>& b = fc.b;
  Value* vector = popAs(fc, shape);
  Value* nonZero = packLaneBits(fc, b.CreateICmpNE(vector, Constant::getNullValue(vector->getType())));
  fc.push(b.CreateZExt(b.CreateICmpEQ(nonZero, Constant::getAllOnesValue(nonZero->getType())), fc.i32()));
  return true;
}

/// bitmask: bit i of the result is the sign bit of lane i.
bool bitmask(FunctionContext& fc, LaneShape shape) {
  IRBuilder<>& b = fc.b;
  Value* vector = popAs(fc, shape);
  Value* negative = b.CreateICmpSLT(vector, Constant::getNullValue(vector->getType()));
  fc.push(b.CreateZExt(packLaneBits(fc, negative), fc.i32()));
  return true;
}

enum class Shift { Shl, ShrS, ShrU };

/// Shifts take the i32 count modulo the lane width (LLVM's shifts are poison
/// for a count >= the width, so the mask is required), the same count for
/// every lane.
bool shift(FunctionContext& fc, LaneShape shape, Shift kind) {
  IRBuilder<>& b = fc.b;
  Value* count = b.CreateAnd(fc.pop(), fc.constI32(laneBits(shape) - 1));
  Value* vector = popAs(fc, shape);
  Value* counts = b.CreateVectorSplat(laneCount(shape), b.CreateZExtOrTrunc(count, laneType(fc, shape)));
  switch (kind) {
  case Shift::Shl: pushV128(fc, b.CreateShl(vector, counts)); break;
  case Shift::ShrS: pushV128(fc, b.CreateAShr(vector, counts)); break;
  case Shift::ShrU: pushV128(fc, b.CreateLShr(vector, counts)); break;
  }
  return true;
}

/// avgr_u: (a + b + 1) / 2 rounded up, computed without overflow in lanes
/// twice as wide (the pattern x86 matches to pavgb/pavgw).
bool averageRounded(FunctionContext& fc, LaneShape shape) {
  IRBuilder<>& b = fc.b;
  return binary(fc, shape, [&](Value* lhs, Value* rhs) {
    Type* wide = FixedVectorType::get(b.getIntNTy(2 * laneBits(shape)), laneCount(shape));
    Value* sum = b.CreateAdd(b.CreateZExt(lhs, wide), b.CreateZExt(rhs, wide));
    Value* half = b.CreateLShr(b.CreateAdd(sum, ConstantInt::get(wide, 1)), ConstantInt::get(wide, 1));
    return b.CreateTrunc(half, lhs->getType());
  });
}

/// q15mulr_sat_s: (a * b + 0x4000) >> 15 on the exact 32-bit product,
/// saturated to i16. Only -0x8000 * -0x8000 leaves the i16 range (giving
/// 0x8000), so clamping from above is enough.
bool q15MulRoundSat(FunctionContext& fc) {
  IRBuilder<>& b = fc.b;
  return binary(fc, LaneShape::I16x8, [&](Value* lhs, Value* rhs) {
    Type* wide = FixedVectorType::get(fc.i32(), 8);
    Value* product = b.CreateMul(b.CreateSExt(lhs, wide), b.CreateSExt(rhs, wide));
    Value* rounded = b.CreateAShr(b.CreateAdd(product, ConstantInt::get(wide, 0x4000)), ConstantInt::get(wide, 15));
    Value* clamped = fc.callIntrinsic(Intrinsic::smin, {wide}, {rounded, ConstantInt::get(wide, 0x7fff)});
    return b.CreateTrunc(clamped, lhs->getType());
  });
}

/// extmul_low/high: the products of the low or high halves' lanes, exact in
/// the wider lanes.
bool extendedMultiply(FunctionContext& fc, LaneShape wide, bool high, bool isSigned) {
  Value* rhs = popAs(fc, narrowerShape(wide));
  Value* lhs = popAs(fc, narrowerShape(wide));
  Value* product = fc.b.CreateMul(extendHalf(fc, lhs, high, isSigned), extendHalf(fc, rhs, high, isSigned));
  pushV128(fc, product);
  return true;
}

/// Extends every lane of `narrow` and adds adjacent pairs: lane i of the
/// result is ext(narrow[2i]) + ext(narrow[2i+1]).
Value* addPairs(FunctionContext& fc, Value* narrow, bool isSigned, Type* wide) {
  Value* even = strideLanes(fc, narrow, 0);
  Value* odd = strideLanes(fc, narrow, 1);
  auto extend = [&](Value* v) { return isSigned ? fc.b.CreateSExt(v, wide) : fc.b.CreateZExt(v, wide); };
  return fc.b.CreateAdd(extend(even), extend(odd));
}

bool extendedAddPairwise(FunctionContext& fc, LaneShape wide, bool isSigned) {
  Value* narrow = popAs(fc, narrowerShape(wide));
  pushV128(fc, addPairs(fc, narrow, isSigned, vectorType(fc, wide)));
  return true;
}

/// i32x4.dot_i16x8_s: the signed 32-bit products of each lane pair, summed
/// pairwise. The sum wraps (only -0x8000 * -0x8000 twice overflows), as
/// wasm's does; the pattern is x86's pmaddwd.
bool dot(FunctionContext& fc) {
  IRBuilder<>& b = fc.b;
  Value* rhs = popAs(fc, LaneShape::I16x8);
  Value* lhs = popAs(fc, LaneShape::I16x8);
  Type* wide8 = FixedVectorType::get(fc.i32(), 8);
  Value* products = b.CreateMul(b.CreateSExt(lhs, wide8), b.CreateSExt(rhs, wide8));
  pushV128(fc, b.CreateAdd(strideLanes(fc, products, 0), strideLanes(fc, products, 1)));
  return true;
}

} // namespace

bool lowerSimdInteger(FunctionContext& fc, const wasm::Instr& instr) {
  IRBuilder<>& b = fc.b;
  const Opcode op = instr.op;
  switch (op) {
  // Comparisons; i64x2 has only the signed ones.
  case Opcode::I8x16Eq: case Opcode::I16x8Eq: case Opcode::I32x4Eq: case Opcode::I64x2Eq:
    return compare(fc, shapeOf(op), CmpInst::ICMP_EQ);
  case Opcode::I8x16Ne: case Opcode::I16x8Ne: case Opcode::I32x4Ne: case Opcode::I64x2Ne:
    return compare(fc, shapeOf(op), CmpInst::ICMP_NE);
  case Opcode::I8x16LtS: case Opcode::I16x8LtS: case Opcode::I32x4LtS: case Opcode::I64x2LtS:
    return compare(fc, shapeOf(op), CmpInst::ICMP_SLT);
  case Opcode::I8x16LtU: case Opcode::I16x8LtU: case Opcode::I32x4LtU:
    return compare(fc, shapeOf(op), CmpInst::ICMP_ULT);
  case Opcode::I8x16GtS: case Opcode::I16x8GtS: case Opcode::I32x4GtS: case Opcode::I64x2GtS:
    return compare(fc, shapeOf(op), CmpInst::ICMP_SGT);
  case Opcode::I8x16GtU: case Opcode::I16x8GtU: case Opcode::I32x4GtU:
    return compare(fc, shapeOf(op), CmpInst::ICMP_UGT);
  case Opcode::I8x16LeS: case Opcode::I16x8LeS: case Opcode::I32x4LeS: case Opcode::I64x2LeS:
    return compare(fc, shapeOf(op), CmpInst::ICMP_SLE);
  case Opcode::I8x16LeU: case Opcode::I16x8LeU: case Opcode::I32x4LeU:
    return compare(fc, shapeOf(op), CmpInst::ICMP_ULE);
  case Opcode::I8x16GeS: case Opcode::I16x8GeS: case Opcode::I32x4GeS: case Opcode::I64x2GeS:
    return compare(fc, shapeOf(op), CmpInst::ICMP_SGE);
  case Opcode::I8x16GeU: case Opcode::I16x8GeU: case Opcode::I32x4GeU:
    return compare(fc, shapeOf(op), CmpInst::ICMP_UGE);

  // Lane-wise unary operations. abs of the minimum value is itself (wraps),
  // so llvm.abs must not treat it as poison.
  case Opcode::I8x16Abs: case Opcode::I16x8Abs: case Opcode::I32x4Abs: case Opcode::I64x2Abs:
    return unary(fc, shapeOf(op), [&](Value* x) {
      return fc.callIntrinsic(Intrinsic::abs, {x->getType()}, {x, b.getFalse()});
    });
  case Opcode::I8x16Neg: case Opcode::I16x8Neg: case Opcode::I32x4Neg: case Opcode::I64x2Neg:
    return unary(fc, shapeOf(op), [&](Value* x) { return b.CreateNeg(x); });
  case Opcode::I8x16Popcnt:
    return unary(fc, LaneShape::I8x16, [&](Value* x) {
      return fc.callIntrinsic(Intrinsic::ctpop, {x->getType()}, {x});
    });

  case Opcode::I8x16AllTrue: case Opcode::I16x8AllTrue: case Opcode::I32x4AllTrue: case Opcode::I64x2AllTrue:
    return allTrue(fc, shapeOf(op));
  case Opcode::I8x16Bitmask: case Opcode::I16x8Bitmask: case Opcode::I32x4Bitmask: case Opcode::I64x2Bitmask:
    return bitmask(fc, shapeOf(op));

  case Opcode::I8x16Shl: case Opcode::I16x8Shl: case Opcode::I32x4Shl: case Opcode::I64x2Shl:
    return shift(fc, shapeOf(op), Shift::Shl);
  case Opcode::I8x16ShrS: case Opcode::I16x8ShrS: case Opcode::I32x4ShrS: case Opcode::I64x2ShrS:
    return shift(fc, shapeOf(op), Shift::ShrS);
  case Opcode::I8x16ShrU: case Opcode::I16x8ShrU: case Opcode::I32x4ShrU: case Opcode::I64x2ShrU:
    return shift(fc, shapeOf(op), Shift::ShrU);

  // Wrapping arithmetic.
  case Opcode::I8x16Add: case Opcode::I16x8Add: case Opcode::I32x4Add: case Opcode::I64x2Add:
    return binary(fc, shapeOf(op), [&](Value* l, Value* r) { return b.CreateAdd(l, r); });
  case Opcode::I8x16Sub: case Opcode::I16x8Sub: case Opcode::I32x4Sub: case Opcode::I64x2Sub:
    return binary(fc, shapeOf(op), [&](Value* l, Value* r) { return b.CreateSub(l, r); });
  case Opcode::I16x8Mul: case Opcode::I32x4Mul:
    return binary(fc, shapeOf(op), [&](Value* l, Value* r) { return b.CreateMul(l, r); });
  case Opcode::I64x2Mul:
    // Two scalar multiplies: x86 has no fast 64-bit lane multiply (AVX-512's
    // vpmullq takes 15 cycles, without it LLVM builds one from three
    // pmuludq), and the hash loops clang vectorises this way are latency
    // bound. ScalarizeI64VectorWebs.cpp later computes the arithmetic around
    // these multiplies in scalars too, so the lanes stop crossing between
    // vector and general registers; it recognises this shape.
    return binary(fc, shapeOf(op), [&](Value* l, Value* r) {
      Value* result = PoisonValue::get(l->getType());
      for (unsigned lane = 0; lane < 2; ++lane)
        result = b.CreateInsertElement(
            result, b.CreateMul(b.CreateExtractElement(l, lane), b.CreateExtractElement(r, lane)), lane);
      return result;
    });

  // Saturating arithmetic, min/max and averages.
  case Opcode::I8x16AddSatS: case Opcode::I16x8AddSatS: return binaryIntrinsic(fc, shapeOf(op), Intrinsic::sadd_sat);
  case Opcode::I8x16AddSatU: case Opcode::I16x8AddSatU: return binaryIntrinsic(fc, shapeOf(op), Intrinsic::uadd_sat);
  case Opcode::I8x16SubSatS: case Opcode::I16x8SubSatS: return binaryIntrinsic(fc, shapeOf(op), Intrinsic::ssub_sat);
  case Opcode::I8x16SubSatU: case Opcode::I16x8SubSatU: return binaryIntrinsic(fc, shapeOf(op), Intrinsic::usub_sat);
  case Opcode::I8x16MinS: case Opcode::I16x8MinS: case Opcode::I32x4MinS:
    return binaryIntrinsic(fc, shapeOf(op), Intrinsic::smin);
  case Opcode::I8x16MinU: case Opcode::I16x8MinU: case Opcode::I32x4MinU:
    return binaryIntrinsic(fc, shapeOf(op), Intrinsic::umin);
  case Opcode::I8x16MaxS: case Opcode::I16x8MaxS: case Opcode::I32x4MaxS:
    return binaryIntrinsic(fc, shapeOf(op), Intrinsic::smax);
  case Opcode::I8x16MaxU: case Opcode::I16x8MaxU: case Opcode::I32x4MaxU:
    return binaryIntrinsic(fc, shapeOf(op), Intrinsic::umax);
  case Opcode::I8x16AvgrU: case Opcode::I16x8AvgrU: return averageRounded(fc, shapeOf(op));
  case Opcode::I16x8Q15mulrSatS: return q15MulRoundSat(fc);

  // Widening products and sums.
  case Opcode::I16x8ExtmulLowI8x16S: case Opcode::I32x4ExtmulLowI16x8S: case Opcode::I64x2ExtmulLowI32x4S:
    return extendedMultiply(fc, shapeOf(op), false, true);
  case Opcode::I16x8ExtmulHighI8x16S: case Opcode::I32x4ExtmulHighI16x8S: case Opcode::I64x2ExtmulHighI32x4S:
    return extendedMultiply(fc, shapeOf(op), true, true);
  case Opcode::I16x8ExtmulLowI8x16U: case Opcode::I32x4ExtmulLowI16x8U: case Opcode::I64x2ExtmulLowI32x4U:
    return extendedMultiply(fc, shapeOf(op), false, false);
  case Opcode::I16x8ExtmulHighI8x16U: case Opcode::I32x4ExtmulHighI16x8U: case Opcode::I64x2ExtmulHighI32x4U:
    return extendedMultiply(fc, shapeOf(op), true, false);
  case Opcode::I16x8ExtaddPairwiseI8x16S: case Opcode::I32x4ExtaddPairwiseI16x8S:
    return extendedAddPairwise(fc, shapeOf(op), true);
  case Opcode::I16x8ExtaddPairwiseI8x16U: case Opcode::I32x4ExtaddPairwiseI16x8U:
    return extendedAddPairwise(fc, shapeOf(op), false);
  case Opcode::I32x4DotI16x8S: return dot(fc);

  default: return false;
  }
}

} // namespace wasmc::codegen
