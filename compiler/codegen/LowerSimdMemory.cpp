// SIMD loads and stores: v128.load/store, the extending, splatting and
// zero-filling loads, and the single-lane loads and stores.
//
// Like the scalar accesses in LowerMemory.cpp, every access is volatile and
// align 1: it may fault on a guard page (which is how it traps out of
// bounds), so LLVM must neither drop, merge, widen nor reorder it. Each
// access reads or writes exactly the bytes wasm names; a wider access could
// fault where wasm does not.
//
// Splats, extensions, lane inserts and arithmetic may take their load as a
// memory operand; none of them can make it conditional, because Target.cpp
// allows no AVX-512 (whose masked forms do not fault for masked-off
// elements; LowerMemory.cpp).

#include "compiler/codegen/BoundsCheck.h"
#include "compiler/codegen/LowerSimd.h"

namespace wasmc::codegen {

using namespace llvm;
using wasm::Opcode;

namespace {

/// Loads `type` from wasm address `address` plus the instruction's offset.
Value* loadFrom(FunctionContext& fc, const wasm::Instr& instr, Value* address, Type* type) {
  uint32_t size = wasm::opcodeInfo(instr.op).size;
  Value* host = memoryAccessAddress(fc, address, instr.mem.offset, size);
  LoadInst* load = fc.b.CreateAlignedLoad(type, host, Align(1), /*isVolatile=*/true);
  fc.markLinearMemory(load);
  return load;
}

/// Stores `value` at wasm address `address` plus the instruction's offset.
void storeTo(FunctionContext& fc, const wasm::Instr& instr, Value* address, Value* value) {
  uint32_t size = wasm::opcodeInfo(instr.op).size;
  Value* host = memoryAccessAddress(fc, address, instr.mem.offset, size);
  fc.markLinearMemory(fc.b.CreateAlignedStore(value, host, Align(1), /*isVolatile=*/true));
}

/// v128.loadMxN_s/u: N lanes of M bits, each extended to 2M bits.
void loadExtend(FunctionContext& fc, const wasm::Instr& instr, LaneShape wide, bool isSigned) {
  LaneShape narrow = narrowerShape(wide);
  Type* memoryType = FixedVectorType::get(laneType(fc, narrow), laneCount(wide));
  Value* loaded = loadFrom(fc, instr, fc.pop(), memoryType);
  Type* target = vectorType(fc, wide);
  pushV128(fc, isSigned ? fc.b.CreateSExt(loaded, target) : fc.b.CreateZExt(loaded, target));
}

void loadSplat(FunctionContext& fc, const wasm::Instr& instr, LaneShape shape) {
  Value* lane = loadFrom(fc, instr, fc.pop(), laneType(fc, shape));
  pushV128(fc, fc.b.CreateVectorSplat(laneCount(shape), lane));
}

/// v128.load32_zero / load64_zero: the scalar in lane 0, zeros above.
void loadZero(FunctionContext& fc, const wasm::Instr& instr, LaneShape shape) {
  Value* lane = loadFrom(fc, instr, fc.pop(), laneType(fc, shape));
  Value* zeros = Constant::getNullValue(vectorType(fc, shape));
  pushV128(fc, fc.b.CreateInsertElement(zeros, lane, fc.b.getInt32(0)));
}

/// v128.loadN_lane: [address, vector] -> the vector with one lane loaded.
void loadLane(FunctionContext& fc, const wasm::Instr& instr, LaneShape shape) {
  Value* vector = popAs(fc, shape);
  Value* lane = loadFrom(fc, instr, fc.pop(), laneType(fc, shape));
  pushV128(fc, fc.b.CreateInsertElement(vector, lane, fc.b.getInt32(instr.lane)));
}

/// v128.storeN_lane: [address, vector] -> stores one lane.
void storeLane(FunctionContext& fc, const wasm::Instr& instr, LaneShape shape) {
  Value* vector = popAs(fc, shape);
  Value* lane = fc.b.CreateExtractElement(vector, fc.b.getInt32(instr.lane));
  storeTo(fc, instr, fc.pop(), lane);
}

} // namespace

bool lowerSimdMemory(FunctionContext& fc, const wasm::Instr& instr) {
  switch (instr.op) {
  case Opcode::V128Load: fc.push(loadFrom(fc, instr, fc.pop(), fc.v128())); return true;
  case Opcode::V128Store: {
    Value* value = fc.pop();
    storeTo(fc, instr, fc.pop(), value);
    return true;
  }

  case Opcode::V128Load8x8S: loadExtend(fc, instr, LaneShape::I16x8, true); return true;
  case Opcode::V128Load8x8U: loadExtend(fc, instr, LaneShape::I16x8, false); return true;
  case Opcode::V128Load16x4S: loadExtend(fc, instr, LaneShape::I32x4, true); return true;
  case Opcode::V128Load16x4U: loadExtend(fc, instr, LaneShape::I32x4, false); return true;
  case Opcode::V128Load32x2S: loadExtend(fc, instr, LaneShape::I64x2, true); return true;
  case Opcode::V128Load32x2U: loadExtend(fc, instr, LaneShape::I64x2, false); return true;

  case Opcode::V128Load8Splat: loadSplat(fc, instr, LaneShape::I8x16); return true;
  case Opcode::V128Load16Splat: loadSplat(fc, instr, LaneShape::I16x8); return true;
  case Opcode::V128Load32Splat: loadSplat(fc, instr, LaneShape::I32x4); return true;
  case Opcode::V128Load64Splat: loadSplat(fc, instr, LaneShape::I64x2); return true;

  case Opcode::V128Load32Zero: loadZero(fc, instr, LaneShape::I32x4); return true;
  case Opcode::V128Load64Zero: loadZero(fc, instr, LaneShape::I64x2); return true;

  case Opcode::V128Load8Lane: loadLane(fc, instr, LaneShape::I8x16); return true;
  case Opcode::V128Load16Lane: loadLane(fc, instr, LaneShape::I16x8); return true;
  case Opcode::V128Load32Lane: loadLane(fc, instr, LaneShape::I32x4); return true;
  case Opcode::V128Load64Lane: loadLane(fc, instr, LaneShape::I64x2); return true;

  case Opcode::V128Store8Lane: storeLane(fc, instr, LaneShape::I8x16); return true;
  case Opcode::V128Store16Lane: storeLane(fc, instr, LaneShape::I16x8); return true;
  case Opcode::V128Store32Lane: storeLane(fc, instr, LaneShape::I32x4); return true;
  case Opcode::V128Store64Lane: storeLane(fc, instr, LaneShape::I64x2); return true;

  default: return false;
  }
}

} // namespace wasmc::codegen
