// Float-to-integer truncation (trapping and saturating) and unsigned 64-bit
// integer to float conversion for the baseline compiler
// (X64FunctionCompiler.h). cvttss2si/cvttsd2si give the "integer
// indefinite" for NaN and out-of-range inputs, so the range is checked in
// the float domain first, against bounds that are exact in both f32 and
// f64, with the comparison that makes each bound inclusive or exclusive.

#include "compiler/baseline/X64FunctionCompiler.h"

#include <bit>

namespace wasmc::baseline::detail {

namespace {

/// The float range that truncates to a representable integer: valid iff
/// lower < x (or lower <= x when lowerInclusive) and x < upper.
struct TruncRange {
  double lower;
  bool lowerInclusive;
  double upper;
};

TruncRange truncRange(FloatSize size, Width width, bool isSigned) {
  const bool wide = width == Width::W64;
  if (!isSigned)
    return {-1.0, false, wide ? 18446744073709551616.0 : 4294967296.0};
  if (wide)
    return {-9223372036854775808.0, true, 9223372036854775808.0};
  // f64 has the values between -2^31 - 1 and -2^31 (they truncate to
  // -2^31); the f32 nearest below -2^31 is -2^31 - 256, which does not.
  if (size == FloatSize::F64)
    return {-2147483649.0, false, 2147483648.0};
  return {-2147483648.0, true, 2147483648.0};
}

} // namespace

void FunctionCompiler::loadFloatConstant(FloatSize size, Xmm dst, double value) {
  if (size == FloatSize::F64) {
    a_.movImm(Width::W64, kScratch, std::bit_cast<uint64_t>(value));
    a_.movBits(Width::W64, dst, kScratch);
  } else {
    a_.movImm(Width::W32, kScratch, std::bit_cast<uint32_t>(static_cast<float>(value)));
    a_.movBits(Width::W32, dst, kScratch);
  }
}

void FunctionCompiler::truncate(FloatSize size, Width width, bool isSigned, bool saturating) {
  const bool wide = size == FloatSize::F64;
  Xmm value = fprAt(0, wide);
  Xmm bound = allocFpr(RegSet::of({regNumber(value)}));
  Reg result = allocGpr();
  stack_.pop();
  const TruncRange range = truncRange(size, width, isSigned);
  Label nan, tooLow, tooHigh, done;
  a_.ucomis(size, value, value);
  a_.jcc(Cond::Parity, saturating ? nan : trapLabel(abi::TrapCode::InvalidConversion));
  // ucomis sets the flags of an unsigned compare of value with bound.
  loadFloatConstant(size, bound, range.upper);
  a_.ucomis(size, value, bound);
  a_.jcc(Cond::AboveOrEqual, saturating ? tooHigh : trapLabel(abi::TrapCode::IntegerOverflow));
  loadFloatConstant(size, bound, range.lower);
  a_.ucomis(size, value, bound);
  a_.jcc(range.lowerInclusive ? Cond::Below : Cond::BelowOrEqual,
         saturating ? tooLow : trapLabel(abi::TrapCode::IntegerOverflow));
  if (isSigned) {
    a_.cvtFloatToInt(size, width, result, value);
  } else if (width == Width::W32) {
    // [0, 2^32) is in range of the signed 64-bit conversion, whose result
    // then has a zero upper half.
    a_.cvtFloatToInt(size, Width::W64, result, value);
  } else {
    // [2^63, 2^64): convert x - 2^63, then set the top bit.
    Label small;
    loadFloatConstant(size, bound, 9223372036854775808.0);
    a_.ucomis(size, value, bound);
    a_.jcc(Cond::Below, small);
    a_.floatOp(FloatOp::Sub, size, value, bound);
    a_.cvtFloatToInt(size, Width::W64, result, value);
    a_.movImm(Width::W64, kScratch, 0x8000000000000000ull);
    a_.alu(Alu::Xor, Width::W64, result, kScratch);
    a_.jmp(done);
    a_.bind(small);
    a_.cvtFloatToInt(size, Width::W64, result, value);
  }
  if (saturating) {
    const uint64_t max = isSigned ? (width == Width::W64 ? 0x7FFFFFFFFFFFFFFFull : 0x7FFFFFFFu)
                                  : (width == Width::W64 ? ~0ull : 0xFFFFFFFFu);
    const uint64_t min = isSigned ? (width == Width::W64 ? 0x8000000000000000ull : 0x80000000u) : 0;
    a_.jmp(done);
    a_.bind(nan);
    a_.movImm(width, result, 0);
    a_.jmp(done);
    a_.bind(tooHigh);
    a_.movImm(width, result, max);
    a_.jmp(done);
    a_.bind(tooLow);
    a_.movImm(width, result, min);
  }
  a_.bind(done);
  pushGpr(result);
}

void FunctionCompiler::convertUnsigned64(FloatSize size) {
  Reg source = gprAt(0);
  Xmm result = allocFpr();
  stack_.pop();
  Label negative, done;
  a_.test(Width::W64, source, source);
  a_.jcc(Cond::Sign, negative);
  a_.cvtIntToFloat(size, Width::W64, result, source);
  a_.jmp(done);
  a_.bind(negative);
  // x >= 2^63: convert x / 2 with the lost bit kept (so that rounding sees
  // it), then double it.
  a_.mov(Width::W64, kScratch, source);
  a_.shift(Shift::Shr, Width::W64, kScratch, 1);
  a_.alu(Alu::And, Width::W64, source, 1);
  a_.alu(Alu::Or, Width::W64, kScratch, source);
  a_.cvtIntToFloat(size, Width::W64, result, kScratch);
  a_.floatOp(FloatOp::Add, size, result, result);
  a_.bind(done);
  pushFpr(result, size == FloatSize::F64);
}

} // namespace wasmc::baseline::detail
