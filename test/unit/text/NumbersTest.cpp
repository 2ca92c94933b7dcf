// Number literals' values: integer ranges (unsigned to 2^N - 1, signed
// from -2^(N-1)), underscores, and floats rounded to nearest with ties to
// even at the decimal and hexadecimal boundaries of f32 and f64 (subnormal,
// largest finite, halfway cases), signed zeros, inf, nan payloads; every
// out-of-range or malformed literal refused.

#include "compiler/text/Numbers.h"

#include <gtest/gtest.h>
#include <locale.h>

namespace wasmc::text {
namespace {

TEST(Numbers, IntegersWithinTheirType) {
  EXPECT_EQ(parseInt("0", 32), 0u);
  EXPECT_EQ(parseInt("4294967295", 32), 0xFFFFFFFFu);
  EXPECT_EQ(parseInt("0xffff_ffff", 32), 0xFFFFFFFFu);
  EXPECT_EQ(parseInt("-1", 32), 0xFFFFFFFFu);
  EXPECT_EQ(parseInt("-2147483648", 32), 0x80000000u);
  EXPECT_EQ(parseInt("-0x8000_0000", 32), 0x80000000u);
  EXPECT_EQ(parseInt("+2147483647", 32), 0x7FFFFFFFu);
  EXPECT_EQ(parseInt("1_000_000", 32), 1000000u);
  EXPECT_EQ(parseInt("18446744073709551615", 64), UINT64_MAX);
  EXPECT_EQ(parseInt("-9223372036854775808", 64), 0x8000000000000000u);
  EXPECT_EQ(parseInt("-0", 64), 0u);
  for (const char* out : {"4294967296", "0x1_0000_0000", "+2147483648", "-2147483649", "", "-", "1__0", "_1", "1_",
                          "0x", "0x_1", "1.0", "0b1", "--1"})
    EXPECT_EQ(parseInt(out, 32), std::nullopt) << out;
  for (const char* out : {"18446744073709551616", "+9223372036854775808", "-9223372036854775809"})
    EXPECT_EQ(parseInt(out, 64), std::nullopt) << out;
  EXPECT_EQ(parseUnsigned("0x10", 32), 16u);
  EXPECT_EQ(parseUnsigned("+1", 32), std::nullopt) << "u32 takes no sign";
  EXPECT_EQ(parseUnsigned("-0", 32), std::nullopt);
}

TEST(Numbers, F32RoundsToNearestEven) {
  EXPECT_EQ(parseF32("0"), 0u);
  EXPECT_EQ(parseF32("-0.0"), 0x80000000u);
  EXPECT_EQ(parseF32("1"), 0x3F800000u);
  EXPECT_EQ(parseF32("1.5e0"), 0x3FC00000u);
  EXPECT_EQ(parseF32("0x1.8p1"), 0x40400000u);
  EXPECT_EQ(parseF32("1_0.0_5"), parseF32("10.05"));
  // 1 + 2^-24 is halfway between 1 and the next float: ties to even (1);
  // a hair above rounds up.
  EXPECT_EQ(parseF32("1.000000059604644775390625"), 0x3F800000u);
  EXPECT_EQ(parseF32("1.000000059604644775390626"), 0x3F800001u);
  EXPECT_EQ(parseF32("0x1.000001p0"), 0x3F800000u);
  EXPECT_EQ(parseF32("0x1.0000010000000001p0"), 0x3F800001u);
  EXPECT_EQ(parseF32("0x1.000003p0"), 0x3F800002u) << "halfway, to the even neighbour above";
  // Subnormals: 2^-149 is the least; 2^-150 is halfway to 0 (even: 0).
  EXPECT_EQ(parseF32("0x1p-149"), 1u);
  EXPECT_EQ(parseF32("0x1p-150"), 0u);
  EXPECT_EQ(parseF32("0x1.000002p-150"), 1u);
  EXPECT_EQ(parseF32("1e-50"), 0u);
  // The largest finite, and what rounds to infinity instead.
  EXPECT_EQ(parseF32("0x1.fffffep127"), 0x7F7FFFFFu);
  EXPECT_EQ(parseF32("0x1.fffffefffffffp127"), 0x7F7FFFFFu);
  EXPECT_EQ(parseF32("3.4028235e38"), 0x7F7FFFFFu);
  EXPECT_EQ(parseF32("0x1.ffffffp127"), std::nullopt) << "halfway to 2^128: rounds to infinity";
  EXPECT_EQ(parseF32("1e39"), std::nullopt);
  EXPECT_EQ(parseF32("-0x1p128"), std::nullopt);
}

TEST(Numbers, F64RoundsToNearestEven) {
  EXPECT_EQ(parseF64("1"), 0x3FF0000000000000u);
  EXPECT_EQ(parseF64("-0"), 0x8000000000000000u);
  EXPECT_EQ(parseF64("0.1"), 0x3FB999999999999Au);
  EXPECT_EQ(parseF64("0x1p-1074"), 1u);
  EXPECT_EQ(parseF64("0x1p-1075"), 0u);
  EXPECT_EQ(parseF64("0x1.0000000000001p-1075"), 1u);
  EXPECT_EQ(parseF64("0x1.fffffffffffffp1023"), 0x7FEFFFFFFFFFFFFFu);
  EXPECT_EQ(parseF64("0x1.fffffffffffff7ffffffp1023"), 0x7FEFFFFFFFFFFFFFu);
  EXPECT_EQ(parseF64("0x1.fffffffffffff8p1023"), std::nullopt);
  EXPECT_EQ(parseF64("1.7976931348623157e308"), 0x7FEFFFFFFFFFFFFFu);
  EXPECT_EQ(parseF64("1.7976931348623159e308"), std::nullopt);
  EXPECT_EQ(parseF64("1_000.000_1e1_0"), parseF64("1000.0001e10"));
}

TEST(Numbers, InfinitiesAndNans) {
  EXPECT_EQ(parseF32("inf"), 0x7F800000u);
  EXPECT_EQ(parseF32("-inf"), 0xFF800000u);
  EXPECT_EQ(parseF32("nan"), 0x7FC00000u);
  EXPECT_EQ(parseF32("-nan"), 0xFFC00000u);
  EXPECT_EQ(parseF32("nan:0x1"), 0x7F800001u);
  EXPECT_EQ(parseF32("+nan:0x7f_ffff"), 0x7FFFFFFFu);
  EXPECT_EQ(parseF32("nan:0x80_0000"), std::nullopt) << "wider than the significand";
  EXPECT_EQ(parseF32("nan:0x0"), std::nullopt) << "that would be infinity";
  EXPECT_EQ(parseF64("nan"), 0x7FF8000000000000u);
  EXPECT_EQ(parseF64("-nan:0xf_ffff_ffff_ffff"), 0xFFFFFFFFFFFFFFFFu);
  EXPECT_EQ(parseF64("nan:0x10_0000_0000_0000"), std::nullopt);
}

TEST(Numbers, RefusesWhatTheGrammarDoes) {
  for (const char* bad : {"", "+", "1e", "1e+", "0x", "0x.8", ".5", "1.e_1", "1__0.0", "_1.0", "1.0_", "infinity",
                          "nan:1", " 1.0", "1.0 ", "0x1p", "1p3", "0x1e3p1x", "1,5"})
    EXPECT_EQ(parseF64(bad), std::nullopt) << "\"" << bad << "\"";
}

TEST(Numbers, DoNotDependOnTheLocale) {
  // An embedder's locale with a decimal comma must not change literals.
  locale_t german = newlocale(LC_NUMERIC_MASK, "de_DE.UTF-8", locale_t(0));
  if (!german)
    GTEST_SKIP() << "no de_DE locale installed";
  locale_t previous = uselocale(german);
  EXPECT_EQ(parseF64("1.5"), 0x3FF8000000000000u);
  uselocale(previous);
  freelocale(german);
}

} // namespace
} // namespace wasmc::text
