#include "tools/wasmc/WastCompare.h"

#include <gtest/gtest.h>

namespace wasmc::tools {
namespace {

using wasm::ValType;

ExpectedBits exact(uint64_t bits) { return {bits, NanPattern::None}; }
constexpr ExpectedBits kCanonical{0, NanPattern::Canonical};
constexpr ExpectedBits kArithmetic{0, NanPattern::Arithmetic};

WastValue scalar(ValType type, uint64_t bits) {
  WastValue value;
  value.type = type;
  value.bits[0] = bits;
  return value;
}

WastValue v128(uint64_t low, uint64_t high) {
  WastValue value;
  value.type = ValType::V128;
  value.bits = {low, high};
  return value;
}

ExpectedValue expectScalar(ValType type, ExpectedBits bits) {
  ExpectedValue expected;
  expected.type = type;
  expected.lanes = {bits};
  return expected;
}

TEST(WastCompareTest, F32NanPatterns) {
  EXPECT_TRUE(floatBitsMatch(kCanonical, 0x7fc00000, false));
  EXPECT_TRUE(floatBitsMatch(kCanonical, 0xffc00000, false));
  EXPECT_FALSE(floatBitsMatch(kCanonical, 0x7fc00001, false)); // payload beyond the quiet bit
  EXPECT_FALSE(floatBitsMatch(kCanonical, 0x7fa00000, false)); // signalling
  EXPECT_FALSE(floatBitsMatch(kCanonical, 0x7f800000, false)); // infinity
  EXPECT_TRUE(floatBitsMatch(kArithmetic, 0x7fc00000, false));
  EXPECT_TRUE(floatBitsMatch(kArithmetic, 0xffc00001, false));
  EXPECT_TRUE(floatBitsMatch(kArithmetic, 0x7fffffff, false));
  EXPECT_FALSE(floatBitsMatch(kArithmetic, 0x7fbfffff, false)); // quiet bit clear
  EXPECT_FALSE(floatBitsMatch(kArithmetic, 0x3fc00000, false));
  // Upper bits of the carrier are ignored for f32.
  EXPECT_TRUE(floatBitsMatch(kCanonical, 0xdead00007fc00000ull, false));
}

TEST(WastCompareTest, F64NanPatterns) {
  EXPECT_TRUE(floatBitsMatch(kCanonical, 0x7ff8000000000000ull, true));
  EXPECT_TRUE(floatBitsMatch(kCanonical, 0xfff8000000000000ull, true));
  EXPECT_FALSE(floatBitsMatch(kCanonical, 0x7ff8000000000001ull, true));
  EXPECT_FALSE(floatBitsMatch(kCanonical, 0x7ff0000000000001ull, true));
  EXPECT_TRUE(floatBitsMatch(kArithmetic, 0x7ff8000000000001ull, true));
  EXPECT_TRUE(floatBitsMatch(kArithmetic, 0xffffffffffffffffull, true));
  EXPECT_FALSE(floatBitsMatch(kArithmetic, 0x7ff4000000000000ull, true));
  EXPECT_FALSE(floatBitsMatch(kArithmetic, 0x7ff0000000000000ull, true));
}

TEST(WastCompareTest, ExactBitsDistinguishZeroSignsAndNanPayloads) {
  EXPECT_TRUE(valueMatches(expectScalar(ValType::F32, exact(0x80000000)),
                           scalar(ValType::F32, 0x80000000)));
  EXPECT_FALSE(valueMatches(expectScalar(ValType::F32, exact(0x80000000)),
                            scalar(ValType::F32, 0)));
  EXPECT_FALSE(valueMatches(expectScalar(ValType::F64, exact(0x7ff8000000000001ull)),
                            scalar(ValType::F64, 0x7ff8000000000000ull)));
  EXPECT_TRUE(valueMatches(expectScalar(ValType::I64, exact(UINT64_MAX)),
                           scalar(ValType::I64, UINT64_MAX)));
}

TEST(WastCompareTest, TypesMustAgree) {
  EXPECT_FALSE(valueMatches(expectScalar(ValType::I32, exact(0)), scalar(ValType::F32, 0)));
  EXPECT_FALSE(valueMatches(expectScalar(ValType::I64, exact(0)), scalar(ValType::I32, 0)));
}

TEST(WastCompareTest, LanesAreLittleEndian) {
  WastValue value = v128(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull);
  for (unsigned i = 0; i < 16; ++i)
    EXPECT_EQ(extractLane(value, LaneType::I8, i), i);
  EXPECT_EQ(extractLane(value, LaneType::I16, 0), 0x0100u);
  EXPECT_EQ(extractLane(value, LaneType::I16, 7), 0x0f0eu);
  EXPECT_EQ(extractLane(value, LaneType::I32, 1), 0x07060504u);
  EXPECT_EQ(extractLane(value, LaneType::I32, 2), 0x0b0a0908u);
  EXPECT_EQ(extractLane(value, LaneType::I64, 1), 0x0f0e0d0c0b0a0908ull);
  EXPECT_EQ(laneCount(LaneType::I16), 8u);
  EXPECT_EQ(laneCount(LaneType::F64), 2u);
}

TEST(WastCompareTest, V128PerLaneNanPatterns) {
  ExpectedValue expected;
  expected.type = ValType::V128;
  expected.laneType = LaneType::F32;
  expected.lanes = {kCanonical, exact(0x3f800000), kArithmetic, exact(0)};
  EXPECT_TRUE(valueMatches(expected, v128(0x3f800000ffc00000ull, 0x000000007fc00123ull)));
  // Lane 2 is a signalling NaN: not arithmetic.
  EXPECT_FALSE(valueMatches(expected, v128(0x3f8000007fc00000ull, 0x000000007f800123ull)));
  // Lane 0 is a NaN, but not the canonical one.
  EXPECT_FALSE(valueMatches(expected, v128(0x3f8000007fc00001ull, 0x000000007fc00000ull)));

  ExpectedValue f64;
  f64.type = ValType::V128;
  f64.laneType = LaneType::F64;
  f64.lanes = {exact(0x4000000000000000ull), kCanonical};
  EXPECT_TRUE(valueMatches(f64, v128(0x4000000000000000ull, 0xfff8000000000000ull)));
  EXPECT_FALSE(valueMatches(f64, v128(0x4000000000000000ull, 0x7ff8000000000001ull)));
}

TEST(WastCompareTest, V128IntegerLanes) {
  ExpectedValue expected;
  expected.type = ValType::V128;
  expected.laneType = LaneType::I16;
  for (uint64_t lane : {0xffff, 1, 2, 3, 4, 5, 6, 0x8000})
    expected.lanes.push_back(exact(lane));
  WastValue value = v128(0x000300020001ffffull, 0x8000000600050004ull);
  EXPECT_TRUE(valueMatches(expected, value));
  value.bits[1] ^= 1;
  EXPECT_FALSE(valueMatches(expected, value));
}

TEST(WastCompareTest, References) {
  ExpectedValue null;
  null.type = ValType::ExternRef;
  null.isNull = true;
  WastValue nullValue;
  nullValue.type = ValType::ExternRef;
  nullValue.isNull = true;
  EXPECT_TRUE(valueMatches(null, nullValue));
  EXPECT_FALSE(valueMatches(null, scalar(ValType::ExternRef, 0)));

  ExpectedValue host = expectScalar(ValType::ExternRef, exact(42));
  EXPECT_TRUE(valueMatches(host, scalar(ValType::ExternRef, 42)));
  EXPECT_FALSE(valueMatches(host, scalar(ValType::ExternRef, 43)));
  EXPECT_FALSE(valueMatches(host, nullValue));

  ExpectedValue anyFunc;
  anyFunc.type = ValType::FuncRef;
  anyFunc.anyRef = true;
  EXPECT_TRUE(valueMatches(anyFunc, scalar(ValType::FuncRef, 7)));
  WastValue nullFunc;
  nullFunc.type = ValType::FuncRef;
  nullFunc.isNull = true;
  EXPECT_FALSE(valueMatches(anyFunc, nullFunc));
  EXPECT_FALSE(valueMatches(null, nullFunc)); // ref.null extern is not ref.null func
}

TEST(WastCompareTest, Formatting) {
  EXPECT_EQ(formatValue(scalar(ValType::I32, 0xffffffff)), "i32:4294967295");
  EXPECT_EQ(formatValue(scalar(ValType::F32, 0x3fc00000)), "f32:1.5");
  EXPECT_EQ(formatValue(scalar(ValType::F32, 0x80000000)), "f32:-0");
  EXPECT_EQ(formatValue(scalar(ValType::F64, 0x7ff8000000000000ull)), "f64:nan:0x7ff8000000000000");
  EXPECT_EQ(formatValue(v128(0x0000000200000001ull, 0x0000000400000003ull), LaneType::I32),
            "v128:i32x4[1 2 3 4]");
  EXPECT_EQ(formatValue(v128(1, 0)), "v128:0x00000000000000000000000000000001");
  EXPECT_EQ(formatExpected(expectScalar(ValType::F32, kCanonical)), "f32:nan:canonical");
  EXPECT_EQ(formatExpected(expectScalar(ValType::ExternRef, exact(3))), "ref.extern 3");
  WastValue null;
  null.type = ValType::FuncRef;
  null.isNull = true;
  EXPECT_EQ(formatValues({scalar(ValType::I64, 5), null}), "(i64:5, ref.null func)");
}

} // namespace
} // namespace wasmc::tools
