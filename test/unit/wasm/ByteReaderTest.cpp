// ByteReader: LEB128 decoding with the spec's rules for maximum lengths,
// over-long encodings and unused bits, fixed-width values, lengths, counts,
// and UTF-8 names. Every error is Malformed and points at the start of the
// offending item (or, for a truncation, at the end of the input).

#include "compiler/wasm/ByteReader.h"

#include <gtest/gtest.h>

#include <vector>

namespace wasmc::wasm {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr const char* kTooLong = "integer representation too long";
constexpr const char* kTooLarge = "integer too large";

template <class T>
void expectError(const Expected<T>& result, const char* message, uint64_t offset) {
  ASSERT_FALSE(result.hasValue()) << "expected \"" << message << "\"";
  EXPECT_EQ(result.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(result.error().message, message);
  EXPECT_EQ(result.error().offset, offset);
  EXPECT_EQ(result.error().function, kNoFunction);
}

/// Truncation errors say "unexpected end…"; the spec suite accepts any message
/// that starts that way.
template <class T>
void expectUnexpectedEnd(const Expected<T>& result, uint64_t offset) {
  ASSERT_FALSE(result.hasValue());
  EXPECT_EQ(result.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(result.error().message.rfind("unexpected end", 0), 0u) << result.error().message;
  EXPECT_EQ(result.error().offset, offset);
}

Expected<uint32_t> u32(const Bytes& bytes, uint32_t base = 0) {
  ByteReader r(bytes, base);
  return r.readU32();
}
Expected<int32_t> s32(const Bytes& bytes, uint32_t base = 0) {
  ByteReader r(bytes, base);
  return r.readS32();
}
Expected<int64_t> s33(const Bytes& bytes, uint32_t base = 0) {
  ByteReader r(bytes, base);
  return r.readS33();
}
Expected<int64_t> s64(const Bytes& bytes, uint32_t base = 0) {
  ByteReader r(bytes, base);
  return r.readS64();
}

// --- u32 -------------------------------------------------------------------

TEST(ByteReaderTest, U32ShortForms) {
  EXPECT_EQ(*u32({0x00}), 0u);
  EXPECT_EQ(*u32({0x7F}), 127u);
  EXPECT_EQ(*u32({0x80, 0x01}), 128u);
  EXPECT_EQ(*u32({0xE5, 0x8E, 0x26}), 624485u);
}

TEST(ByteReaderTest, U32MaximumLengthEncodingsAreAccepted) {
  EXPECT_EQ(*u32({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}), UINT32_MAX);
  // Padding with zero groups is allowed up to five bytes.
  EXPECT_EQ(*u32({0x80, 0x80, 0x80, 0x80, 0x00}), 0u);
  EXPECT_EQ(*u32({0x81, 0x80, 0x80, 0x80, 0x00}), 1u);
  EXPECT_EQ(*u32({0xFF, 0x80, 0x80, 0x80, 0x00}), 127u);
  EXPECT_EQ(*u32({0x80, 0x80, 0x80, 0x80, 0x08}), 0x80000000u);
}

TEST(ByteReaderTest, U32ConsumesExactlyTheEncoding) {
  Bytes bytes{0x80, 0x80, 0x80, 0x80, 0x00, 0x2A};
  ByteReader r(bytes);
  EXPECT_EQ(*r.readU32(), 0u);
  EXPECT_EQ(r.position(), 5u);
  EXPECT_EQ(*r.readU32(), 42u);
  EXPECT_TRUE(r.atEnd());
}

TEST(ByteReaderTest, U32OverLongIsTooLong) {
  expectError(u32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), kTooLong, 0);
  expectError(u32({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), kTooLong, 0);
  // The fifth byte still has its continuation bit: too long even though the
  // input stops right there.
  expectError(u32({0x80, 0x80, 0x80, 0x80, 0x80}), kTooLong, 0);
}

TEST(ByteReaderTest, U32UnusedBitsSetIsTooLarge) {
  // The fifth byte may only carry four payload bits.
  expectError(u32({0xFF, 0xFF, 0xFF, 0xFF, 0x1F}), kTooLarge, 0);
  expectError(u32({0x80, 0x80, 0x80, 0x80, 0x10}), kTooLarge, 0);
  expectError(u32({0x80, 0x80, 0x80, 0x80, 0x20}), kTooLarge, 0);
  expectError(u32({0x80, 0x80, 0x80, 0x80, 0x40}), kTooLarge, 0);
  expectError(u32({0x82, 0x80, 0x80, 0x80, 0x70}), kTooLarge, 0);
  expectError(u32({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), kTooLarge, 0);
}

TEST(ByteReaderTest, U32Truncated) {
  expectUnexpectedEnd(u32({}), 0);
  expectUnexpectedEnd(u32({0x80}), 1);
  expectUnexpectedEnd(u32({0xFF, 0xFF, 0xFF, 0xFF}), 4);
}

TEST(ByteReaderTest, ErrorOffsetsIncludeTheBaseAndPointAtTheStart) {
  expectError(u32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 100), kTooLong, 100);
  expectError(s32({0x80, 0x80, 0x80, 0x80, 0x70}, 0x40), kTooLarge, 0x40);
  expectUnexpectedEnd(u32({0x80, 0x80}, 10), 12);

  // An error after earlier reads points at the start of the bad integer.
  Bytes bytes{0x01, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  ByteReader r(bytes, 1000);
  EXPECT_EQ(*r.readU32(), 1u);
  EXPECT_EQ(*r.readU32(), 2u);
  EXPECT_EQ(r.offset(), 1002u);
  expectError(r.readU32(), kTooLarge, 1002);
}

// --- s32 -------------------------------------------------------------------

TEST(ByteReaderTest, S32ShortForms) {
  EXPECT_EQ(*s32({0x00}), 0);
  EXPECT_EQ(*s32({0x3F}), 63);
  EXPECT_EQ(*s32({0x40}), -64);
  EXPECT_EQ(*s32({0x7F}), -1);
  EXPECT_EQ(*s32({0xC0, 0x00}), 64);
  EXPECT_EQ(*s32({0xBF, 0x7F}), -65);
  EXPECT_EQ(*s32({0xC0, 0xBB, 0x78}), -123456);
}

TEST(ByteReaderTest, S32MaximumLengthEncodingsAreAccepted) {
  EXPECT_EQ(*s32({0xFF, 0xFF, 0xFF, 0xFF, 0x07}), INT32_MAX);
  EXPECT_EQ(*s32({0x80, 0x80, 0x80, 0x80, 0x78}), INT32_MIN);
  EXPECT_EQ(*s32({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), -1);
  EXPECT_EQ(*s32({0x80, 0x80, 0x80, 0x80, 0x00}), 0);
}

TEST(ByteReaderTest, S32OverLongIsTooLong) {
  expectError(s32({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), kTooLong, 0);
  expectError(s32({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), kTooLong, 0);
}

TEST(ByteReaderTest, S32BitsThatAreNotASignExtensionAreTooLarge) {
  // Fifth byte: bit 3 is the sign (bit 31); bits 4-6 must copy it.
  expectError(s32({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}), kTooLarge, 0); // sign 1, copies 0
  expectError(s32({0x80, 0x80, 0x80, 0x80, 0x70}), kTooLarge, 0); // sign 0, copies 1
  expectError(s32({0x80, 0x80, 0x80, 0x80, 0x10}), kTooLarge, 0);
  expectError(s32({0xFF, 0xFF, 0xFF, 0xFF, 0x4F}), kTooLarge, 0);
  expectError(s32({0x80, 0x80, 0x80, 0x80, 0x1F}), kTooLarge, 0);
}

TEST(ByteReaderTest, S32Truncated) {
  expectUnexpectedEnd(s32({}), 0);
  expectUnexpectedEnd(s32({0xFF, 0xFF}), 2);
}

// --- s33 (block types) -----------------------------------------------------

TEST(ByteReaderTest, S33Values) {
  EXPECT_EQ(*s33({0x40}), -64);
  EXPECT_EQ(*s33({0x05}), 5);
  // 2^32 - 1 is a valid (positive) s33.
  EXPECT_EQ(*s33({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}), 4294967295LL);
  EXPECT_EQ(*s33({0x80, 0x80, 0x80, 0x80, 0x70}), -4294967296LL);
  EXPECT_EQ(*s33({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), -1);
}

TEST(ByteReaderTest, S33Errors) {
  // Fifth byte: bit 4 is the sign (bit 32); bits 5-6 must copy it.
  expectError(s33({0x80, 0x80, 0x80, 0x80, 0x10}), kTooLarge, 0);
  expectError(s33({0xFF, 0xFF, 0xFF, 0xFF, 0x2F}), kTooLarge, 0);
  expectError(s33({0x80, 0x80, 0x80, 0x80, 0x60}), kTooLarge, 0);
  expectError(s33({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), kTooLong, 0);
  expectUnexpectedEnd(s33({0x80, 0x80, 0x80}), 3);
}

// --- s64 -------------------------------------------------------------------

TEST(ByteReaderTest, S64Values) {
  EXPECT_EQ(*s64({0x7F}), -1);
  EXPECT_EQ(*s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}), INT64_MIN);
  EXPECT_EQ(*s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}), INT64_MAX);
  EXPECT_EQ(*s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), -1);
  EXPECT_EQ(*s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), 0);
  // Five bytes is not the limit for s64: bit 32 set, value positive.
  EXPECT_EQ(*s64({0x80, 0x80, 0x80, 0x80, 0x10}), int64_t(1) << 32);
}

TEST(ByteReaderTest, S64Errors) {
  // The tenth byte carries only the sign bit: it must be 0x00 or 0x7F.
  expectError(s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}), kTooLarge, 0);
  expectError(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7E}), kTooLarge, 0);
  expectError(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x41}), kTooLarge, 0);
  expectError(s64({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), kTooLong,
              0);
  expectError(s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}), kTooLong,
              0);
  expectUnexpectedEnd(s64({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}), 9);
}

