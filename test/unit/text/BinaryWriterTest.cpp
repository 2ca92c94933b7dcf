// The binary writer: LEB128 in its shortest form at every width boundary,
// read back by the decoder's own ByteReader; floats' bits little-endian;
// names; sections framed with their size; a module it writes decodes.

#include "compiler/text/BinaryWriter.h"

#include "compiler/wasm/ByteReader.h"
#include "compiler/wasm/Decoder.h"

#include <gtest/gtest.h>

namespace wasmc::text {
namespace {

TEST(BinaryWriter, LebsAreShortestAndReadBack) {
  for (uint32_t value : {0u, 1u, 63u, 64u, 127u, 128u, 16383u, 16384u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    BinaryWriter w;
    w.u32(value);
    wasm::ByteReader r(w.data());
    EXPECT_EQ(*r.readU32(), value);
    size_t expected = value < (1u << 7) ? 1 : value < (1u << 14) ? 2 : value < (1u << 21) ? 3 : value < (1u << 28) ? 4 : 5;
    EXPECT_EQ(w.size(), expected) << value;
  }
  for (int32_t value : {0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, INT32_MAX, INT32_MIN}) {
    BinaryWriter w;
    w.s32(value);
    wasm::ByteReader r(w.data());
    EXPECT_EQ(*r.readS32(), value);
  }
  BinaryWriter w;
  w.s32(-64);
  EXPECT_EQ(w.data(), (std::vector<uint8_t>{0x40}));
  BinaryWriter w2;
  w2.s32(64);
  EXPECT_EQ(w2.data(), (std::vector<uint8_t>{0xC0, 0x00}));
  for (int64_t value : {int64_t(0), int64_t(-1), INT64_MAX, INT64_MIN, int64_t(1) << 40, -(int64_t(1) << 40)}) {
    BinaryWriter w64;
    w64.s64(value);
    wasm::ByteReader r(w64.data());
    EXPECT_EQ(*r.readS64(), value);
  }
  BinaryWriter u;
  u.u64(UINT64_MAX);
  EXPECT_EQ(u.size(), 10u);
}

TEST(BinaryWriter, FloatsNamesAndSections) {
  BinaryWriter w;
  w.f32(0x3F800000);
  w.f64(0x400921FB54442D18);
  w.name("hé");
  EXPECT_EQ(w.data(), (std::vector<uint8_t>{0x00, 0x00, 0x80, 0x3F, 0x18, 0x2D, 0x44, 0x54, 0xFB, 0x21, 0x09, 0x40,
                                            0x03, 'h', 0xC3, 0xA9}));
  BinaryWriter s;
  s.beginSection(1);
  for (int i = 0; i < 200; ++i)
    s.byte(0xAA);
  s.endSection();
  ASSERT_EQ(s.size(), 1u + 2u + 200u) << "a 200-byte section's size takes two bytes";
  EXPECT_EQ(s.data()[0], 1);
  EXPECT_EQ(s.data()[1], 0xC8);
  EXPECT_EQ(s.data()[2], 0x01);
}

TEST(BinaryWriter, WritesAModuleTheDecoderReads) {
  // (module (type (func (param i32) (result i32))) (func (type 0) local.get 0) (export "id" (func 0)))
  BinaryWriter w;
  w.header();
  w.beginSection(1); // type
  w.u32(1);
  w.byte(0x60);
  w.u32(1);
  w.byte(0x7F);
  w.u32(1);
  w.byte(0x7F);
  w.endSection();
  w.beginSection(3); // function
  w.u32(1);
  w.u32(0);
  w.endSection();
  w.beginSection(7); // export
  w.u32(1);
  w.name("id");
  w.byte(0x00);
  w.u32(0);
  w.endSection();
  w.beginSection(10); // code
  w.u32(1);
  w.u32(4); // body size: no locals, local.get 0, end
  w.u32(0);
  w.byte(0x20);
  w.u32(0);
  w.byte(0x0B);
  w.endSection();
  auto module = wasm::decodeModule(w.take());
  ASSERT_TRUE(module) << module.error().describe();
  ASSERT_EQ(module->exports.size(), 1u);
  EXPECT_EQ(module->exports[0].name, "id");
  EXPECT_EQ(module->functions.size(), 1u);
}

} // namespace
} // namespace wasmc::text
