#pragma once
// Private to the SIMD lowering files (LowerSimd*.cpp): lane shapes and the
// moves between wasm's canonical v128 (<2 x i64>, the only vector type on the
// operand stack, in locals, globals, params and results) and the lane vector
// an instruction actually works on.

#include "compiler/codegen/FunctionContext.h"

#include <cstdint>

namespace wasmc::codegen {

/// How an instruction splits its v128 operands into lanes.
enum class LaneShape : uint8_t { I8x16, I16x8, I32x4, I64x2, F32x4, F64x2 };

/// The shape named by an instruction's text prefix ("i16x8.add" -> I16x8).
/// `op` must be a SIMD instruction whose name starts with a lane shape.
LaneShape shapeOf(wasm::Opcode op);

unsigned laneCount(LaneShape shape);
unsigned laneBits(LaneShape shape);
bool isFloatShape(LaneShape shape);
/// The integer shape with lanes of half the width (I32x4 -> I16x8).
LaneShape narrowerShape(LaneShape shape);
/// The integer shape of the same lane width (F32x4 -> I32x4).
LaneShape integerShape(LaneShape shape);

llvm::Type* laneType(FunctionContext& fc, LaneShape shape);
llvm::FixedVectorType* vectorType(FunctionContext& fc, LaneShape shape);

/// `v128` (or any 128-bit vector) reinterpreted as `shape` lanes.
llvm::Value* asShape(FunctionContext& fc, llvm::Value* v128, LaneShape shape);
/// Pops a v128 and views it as `shape` lanes.
llvm::Value* popAs(FunctionContext& fc, LaneShape shape);
/// Pushes a 128-bit vector of any lane shape as a canonical v128.
void pushV128(FunctionContext& fc, llvm::Value* vector);

/// `count` consecutive lanes of `vector` starting at `first`, as a shorter
/// vector (the low or high half for extends, extmul and promote).
llvm::Value* sliceLanes(FunctionContext& fc, llvm::Value* vector, unsigned first, unsigned count);
/// Every other lane starting at `first` (0: even lanes, 1: odd lanes).
llvm::Value* strideLanes(FunctionContext& fc, llvm::Value* vector, unsigned first);
/// `low` followed by `high`, two vectors of the same type (narrow, _zero).
llvm::Value* concatLanes(FunctionContext& fc, llvm::Value* low, llvm::Value* high);
/// The low or high half of the integer lanes of `narrow`, each extended
/// (signed or unsigned) to twice its width: extend_low/high and extmul.
llvm::Value* extendHalf(FunctionContext& fc, llvm::Value* narrow, bool high, bool isSigned);

// The SIMD families; each returns false for an opcode not its own.
bool lowerSimdMemory(FunctionContext& fc, const wasm::Instr& instr);
bool lowerSimdInteger(FunctionContext& fc, const wasm::Instr& instr);
bool lowerSimdFloat(FunctionContext& fc, const wasm::Instr& instr);
bool lowerSimdConvert(FunctionContext& fc, const wasm::Instr& instr);
bool lowerSimdRelaxed(FunctionContext& fc, const wasm::Instr& instr);

/// Pops one (or two) operands as `shape`, applies `op`, pushes the v128.
template <class Op> bool unary(FunctionContext& fc, LaneShape shape, Op op) {
  llvm::Value* operand = popAs(fc, shape);
  pushV128(fc, op(operand));
  return true;
}

template <class Op> bool binary(FunctionContext& fc, LaneShape shape, Op op) {
  llvm::Value* rhs = popAs(fc, shape);
  llvm::Value* lhs = popAs(fc, shape);
  pushV128(fc, op(lhs, rhs));
  return true;
}

} // namespace wasmc::codegen