// --- one-bit flag (limits) -------------------------------------------------

TEST(ByteReaderTest, Flag) {
  Bytes bytes{0x00, 0x01};
  ByteReader r(bytes);
  EXPECT_EQ(*r.readFlag(), 0);
  EXPECT_EQ(*r.readFlag(), 1);

  Bytes two{0x02};
  ByteReader r2(two);
  expectError(r2.readFlag(), kTooLarge, 0);
  Bytes longForm{0x81, 0x00};
  ByteReader r3(longForm);
  expectError(r3.readFlag(), kTooLong, 0);
}

// --- fixed width, bytes, lengths, counts -----------------------------------

TEST(ByteReaderTest, FixedWidthIsLittleEndian) {
  Bytes bytes{0x78, 0x56, 0x34, 0x12, 0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01};
  ByteReader r(bytes);
  EXPECT_EQ(*r.readFixed32(), 0x12345678u);
  EXPECT_EQ(*r.readFixed64(), 0x0123456789ABCDEFull);
  EXPECT_TRUE(r.atEnd());
}

TEST(ByteReaderTest, FixedWidthTruncated) {
  Bytes three{1, 2, 3};
  ByteReader r(three, 20);
  expectUnexpectedEnd(r.readFixed32(), 20);
  EXPECT_EQ(r.position(), 0u) << "a failed read consumes nothing";
  Bytes seven{1, 2, 3, 4, 5, 6, 7};
  ByteReader r2(seven);
  expectUnexpectedEnd(r2.readFixed64(), 0);
}

