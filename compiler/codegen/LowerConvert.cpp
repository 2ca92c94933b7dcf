// Lowering of the numeric conversions: integer wrap/extend, float<->int
// (trapping and saturating), demote/promote, reinterpret, and the
// sign-extension operators.

#include "compiler/codegen/FunctionContext.h"

#include <llvm/IR/Intrinsics.h>

#include <bit>
#include <cstdint>

namespace wasmc::codegen {
namespace {

using wasm::Opcode;
using llvm::Value;

/// The open interval (lower, upper) of source values whose truncation toward
/// zero fits the target integer. Both bounds are exactly representable in
/// the source type, so comparing against them is exact; a value on either
/// bound truncates out of range. For a signed target the lower bound is the
/// first source value below INT_MIN - 1 (or INT_MIN - 1 itself when that is
/// representable); for an unsigned target it is -1, since anything in (-1, 0)
/// truncates to 0.
struct TruncRange {
  double lower;
  double upper;
};

// Signed i32 from f32: the f32 just below -2^31 is -(2^31 + 2^8) (the spacing
// above 2^31 is 2^8), so x > -0x1.000002p31 means x >= -2^31.
constexpr TruncRange kI32FromF32S{-0x1.000002p31, 0x1p31};
constexpr TruncRange kI32FromF32U{-1.0, 0x1p32};
// Signed i32 from f64: -2^31 - 1 is exact in f64, so the bound is it.
constexpr TruncRange kI32FromF64S{-0x1.00000002p31, 0x1p31};
constexpr TruncRange kI32FromF64U{-1.0, 0x1p32};
// Signed i64 from f32: the f32 just below -2^63 is -(2^63 + 2^40).
constexpr TruncRange kI64FromF32S{-0x1.000002p63, 0x1p63};
constexpr TruncRange kI64FromF32U{-1.0, 0x1p64};
// Signed i64 from f64: the f64 just below -2^63 is -(2^63 + 2^11).
constexpr TruncRange kI64FromF64S{-0x1.0000000000001p63, 0x1p63};
constexpr TruncRange kI64FromF64U{-1.0, 0x1p64};

// Every bound must survive narrowing to f32 unchanged when the source is
// f32; a rounded bound would silently widen or narrow the valid range.
static_assert(double(float(kI32FromF32S.lower)) == kI32FromF32S.lower);
static_assert(double(float(kI32FromF32S.upper)) == kI32FromF32S.upper);
static_assert(double(float(kI32FromF32U.upper)) == kI32FromF32U.upper);
static_assert(double(float(kI64FromF32S.lower)) == kI64FromF32S.lower);
static_assert(double(float(kI64FromF32S.upper)) == kI64FromF32S.upper);
static_assert(double(float(kI64FromF32U.upper)) == kI64FromF32U.upper);
static_assert(kI32FromF64S.lower == -2147483649.0);
static_assert(float(kI32FromF32S.lower) == -2147483904.0f);
static_assert(kI64FromF64S.lower == -9223372036854777856.0);

/// A float constant of `type` (f32 or f64) equal to `value`, which must be
/// exactly representable in it (the static_asserts above check ours).
llvm::Constant* floatBound(FunctionContext& fc, llvm::Type* type, double value) {
  if (type->isFloatTy())
    return fc.constF32Bits(std::bit_cast<uint32_t>(static_cast<float>(value)));
  return fc.constF64Bits(std::bit_cast<uint64_t>(value));
}

/// The trapping float->int truncations: NaN traps as an invalid conversion,
/// anything else whose truncation does not fit as an overflow. fptosi/fptoui
/// are poison outside the range, so the checks must dominate them.
bool truncTrapping(FunctionContext& fc, llvm::Type* target, bool isSigned, TruncRange range) {
  Value* x = fc.pop();
  llvm::IRBuilder<>& b = fc.b;
  fc.trapIf(b.CreateFCmpUNO(x, x), abi::TrapCode::InvalidConversion);
  // x is ordered here, so "not (lower < x < upper)" is x <= lower or x >= upper.
  Value* tooLow = b.CreateFCmpOLE(x, floatBound(fc, x->getType(), range.lower));
  Value* tooHigh = b.CreateFCmpOGE(x, floatBound(fc, x->getType(), range.upper));
  fc.trapIf(b.CreateOr(tooLow, tooHigh), abi::TrapCode::IntegerOverflow);
  fc.push(isSigned ? b.CreateFPToSI(x, target) : b.CreateFPToUI(x, target));
  return true;
}

/// trunc_sat: the fptosi.sat/fptoui.sat intrinsics have exactly wasm's
/// semantics (NaN -> 0, out-of-range clamps to the nearest bound).
bool truncSaturating(FunctionContext& fc, llvm::Type* target, bool isSigned) {
  Value* x = fc.pop();
  auto id = isSigned ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat;
  fc.push(fc.callIntrinsic(id, {target, x->getType()}, {x}));
  return true;
}

bool convertFromInt(FunctionContext& fc, llvm::Type* target, bool isSigned) {
  Value* x = fc.pop();
  fc.push(isSigned ? fc.b.CreateSIToFP(x, target) : fc.b.CreateUIToFP(x, target));
  return true;
}

/// Casts that cannot fail and need no care: wrap, extend, reinterpret.
bool cast(FunctionContext& fc, llvm::Instruction::CastOps op, llvm::Type* target) {
  fc.push(fc.b.CreateCast(op, fc.pop(), target));
  return true;
}

/// demote/promote. InstCombine folds a plain fptrunc(fpext x) back to x,
/// which returns a signalling NaN unquieted where wasm requires an arithmetic
/// NaN (float_exprs.wast checks it); the constrained casts are left alone.
/// "fpexcept.maytrap" still permits constant folding and dead-code removal.
bool strictCast(FunctionContext& fc, llvm::Intrinsic::ID id, llvm::Type* target) {
  fc.push(fc.b.CreateConstrainedFPCast(id, fc.pop(), target, nullptr, "", nullptr,
                                       llvm::RoundingMode::NearestTiesToEven, llvm::fp::ebMayTrap));
  return true;
}

/// extendN_s: keep the low `bits` bits and sign-extend them back to the
/// operand's own width.
bool signExtendLow(FunctionContext& fc, unsigned bits) {
  Value* x = fc.pop();
  Value* low = fc.b.CreateTrunc(x, fc.b.getIntNTy(bits));
  fc.push(fc.b.CreateSExt(low, x->getType()));
  return true;
}

} // namespace

bool lowerConvert(FunctionContext& fc, const wasm::Instr& instr) {
  using llvm::Instruction;
  llvm::Type* i32 = fc.i32();
  llvm::Type* i64 = fc.i64();
  llvm::Type* f32 = fc.f32();
  llvm::Type* f64 = fc.f64();

  switch (instr.op) {
  case Opcode::I32WrapI64: return cast(fc, Instruction::Trunc, i32);
  case Opcode::I64ExtendI32S: return cast(fc, Instruction::SExt, i64);
  case Opcode::I64ExtendI32U: return cast(fc, Instruction::ZExt, i64);

  case Opcode::I32TruncF32S: return truncTrapping(fc, i32, true, kI32FromF32S);
  case Opcode::I32TruncF32U: return truncTrapping(fc, i32, false, kI32FromF32U);
  case Opcode::I32TruncF64S: return truncTrapping(fc, i32, true, kI32FromF64S);
  case Opcode::I32TruncF64U: return truncTrapping(fc, i32, false, kI32FromF64U);
  case Opcode::I64TruncF32S: return truncTrapping(fc, i64, true, kI64FromF32S);
  case Opcode::I64TruncF32U: return truncTrapping(fc, i64, false, kI64FromF32U);
  case Opcode::I64TruncF64S: return truncTrapping(fc, i64, true, kI64FromF64S);
  case Opcode::I64TruncF64U: return truncTrapping(fc, i64, false, kI64FromF64U);

  case Opcode::I32TruncSatF32S:
  case Opcode::I32TruncSatF64S: return truncSaturating(fc, i32, true);
  case Opcode::I32TruncSatF32U:
  case Opcode::I32TruncSatF64U: return truncSaturating(fc, i32, false);
  case Opcode::I64TruncSatF32S:
  case Opcode::I64TruncSatF64S: return truncSaturating(fc, i64, true);
  case Opcode::I64TruncSatF32U:
  case Opcode::I64TruncSatF64U: return truncSaturating(fc, i64, false);

  case Opcode::F32ConvertI32S:
  case Opcode::F32ConvertI64S: return convertFromInt(fc, f32, true);
  case Opcode::F32ConvertI32U:
  case Opcode::F32ConvertI64U: return convertFromInt(fc, f32, false);
  case Opcode::F64ConvertI32S:
  case Opcode::F64ConvertI64S: return convertFromInt(fc, f64, true);
  case Opcode::F64ConvertI32U:
  case Opcode::F64ConvertI64U: return convertFromInt(fc, f64, false);

  case Opcode::F32DemoteF64:
    return strictCast(fc, llvm::Intrinsic::experimental_constrained_fptrunc, f32);
  case Opcode::F64PromoteF32:
    return strictCast(fc, llvm::Intrinsic::experimental_constrained_fpext, f64);

  // Bitcasts keep every bit, including NaN payloads.
  case Opcode::I32ReinterpretF32: return cast(fc, Instruction::BitCast, i32);
  case Opcode::I64ReinterpretF64: return cast(fc, Instruction::BitCast, i64);
  case Opcode::F32ReinterpretI32: return cast(fc, Instruction::BitCast, f32);
  case Opcode::F64ReinterpretI64: return cast(fc, Instruction::BitCast, f64);

  case Opcode::I32Extend8S:
  case Opcode::I64Extend8S: return signExtendLow(fc, 8);
  case Opcode::I32Extend16S:
  case Opcode::I64Extend16S: return signExtendLow(fc, 16);
  case Opcode::I64Extend32S: return signExtendLow(fc, 32);

  default: return false;
  }
}

} // namespace wasmc::codegen
