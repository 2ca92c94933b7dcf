// Fixed-width SIMD (0xFD prefix): the dispatch to the SIMD families, the
// lane-shape helpers they share, and the shape-agnostic instructions —
// v128.const, shuffles, splats, lane access and the bitwise v128 operations.
//
// Every SIMD value on the operand stack is a <2 x i64>. An instruction
// bitcasts its operands to the lanes it works on and its result back; the
// bitcasts cost nothing and LLVM folds chains of them.

#include "compiler/codegen/LowerSimd.h"

#include <llvm/ADT/SmallVector.h>

#include <string_view>

namespace wasmc::codegen {

using namespace llvm;
using wasm::Opcode;

// --- lane shapes ------------------------------------------------------------

LaneShape shapeOf(Opcode op) {
  std::string_view name = wasm::opcodeName(op);
  if (name.starts_with("i8x16.")) return LaneShape::I8x16;
  if (name.starts_with("i16x8.")) return LaneShape::I16x8;
  if (name.starts_with("i32x4.")) return LaneShape::I32x4;
  if (name.starts_with("i64x2.")) return LaneShape::I64x2;
  if (name.starts_with("f32x4.")) return LaneShape::F32x4;
  if (name.starts_with("f64x2.")) return LaneShape::F64x2;
  WASMC_UNREACHABLE("SIMD instruction without a lane shape");
}

unsigned laneCount(LaneShape shape) { return 128 / laneBits(shape); }

unsigned laneBits(LaneShape shape) {
  switch (shape) {
  case LaneShape::I8x16: return 8;
  case LaneShape::I16x8: return 16;
  case LaneShape::I32x4:
  case LaneShape::F32x4: return 32;
  case LaneShape::I64x2:
  case LaneShape::F64x2: return 64;
  }
  WASMC_UNREACHABLE("bad lane shape");
}

bool isFloatShape(LaneShape shape) { return shape == LaneShape::F32x4 || shape == LaneShape::F64x2; }

LaneShape narrowerShape(LaneShape shape) {
  switch (shape) {
  case LaneShape::I16x8: return LaneShape::I8x16;
  case LaneShape::I32x4: return LaneShape::I16x8;
  case LaneShape::I64x2: return LaneShape::I32x4;
  default: WASMC_UNREACHABLE("no narrower integer shape");
  }
}

LaneShape integerShape(LaneShape shape) {
  switch (shape) {
  case LaneShape::F32x4: return LaneShape::I32x4;
  case LaneShape::F64x2: return LaneShape::I64x2;
  default: return shape;
  }
}

Type* laneType(FunctionContext& fc, LaneShape shape) {
  switch (shape) {
  case LaneShape::F32x4: return fc.f32();
  case LaneShape::F64x2: return fc.f64();
  default: return fc.b.getIntNTy(laneBits(shape));
  }
}

FixedVectorType* vectorType(FunctionContext& fc, LaneShape shape) {
  return FixedVectorType::get(laneType(fc, shape), laneCount(shape));
}

Value* asShape(FunctionContext& fc, Value* v128, LaneShape shape) {
  return fc.b.CreateBitCast(v128, vectorType(fc, shape));
}

Value* popAs(FunctionContext& fc, LaneShape shape) { return asShape(fc, fc.pop(), shape); }

void pushV128(FunctionContext& fc, Value* vector) { fc.push(fc.b.CreateBitCast(vector, fc.v128())); }

Value* sliceLanes(FunctionContext& fc, Value* vector, unsigned first, unsigned count) {
  SmallVector<int, 16> mask;
  for (unsigned i = 0; i < count; ++i)
    mask.push_back(static_cast<int>(first + i));
  return fc.b.CreateShuffleVector(vector, mask);
}

Value* strideLanes(FunctionContext& fc, Value* vector, unsigned first) {
  unsigned count = cast<FixedVectorType>(vector->getType())->getNumElements() / 2;
  SmallVector<int, 16> mask;
  for (unsigned i = 0; i < count; ++i)
    mask.push_back(static_cast<int>(first + 2 * i));
  return fc.b.CreateShuffleVector(vector, mask);
}

Value* concatLanes(FunctionContext& fc, Value* low, Value* high) {
  unsigned count = cast<FixedVectorType>(low->getType())->getNumElements();
  SmallVector<int, 16> mask;
  for (unsigned i = 0; i < 2 * count; ++i)
    mask.push_back(static_cast<int>(i));
  return fc.b.CreateShuffleVector(low, high, mask);
}

Value* extendHalf(FunctionContext& fc, Value* narrow, bool high, bool isSigned) {
  auto* type = cast<FixedVectorType>(narrow->getType());
  unsigned count = type->getNumElements() / 2;
  Value* half = sliceLanes(fc, narrow, high ? count : 0, count);
  Type* wide = FixedVectorType::get(fc.b.getIntNTy(2 * type->getScalarSizeInBits()), count);
  return isSigned ? fc.b.CreateSExt(half, wide) : fc.b.CreateZExt(half, wide);
}

namespace {

// --- constants, shuffles, splats --------------------------------------------

/// The 16 immediate bytes, little-endian, as the two i64 lanes of a v128.
/// Built from bits so NaN payloads in float lanes survive exactly.
void lowerConst(FunctionContext& fc, const uint8_t bytes[16]) {
  uint64_t halves[2] = {0, 0};
  for (unsigned i = 0; i < 16; ++i)
    halves[i / 8] |= uint64_t(bytes[i]) << (8 * (i % 8));
  fc.push(ConstantDataVector::get(fc.ctx, ArrayRef<uint64_t>(halves)));
}

/// i8x16.shuffle: lane indices 0-15 pick from the first operand, 16-31 from
/// the second; the validator has checked they are below 32, which is
/// exactly shufflevector's two-operand mask.
void lowerShuffle(FunctionContext& fc, const uint8_t lanes[16]) {
  Value* rhs = popAs(fc, LaneShape::I8x16);
  Value* lhs = popAs(fc, LaneShape::I8x16);
  SmallVector<int, 16> mask(lanes, lanes + 16);
  pushV128(fc, fc.b.CreateShuffleVector(lhs, rhs, mask));
}

/// i8x16.swizzle: lane i is source[indices[i]], or 0 when indices[i] >= 16.
/// LLVM has no variable shuffle, and x86 pshufb zeroes a lane only when bit 7
/// of its index is set (16..127 wrap modulo 16), so the rule is spelled out:
/// gather with the index taken modulo 16 (an in-range extractelement), then
/// zero the lanes whose index was out of range. The x86 backend recognises a
/// build_vector of extracts indexed by another vector's lanes and emits one
/// pshufb for the gather.
void lowerSwizzle(FunctionContext& fc) {
  IRBuilder<>& b = fc.b;
  Value* indices = popAs(fc, LaneShape::I8x16);
  Value* source = popAs(fc, LaneShape::I8x16);
  Type* vector = vectorType(fc, LaneShape::I8x16);
  Value* inRangeIndices = b.CreateAnd(indices, ConstantInt::get(vector, 15));
  Value* gathered = PoisonValue::get(vector);
  for (unsigned i = 0; i < 16; ++i) {
    Value* index = b.CreateExtractElement(inRangeIndices, b.getInt32(i));
    gathered = b.CreateInsertElement(gathered, b.CreateExtractElement(source, index), b.getInt32(i));
  }
  Value* inRange = b.CreateICmpULT(indices, ConstantInt::get(vector, 16));
  pushV128(fc, b.CreateSelect(inRange, gathered, Constant::getNullValue(vector)));
}

/// The lane value of a splat or replace_lane from its wasm scalar: i8 and
/// i16 lanes take the low bits of an i32.
Value* scalarToLane(FunctionContext& fc, Value* scalar, LaneShape shape) {
  Type* lane = laneType(fc, shape);
  return scalar->getType() == lane ? scalar : fc.b.CreateTrunc(scalar, lane);
}

void lowerSplat(FunctionContext& fc, LaneShape shape) {
  Value* lane = scalarToLane(fc, fc.pop(), shape);
  pushV128(fc, fc.b.CreateVectorSplat(laneCount(shape), lane));
}

/// extract_lane: i8/i16 lanes extend to i32, signed or unsigned as named.
void lowerExtractLane(FunctionContext& fc, LaneShape shape, uint8_t lane, bool isSigned) {
  Value* value = fc.b.CreateExtractElement(popAs(fc, shape), fc.b.getInt32(lane));
  if (laneBits(shape) < 32 && !isFloatShape(shape))
    value = isSigned ? fc.b.CreateSExt(value, fc.i32()) : fc.b.CreateZExt(value, fc.i32());
  fc.push(value);
}

void lowerReplaceLane(FunctionContext& fc, LaneShape shape, uint8_t lane) {
  Value* scalar = scalarToLane(fc, fc.pop(), shape);
  Value* vector = popAs(fc, shape);
  pushV128(fc, fc.b.CreateInsertElement(vector, scalar, fc.b.getInt32(lane)));
}

// --- bitwise ------------------------------------------------------------------

template <class Op> bool bitwise(FunctionContext& fc, Op op) {
  Value* rhs = fc.pop();
  Value* lhs = fc.pop();
  fc.push(op(lhs, rhs));
  return true;
}

/// bitselect(v1, v2, c): bits of v1 where c is 1, of v2 where c is 0.
void lowerBitselect(FunctionContext& fc) {
  IRBuilder<>& b = fc.b;
  Value* mask = fc.pop();
  Value* otherwise = fc.pop();
  Value* chosen = fc.pop();
  fc.push(b.CreateOr(b.CreateAnd(chosen, mask), b.CreateAnd(otherwise, b.CreateNot(mask))));
}

/// any_true: some bit of the 128 is set.
void lowerAnyTrue(FunctionContext& fc) {
  IRBuilder<>& b = fc.b;
  Value* bits = b.CreateBitCast(fc.pop(), b.getInt128Ty());
  fc.push(b.CreateZExt(b.CreateICmpNE(bits, ConstantInt::get(bits->getType(), 0)), fc.i32()));
}

/// The instructions that do not depend on a lane shape's arithmetic.
bool lowerSimdGeneral(FunctionContext& fc, const wasm::Instr& instr) {
  IRBuilder<>& b = fc.b;
  switch (instr.op) {
  case Opcode::V128Const: lowerConst(fc, instr.v128); return true;
  case Opcode::I8x16Shuffle: lowerShuffle(fc, instr.v128); return true;
  case Opcode::I8x16Swizzle: lowerSwizzle(fc); return true;

  case Opcode::I8x16Splat:
  case Opcode::I16x8Splat:
  case Opcode::I32x4Splat:
  case Opcode::I64x2Splat:
  case Opcode::F32x4Splat:
  case Opcode::F64x2Splat: lowerSplat(fc, shapeOf(instr.op)); return true;

  case Opcode::I8x16ExtractLaneS:
  case Opcode::I16x8ExtractLaneS: lowerExtractLane(fc, shapeOf(instr.op), instr.lane, true); return true;
  case Opcode::I8x16ExtractLaneU:
  case Opcode::I16x8ExtractLaneU:
  case Opcode::I32x4ExtractLane:
  case Opcode::I64x2ExtractLane:
  case Opcode::F32x4ExtractLane:
  case Opcode::F64x2ExtractLane: lowerExtractLane(fc, shapeOf(instr.op), instr.lane, false); return true;

  case Opcode::I8x16ReplaceLane:
  case Opcode::I16x8ReplaceLane:
  case Opcode::I32x4ReplaceLane:
  case Opcode::I64x2ReplaceLane:
  case Opcode::F32x4ReplaceLane:
  case Opcode::F64x2ReplaceLane: lowerReplaceLane(fc, shapeOf(instr.op), instr.lane); return true;

  case Opcode::V128Not: fc.push(b.CreateNot(fc.pop())); return true;
  case Opcode::V128And: return bitwise(fc, [&](Value* l, Value* r) { return b.CreateAnd(l, r); });
  case Opcode::V128Andnot:
    return bitwise(fc, [&](Value* l, Value* r) { return b.CreateAnd(l, b.CreateNot(r)); });
  case Opcode::V128Or: return bitwise(fc, [&](Value* l, Value* r) { return b.CreateOr(l, r); });
  case Opcode::V128Xor: return bitwise(fc, [&](Value* l, Value* r) { return b.CreateXor(l, r); });
  case Opcode::V128Bitselect: lowerBitselect(fc); return true;
  case Opcode::V128AnyTrue: lowerAnyTrue(fc); return true;

  default: return false;
  }
}

} // namespace

bool lowerSimd(FunctionContext& fc, const wasm::Instr& instr) {
  if (wasm::opcodeInfo(instr.op).prefix != 0xFD)
    return false;
  if (lowerSimdGeneral(fc, instr) || lowerSimdMemory(fc, instr) || lowerSimdInteger(fc, instr) ||
      lowerSimdFloat(fc, instr) || lowerSimdConvert(fc, instr) || lowerSimdRelaxed(fc, instr))
    return true;
  // Every 0xFD opcode of Opcodes.def belongs to one of the families above.
  WASMC_UNREACHABLE("SIMD opcode without a lowering");
}

} // namespace wasmc::codegen