TEST(ByteReaderTest, BytesAndPeek) {
  Bytes bytes{0xAA, 0xBB, 0xCC};
  ByteReader r(bytes, 5);
  EXPECT_EQ(*r.peekByte(), 0xAA);
  EXPECT_EQ(r.position(), 0u);
  EXPECT_EQ(*r.readByte(), 0xAA);
  auto two = r.readBytes(2);
  ASSERT_TRUE(two.hasValue());
  EXPECT_EQ((*two)[0], 0xBB);
  EXPECT_EQ((*two)[1], 0xCC);
  EXPECT_EQ(r.offset(), 8u);
  expectUnexpectedEnd(r.readByte(), 8);
  expectUnexpectedEnd(r.peekByte(), 8);
  expectUnexpectedEnd(r.readBytes(1), 8);
  EXPECT_TRUE(r.readBytes(0).hasValue());
}

TEST(ByteReaderTest, LengthMustFitTheRemainingBytes) {
  Bytes ok{0x02, 0xAA, 0xBB};
  ByteReader r(ok);
  EXPECT_EQ(*r.readLength(), 2u);

  Bytes bad{0x00, 0x03, 0xAA, 0xBB};
  ByteReader r2(bad, 50);
  EXPECT_EQ(*r2.readByte(), 0x00);
  expectError(r2.readLength(), "length out of bounds", 51);
}

TEST(ByteReaderTest, CountLargerThanTheRemainingBytesIsUnexpectedEnd) {
  Bytes bytes{0x05, 1, 2, 3};
  ByteReader r(bytes);
  expectUnexpectedEnd(r.readCount(), 1);
  Bytes fits{0x03, 1, 2, 3};
  ByteReader r2(fits);
  EXPECT_EQ(*r2.readCount(), 3u);
}

// --- names and UTF-8 -------------------------------------------------------

Expected<std::string> readName(const Bytes& utf8, uint32_t base = 0) {
  Bytes bytes{static_cast<uint8_t>(utf8.size())};
  bytes.insert(bytes.end(), utf8.begin(), utf8.end());
  ByteReader r(bytes, base);
  return r.readName();
}

