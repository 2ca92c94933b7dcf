// Relaxed SIMD (3.0). Each instruction may give any of a few results, so
// that a CPU can use its own instruction; wasmc gives one, the same on
// every CPU, tier and optimisation level and from every artifact, so a
// program's output never depends on where it ran or how it was compiled:
// - relaxed_swizzle, relaxed_trunc_*, relaxed_laneselect, relaxed_min/max
//   and relaxed_q15mulr_s compute exactly their strict counterparts
//   (swizzle, trunc_sat_*, bitselect, min/max, q15mulr_sat_s);
// - relaxed_madd and relaxed_nmadd are unfused: a*b rounded, then ±that + c
//   rounded, as a CPU without FMA computes them (plain fmul and fadd, which
//   LLVM does not contract without fast-math flags);
// - the relaxed dot products treat both operands as signed and add without
//   saturating (wrapping in i16 for the i16x8 one).

#include "compiler/codegen/LowerSimd.h"

#include <optional>

namespace wasmc::codegen {

using llvm::FixedVectorType;
using llvm::Value;
using wasm::Opcode;

namespace {

/// The strict instruction a relaxed one computes exactly, if any.
std::optional<Opcode> strictCounterpart(Opcode op) {
  switch (op) {
  case Opcode::I8x16RelaxedSwizzle: return Opcode::I8x16Swizzle;
  case Opcode::I32x4RelaxedTruncF32x4S: return Opcode::I32x4TruncSatF32x4S;
  case Opcode::I32x4RelaxedTruncF32x4U: return Opcode::I32x4TruncSatF32x4U;
  case Opcode::I32x4RelaxedTruncF64x2SZero: return Opcode::I32x4TruncSatF64x2SZero;
  case Opcode::I32x4RelaxedTruncF64x2UZero: return Opcode::I32x4TruncSatF64x2UZero;
  case Opcode::I8x16RelaxedLaneselect:
  case Opcode::I16x8RelaxedLaneselect:
  case Opcode::I32x4RelaxedLaneselect:
  case Opcode::I64x2RelaxedLaneselect: return Opcode::V128Bitselect;
  case Opcode::F32x4RelaxedMin: return Opcode::F32x4Min;
  case Opcode::F32x4RelaxedMax: return Opcode::F32x4Max;
  case Opcode::F64x2RelaxedMin: return Opcode::F64x2Min;
  case Opcode::F64x2RelaxedMax: return Opcode::F64x2Max;
  case Opcode::I16x8RelaxedQ15mulrS: return Opcode::I16x8Q15mulrSatS;
  default: return std::nullopt;
  }
}

/// ±(a * b) + c, each step rounded.
bool multiplyAdd(FunctionContext& fc, LaneShape shape, bool negate) {
  Value* addend = popAs(fc, shape);
  Value* rhs = popAs(fc, shape);
  Value* lhs = popAs(fc, shape);
  Value* product = fc.b.CreateFMul(lhs, rhs);
  if (negate)
    product = fc.b.CreateFNeg(product);
  pushV128(fc, fc.b.CreateFAdd(product, addend));
  return true;
}

/// The 16 signed i8 lanes of `lhs` times those of `rhs`, as `width`-bit lanes.
Value* signedProducts(FunctionContext& fc, Value* lhs, Value* rhs, unsigned width) {
  auto* wide = FixedVectorType::get(fc.b.getIntNTy(width), 16);
  return fc.b.CreateMul(fc.b.CreateSExt(lhs, wide), fc.b.CreateSExt(rhs, wide));
}

/// Adjacent lanes summed: lane i is lanes 2i and 2i+1 of `vector`.
Value* pairwiseSum(FunctionContext& fc, Value* vector) {
  return fc.b.CreateAdd(strideLanes(fc, vector, 0), strideLanes(fc, vector, 1));
}

} // namespace

bool lowerSimdRelaxed(FunctionContext& fc, const wasm::Instr& instr) {
  if (std::optional<Opcode> strict = strictCounterpart(instr.op)) {
    wasm::Instr same = instr;
    same.op = *strict;
    return lowerSimd(fc, same);
  }
  switch (instr.op) {
  case Opcode::F32x4RelaxedMadd: return multiplyAdd(fc, LaneShape::F32x4, false);
  case Opcode::F32x4RelaxedNmadd: return multiplyAdd(fc, LaneShape::F32x4, true);
  case Opcode::F64x2RelaxedMadd: return multiplyAdd(fc, LaneShape::F64x2, false);
  case Opcode::F64x2RelaxedNmadd: return multiplyAdd(fc, LaneShape::F64x2, true);
  case Opcode::I16x8RelaxedDotI8x16I7x16S: {
    Value* rhs = popAs(fc, LaneShape::I8x16);
    Value* lhs = popAs(fc, LaneShape::I8x16);
    pushV128(fc, pairwiseSum(fc, signedProducts(fc, lhs, rhs, 16)));
    return true;
  }
  case Opcode::I32x4RelaxedDotI8x16I7x16AddS: {
    Value* addend = popAs(fc, LaneShape::I32x4);
    Value* rhs = popAs(fc, LaneShape::I8x16);
    Value* lhs = popAs(fc, LaneShape::I8x16);
    Value* sums = pairwiseSum(fc, pairwiseSum(fc, signedProducts(fc, lhs, rhs, 32)));
    pushV128(fc, fc.b.CreateAdd(sums, addend));
    return true;
  }
  default: return false;
  }
}

} // namespace wasmc::codegen
