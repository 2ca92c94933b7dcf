// SIMD conversions between lane shapes: integer extend and saturating
// narrow, float<->int conversions (trunc_sat, convert, and their _zero and
// _low forms), and f32x4.demote / f64x2.promote.

#include "compiler/codegen/LowerSimd.h"

namespace wasmc::codegen {

using namespace llvm;
using wasm::Opcode;

namespace {

// The f32 trunc_sat bounds must be exact f32 values; a rounded bound would
// silently move the edge of the range.
static_assert(double(float(-0x1.000002p31)) == -0x1.000002p31);
static_assert(double(float(0x1p31)) == 0x1p31 && double(float(0x1p32)) == 0x1p32);

/// extend_low/high: half of the narrower lanes, each widened.
bool extend(FunctionContext& fc, LaneShape wide, bool high, bool isSigned) {
  Value* narrow = popAs(fc, narrowerShape(wide));
  pushV128(fc, extendHalf(fc, narrow, high, isSigned));
  return true;
}

/// narrow_s/u: the lanes of both operands (first, then second), each
/// saturated to the narrower lane. The input lanes are signed in both forms;
/// the unsigned form saturates to [0, 2^N - 1].
bool narrow(FunctionContext& fc, LaneShape wide, bool isSigned) {
  IRBuilder<>& b = fc.b;
  Value* rhs = popAs(fc, wide);
  Value* lhs = popAs(fc, wide);
  unsigned bits = laneBits(wide) / 2;
  APInt lowest = isSigned ? APInt::getSignedMinValue(bits).sext(2 * bits) : APInt::getZero(2 * bits);
  APInt highest = isSigned ? APInt::getSignedMaxValue(bits).sext(2 * bits) : APInt::getMaxValue(bits).zext(2 * bits);
  Type* vector = lhs->getType();
  Type* halfVector = FixedVectorType::get(b.getIntNTy(bits), laneCount(wide));
  auto saturate = [&](Value* x) {
    Value* below = fc.callIntrinsic(Intrinsic::smin, {vector}, {x, ConstantInt::get(vector, highest)});
    Value* clamped = fc.callIntrinsic(Intrinsic::smax, {vector}, {below, ConstantInt::get(vector, lowest)});
    return b.CreateTrunc(clamped, halfVector);
  };
  pushV128(fc, concatLanes(fc, saturate(lhs), saturate(rhs)));
  return true;
}

/// trunc_sat to i32 lanes: NaN gives 0 and out-of-range values clamp to the
/// nearest bound. llvm.fptosi.sat/fptoui.sat state exactly that, but x86
/// legalises them on vectors one lane at a time (about 20 scalar instructions
/// a lane), so the rule is written with lane-wise compares and selects
/// instead: lanes whose truncation fits are converted, every other lane
/// converts 0 (so fptosi/fptoui, poison out of range, never sees one) and is
/// then replaced by its bound. That is a few vector instructions on x86.
/// The f64x2 _zero forms fill lanes 2 and 3 with zeros.
bool truncSaturating(FunctionContext& fc, LaneShape source, bool isSigned) {
  IRBuilder<>& b = fc.b;
  Value* x = popAs(fc, source);
  Type* floatVector = x->getType();
  Type* target = FixedVectorType::get(fc.i32(), laneCount(source));
  // The open interval of values whose truncation fits in an i32 (as in
  // LowerConvert.cpp): -2^31 - 1 is exact in f64 but rounds to -2^31 in f32,
  // where the bound becomes the next f32 below -2^31. Both uppers are exact.
  bool isF32 = source == LaneShape::F32x4;
  double lower = isSigned ? (isF32 ? -0x1.000002p31 : -0x1.00000002p31) : -1.0;
  double upper = isSigned ? 0x1p31 : 0x1p32;
  Value* lowerBound = ConstantFP::get(floatVector, lower);
  Value* upperBound = ConstantFP::get(floatVector, upper);
  // Ordered compares: false for NaN, so NaN lanes convert 0 and stay 0.
  Value* fits = b.CreateAnd(b.CreateFCmpOGT(x, lowerBound), b.CreateFCmpOLT(x, upperBound));
  Value* safe = b.CreateSelect(fits, x, Constant::getNullValue(floatVector));
  Value* result = isSigned ? b.CreateFPToSI(safe, target) : b.CreateFPToUI(safe, target);
  // Unsigned lanes below the range already hold their bound, 0.
  if (isSigned)
    result = b.CreateSelect(b.CreateFCmpOLE(x, lowerBound),
                            ConstantInt::get(target, APInt::getSignedMinValue(32)), result);
  APInt maximum = isSigned ? APInt::getSignedMaxValue(32) : APInt::getMaxValue(32);
  result = b.CreateSelect(b.CreateFCmpOGE(x, upperBound), ConstantInt::get(target, maximum), result);
  if (source == LaneShape::F64x2)
    result = concatLanes(fc, result, Constant::getNullValue(target));
  pushV128(fc, result);
  return true;
}

/// convert_i32x4 and convert_low_i32x4: every lane, or the low two widened
/// to f64 (exact). i32 -> f32 rounds to nearest-even, as uitofp/sitofp do.
bool convertFromInt(FunctionContext& fc, LaneShape target, bool isSigned) {
  Value* x = popAs(fc, LaneShape::I32x4);
  if (target == LaneShape::F64x2)
    x = sliceLanes(fc, x, 0, 2);
  Type* type = vectorType(fc, target);
  pushV128(fc, isSigned ? fc.b.CreateSIToFP(x, type) : fc.b.CreateUIToFP(x, type));
  return true;
}

/// demote/promote go through the constrained casts, as the scalar ones do:
/// InstCombine folds a plain fptrunc(fpext x) to x, which would hand a
/// signalling NaN back unquieted.
Value* strictCast(FunctionContext& fc, Intrinsic::ID id, Value* x, Type* target) {
  return fc.b.CreateConstrainedFPCast(id, x, target, nullptr, "", nullptr, RoundingMode::NearestTiesToEven,
                                      fp::ebMayTrap);
}

/// f32x4.demote_f64x2_zero: both f64 lanes rounded to f32, then two zeros.
bool demote(FunctionContext& fc) {
  Value* x = popAs(fc, LaneShape::F64x2);
  Type* pair = FixedVectorType::get(fc.f32(), 2);
  Value* demoted = strictCast(fc, Intrinsic::experimental_constrained_fptrunc, x, pair);
  pushV128(fc, concatLanes(fc, demoted, Constant::getNullValue(pair)));
  return true;
}

/// f64x2.promote_low_f32x4: the low two f32 lanes, widened exactly.
bool promote(FunctionContext& fc) {
  Value* low = sliceLanes(fc, popAs(fc, LaneShape::F32x4), 0, 2);
  pushV128(fc, strictCast(fc, Intrinsic::experimental_constrained_fpext, low, vectorType(fc, LaneShape::F64x2)));
  return true;
}

} // namespace

bool lowerSimdConvert(FunctionContext& fc, const wasm::Instr& instr) {
  const Opcode op = instr.op;
  switch (op) {
  case Opcode::I16x8ExtendLowI8x16S: case Opcode::I32x4ExtendLowI16x8S: case Opcode::I64x2ExtendLowI32x4S:
    return extend(fc, shapeOf(op), false, true);
  case Opcode::I16x8ExtendHighI8x16S: case Opcode::I32x4ExtendHighI16x8S: case Opcode::I64x2ExtendHighI32x4S:
    return extend(fc, shapeOf(op), true, true);
  case Opcode::I16x8ExtendLowI8x16U: case Opcode::I32x4ExtendLowI16x8U: case Opcode::I64x2ExtendLowI32x4U:
    return extend(fc, shapeOf(op), false, false);
  case Opcode::I16x8ExtendHighI8x16U: case Opcode::I32x4ExtendHighI16x8U: case Opcode::I64x2ExtendHighI32x4U:
    return extend(fc, shapeOf(op), true, false);

  // The result shape is named first: i8x16.narrow_i16x8 takes i16x8 lanes.
  case Opcode::I8x16NarrowI16x8S: return narrow(fc, LaneShape::I16x8, true);
  case Opcode::I8x16NarrowI16x8U: return narrow(fc, LaneShape::I16x8, false);
  case Opcode::I16x8NarrowI32x4S: return narrow(fc, LaneShape::I32x4, true);
  case Opcode::I16x8NarrowI32x4U: return narrow(fc, LaneShape::I32x4, false);

  case Opcode::I32x4TruncSatF32x4S: return truncSaturating(fc, LaneShape::F32x4, true);
  case Opcode::I32x4TruncSatF32x4U: return truncSaturating(fc, LaneShape::F32x4, false);
  case Opcode::I32x4TruncSatF64x2SZero: return truncSaturating(fc, LaneShape::F64x2, true);
  case Opcode::I32x4TruncSatF64x2UZero: return truncSaturating(fc, LaneShape::F64x2, false);

  case Opcode::F32x4ConvertI32x4S: return convertFromInt(fc, LaneShape::F32x4, true);
  case Opcode::F32x4ConvertI32x4U: return convertFromInt(fc, LaneShape::F32x4, false);
  case Opcode::F64x2ConvertLowI32x4S: return convertFromInt(fc, LaneShape::F64x2, true);
  case Opcode::F64x2ConvertLowI32x4U: return convertFromInt(fc, LaneShape::F64x2, false);

  case Opcode::F32x4DemoteF64x2Zero: return demote(fc);
  case Opcode::F64x2PromoteLowF32x4: return promote(fc);

  default: return false;
  }
}

} // namespace wasmc::codegen