TEST(ByteReaderTest, NameValidUtf8) {
  const std::vector<Bytes> valid = {
      {},
      {'a', 'b', 'c'},
      {0x00},                   // U+0000 is a valid character
      {0x7F},                   // U+007F, last one-byte
      {0xC2, 0x80},             // U+0080, first two-byte
      {0xC3, 0xA9},             // é
      {0xDF, 0xBF},             // U+07FF, last two-byte
      {0xE0, 0xA0, 0x80},       // U+0800, first three-byte
      {0xE2, 0x82, 0xAC},       // €
      {0xED, 0x9F, 0xBF},       // U+D7FF, just below the surrogates
      {0xEE, 0x80, 0x80},       // U+E000, just above them
      {0xEF, 0xBF, 0xBF},       // U+FFFF
      {0xF0, 0x90, 0x80, 0x80}, // U+10000, first four-byte
      {0xF0, 0x9F, 0x98, 0x80}, // 😀
      {0xF4, 0x8F, 0xBF, 0xBF}, // U+10FFFF, the last code point
      {'x', 0xE2, 0x82, 0xAC, 'y', 0xC3, 0xA9},
  };
  for (const Bytes& utf8 : valid) {
    auto result = readName(utf8);
    ASSERT_TRUE(result.hasValue()) << result.error().describe();
    EXPECT_EQ(*result, std::string(utf8.begin(), utf8.end()));
  }
}

TEST(ByteReaderTest, NameInvalidUtf8) {
  const std::vector<Bytes> invalid = {
      // Overlong forms.
      {0xC0, 0x80},
      {0xC1, 0xBF},
      {0xE0, 0x80, 0x80},
      {0xE0, 0x9F, 0xBF},
      {0xF0, 0x80, 0x80, 0x80},
      {0xF0, 0x8F, 0xBF, 0xBF},
      // Surrogates U+D800..U+DFFF.
      {0xED, 0xA0, 0x80},
      {0xED, 0xAF, 0xBF},
      {0xED, 0xB0, 0x80},
      {0xED, 0xBF, 0xBF},
      // Above U+10FFFF, and lead bytes that can never appear.
      {0xF4, 0x90, 0x80, 0x80},
      {0xF5, 0x80, 0x80, 0x80},
      {0xF7, 0xBF, 0xBF, 0xBF},
      {0xF8, 0x88, 0x80, 0x80, 0x80},
      {0xFC, 0x84, 0x80, 0x80, 0x80, 0x80},
      {0xFE},
      {0xFF},
      // Stray continuation bytes.
      {0x80},
      {0xBF},
      {'a', 0x80, 'b'},
      // Truncated sequences, at the end and followed by a non-continuation.
      {0xC2},
      {0xE2, 0x82},
      {0xF0, 0x9F, 0x98},
      {'a', 0xC3},
      {0xC2, 0x41},
      {0xE2, 0x41, 0xAC},
      {0xE2, 0x82, 0x41},
      {0xF0, 0x9F, 0x41, 0x80},
      {0xF0, 0x9F, 0x98, 0xC0},
  };
  for (const Bytes& utf8 : invalid) {
    SCOPED_TRACE(::testing::PrintToString(utf8));
    // The error points at the name's first byte, after its length.
    expectError(readName(utf8, 30), "malformed UTF-8 encoding", 31);
    EXPECT_FALSE(isValidUtf8(utf8));
  }
}

TEST(ByteReaderTest, NameLengthOutOfBounds) {
  Bytes bytes{0x04, 'a', 'b', 'c'};
  ByteReader r(bytes, 7);
  expectError(r.readName(), "length out of bounds", 7);
}

TEST(ByteReaderTest, NameTruncatedLength) {
  Bytes bytes{0x80};
  ByteReader r(bytes);
  expectUnexpectedEnd(r.readName(), 1);
}

} // namespace
} // namespace wasmc::wasm

namespace wasmc::wasm {
namespace {

// readU32, readS32 and readS64 read a one-byte value without the general
// LEB128 loop. Every one-byte value must read as its two-byte (non-minimal,
// still valid) encoding does through the loop, and consume one byte.
TEST(ByteReaderTest, OneByteValuesReadAsTheirLongerEncodings) {
  for (unsigned b = 0; b < 0x80; ++b) {
    const uint8_t one[] = {static_cast<uint8_t>(b), 0xEE};
    const uint8_t two[] = {static_cast<uint8_t>(b | 0x80), static_cast<uint8_t>(b & 0x40 ? 0x7F : 0x00)};
    const uint8_t twoUnsigned[] = {static_cast<uint8_t>(b | 0x80), 0x00};
    ByteReader u(one), uLong(twoUnsigned);
    EXPECT_EQ(*u.readU32(), *uLong.readU32()) << b;
    EXPECT_EQ(u.position(), 1u);
    ByteReader s(one), sLong(two);
    EXPECT_EQ(*s.readS32(), *sLong.readS32()) << b;
    EXPECT_EQ(s.position(), 1u);
    ByteReader l(one), lLong(two);
    EXPECT_EQ(*l.readS64(), *lLong.readS64()) << b;
    EXPECT_EQ(l.position(), 1u);
  }
}

} // namespace
} // namespace wasmc::wasm
