// decodeModule on hand-assembled binaries: every malformed-module path of the
// decoder with its message and byte offset, and the decoded shape of the
// sections whose encodings have several forms (element and data segments,
// imports, limits, the name section, custom sections).

#include "compiler/wasm/Decoder.h"
#include "compiler/wasm/Validator.h"
#include "test/unit/wasm/ModuleBuilder.h"

#include <gtest/gtest.h>

#include <string>

namespace wasmc::wasm {
namespace {

using namespace wasmc::wasm::test;

constexpr uint32_t kHeaderSize = 8;

Module decodeOk(const Bytes& bytes) {
  auto result = decodeModule(bytes);
  if (!result) {
    ADD_FAILURE() << "decode failed: " << result.error().describe();
    return Module{};
  }
  return std::move(*result);
}

/// Decodes `bytes`, which must be malformed with exactly `message` at `offset`.
Error expectMalformed(const Bytes& bytes, const std::string& message, uint64_t offset) {
  auto result = decodeModule(bytes);
  if (result) {
    ADD_FAILURE() << "decoded, expected \"" << message << "\"";
    return Error{};
  }
  EXPECT_EQ(result.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(result.error().message, message);
  EXPECT_EQ(result.error().offset, offset) << result.error().describe();
  return result.error();
}

// --- header ----------------------------------------------------------------

TEST(DecoderTest, EmptyModule) {
  Module module = decodeOk(header());
  EXPECT_TRUE(module.types.empty());
  EXPECT_TRUE(module.functions.empty());
  EXPECT_TRUE(module.customs.empty());
  EXPECT_FALSE(module.start.has_value());
  EXPECT_FALSE(module.dataCount.has_value());
  EXPECT_EQ(module.bytes, header());
}

TEST(DecoderTest, TakesTheBytesOverOrCopiesThem) {
  Bytes bytes = header();
  Bytes copy = bytes;
  auto fromVector = decodeModule(std::move(copy));
  ASSERT_TRUE(fromVector);
  EXPECT_EQ(fromVector->bytes, bytes);
  auto fromSpan = decodeModule(std::span<const uint8_t>(bytes));
  ASSERT_TRUE(fromSpan);
  EXPECT_EQ(fromSpan->bytes, bytes);
  Bytes truncated = {0x00, 0x61, 0x73, 0x6D};
  auto malformed = decodeModule(std::move(truncated));
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().message, "unexpected end");
}

TEST(DecoderTest, TruncatedHeader) {
  expectMalformed({}, "unexpected end", 0);
  expectMalformed({0x00, 0x61, 0x73}, "unexpected end", 0);
  expectMalformed({0x00, 0x61, 0x73, 0x6D}, "unexpected end", 4);
  expectMalformed({0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00}, "unexpected end", 4);
}

TEST(DecoderTest, BadMagic) {
  expectMalformed({'a', 's', 'm', 0x00, 1, 0, 0, 0}, "magic header not detected", 0);
  expectMalformed({0x00, 0x61, 0x73, 0x6E, 1, 0, 0, 0}, "magic header not detected", 0);
  expectMalformed({0x00, 'A', 'S', 'M', 1, 0, 0, 0}, "magic header not detected", 0);
  // A text-format module is not a binary one.
  expectMalformed({'(', 'm', 'o', 'd', 'u', 'l', 'e', ')'}, "magic header not detected", 0);
}

TEST(DecoderTest, BadVersion) {
  expectMalformed({0x00, 0x61, 0x73, 0x6D, 0x02, 0, 0, 0}, "unknown binary version", 4);
  expectMalformed({0x00, 0x61, 0x73, 0x6D, 0x0D, 0, 0, 0}, "unknown binary version", 4);
  expectMalformed({0x00, 0x61, 0x73, 0x6D, 0x00, 0x01, 0, 0}, "unknown binary version", 4);
  expectMalformed({0x00, 0x61, 0x73, 0x6D, 0, 0, 0, 0}, "unknown binary version", 4);
}

// --- section framing ---------------------------------------------------------

TEST(DecoderTest, MalformedSectionId) {
  expectMalformed(moduleBytes({{0x0D, 0x00}}), "malformed section id", kHeaderSize);
  expectMalformed(moduleBytes({{0x7F, 0x00}}), "malformed section id", kHeaderSize);
  // After a good section, the offset is that of the bad id.
  expectMalformed(moduleBytes({section(1, vec({})), {0x20, 0x00}}), "malformed section id",
                  kHeaderSize + 3);
}

TEST(DecoderTest, SectionSizeBeyondTheModule) {
  expectMalformed(moduleBytes({{0x01, 0x05, 0x00}}), "length out of bounds", kHeaderSize + 1);
  expectMalformed(moduleBytes({{0x01}}), "unexpected end of section or function", kHeaderSize + 1);
}

TEST(DecoderTest, SectionOrderAndDuplicates) {
  const std::string order = "unexpected content after last section";
  Bytes type = section(1, vec({}));
  Bytes func = section(3, vec({}));
  // Duplicate section.
  expectMalformed(moduleBytes({type, type}), order, kHeaderSize + type.size());
  // Out of order.
  expectMalformed(moduleBytes({func, type}), order, kHeaderSize + func.size());
  // Data count belongs between element and code.
  Bytes elem = section(9, vec({}));
  Bytes dataCount = section(12, u32(0));
  Bytes code = section(10, vec({}));
  Bytes data = section(11, vec({}));
  decodeOk(moduleBytes({elem, dataCount, code, data}));
  expectMalformed(moduleBytes({code, dataCount}), order, kHeaderSize + code.size());
  expectMalformed(moduleBytes({dataCount, elem}), order, kHeaderSize + dataCount.size());
  expectMalformed(moduleBytes({data, code}), order, kHeaderSize + data.size());
  expectMalformed(moduleBytes({dataCount, dataCount}), order, kHeaderSize + dataCount.size());
}

TEST(DecoderTest, CustomSectionsMayAppearAnywhere) {
  Bytes custom = section(0, name("c"));
  Module module = decodeOk(moduleBytes({custom, section(1, vec({})), custom, custom,
                                        section(3, vec({})), section(10, vec({})), custom}));
  EXPECT_EQ(module.customs.size(), 4u);
}

TEST(DecoderTest, SectionSizeMismatch) {
  // Declared size 5, contents take 4 (one empty function type).
  expectMalformed(moduleBytes({{0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00}}),
                  "section size mismatch", kHeaderSize + 2 + 4);
  // Declared size 3, contents take 4: the item is read in full, then the
  // size is found wrong.
  expectMalformed(moduleBytes({{0x01, 0x03, 0x01, 0x60, 0x00, 0x00}, section(3, vec({}))}),
                  "section size mismatch", kHeaderSize + 2 + 4);
  // A start section with a trailing byte.
  expectMalformed(moduleBytes({{0x08, 0x02, 0x00, 0x00}}), "section size mismatch",
                  kHeaderSize + 2 + 1);
  // A data count section with a trailing byte.
  expectMalformed(moduleBytes({{0x0C, 0x02, 0x00, 0x00}}), "section size mismatch",
                  kHeaderSize + 2 + 1);
}

TEST(DecoderTest, LengthOutOfBounds) {
  // An import module name claiming 16 bytes.
  Bytes imports = {0x02, 0x05, 0x01, 0x10, 'a', 'b', 'c'};
  expectMalformed(moduleBytes({imports}), "length out of bounds", kHeaderSize + 3);
  // A custom section name is bounded by its section, not by the module.
  expectMalformed(moduleBytes({{0x00, 0x02, 0x05, 'a'}, section(0, name("abc"))}),
                  "length out of bounds", kHeaderSize + 2);
}

TEST(DecoderTest, CustomSectionWithoutName) {
  expectMalformed(moduleBytes({{0x00, 0x00}}), "unexpected end of section or function",
                  kHeaderSize + 2);
  expectMalformed(moduleBytes({section(0, {0x02, 0xC0, 0x80})}), "malformed UTF-8 encoding",
                  kHeaderSize + 3);
}

// --- types ---------------------------------------------------------------------

TEST(DecoderTest, Types) {
  Module module = decodeOk(moduleBytes(
      {section(1, vec({funcType({}, {}), funcType({ValType::I32, ValType::V128},
                                                   {ValType::FuncRef, ValType::ExternRef,
                                                    ValType::F64})}))}));
  ASSERT_EQ(module.types.size(), 2u);
  EXPECT_EQ(module.types[0], FuncType{});
  EXPECT_EQ(module.types[1].params, (std::vector<ValType>{ValType::I32, ValType::V128}));
  EXPECT_EQ(module.types[1].results,
            (std::vector<ValType>{ValType::FuncRef, ValType::ExternRef, ValType::F64}));
}

TEST(DecoderTest, MalformedTypes) {
  expectMalformed(moduleBytes({section(1, {0x01, 0x60, 0x01, 0x7A, 0x00})}),
                  "malformed value type", kHeaderSize + 2 + 3);
  expectMalformed(moduleBytes({section(1, {0x01, 0x60, 0x00, 0x01, 0x40})}),
                  "malformed value type", kHeaderSize + 2 + 4);
  // The spec suite classifies a function type form other than 0x60 this way.
  expectMalformed(moduleBytes({section(1, {0x01, 0xE0, 0x7F, 0x00, 0x00})}),
                  "integer representation too long", kHeaderSize + 2 + 1);
  // A vector count that the section cannot hold.
  expectMalformed(moduleBytes({section(1, {0x01, 0x60, 0x7F})}),
                  "unexpected end of section or function", kHeaderSize + 2 + 3);
}

// --- imports and exports --------------------------------------------------------

TEST(DecoderTest, ImportsOfEveryKind) {
  ModuleBuilder b;
  b.addType({ValType::I32}, {});
  b.importFunc("env", "f", 0);
  b.importTable("env", "t", ValType::ExternRef, limits(1, 10));
  b.importMemory("env", "m", limits(2));
  b.importGlobal("env", "g", ValType::F32, true);
  b.importFunc("env", "f2", 0);
  Module module = decodeOk(b.build());

  ASSERT_EQ(module.imports.size(), 5u);
  EXPECT_EQ(module.imports[0].module, "env");
  EXPECT_EQ(module.imports[0].name, "f");
  EXPECT_EQ(module.imports[0].kind, ExternKind::Func);
  EXPECT_EQ(module.imports[1].kind, ExternKind::Table);
  EXPECT_EQ(module.imports[1].table.elemType, ValType::ExternRef);
  EXPECT_EQ(module.imports[1].table.limits.min, 1u);
  EXPECT_TRUE(module.imports[1].table.limits.hasMax);
  EXPECT_EQ(module.imports[1].table.limits.max, 10u);
  EXPECT_EQ(module.imports[2].kind, ExternKind::Memory);
  EXPECT_EQ(module.imports[2].memory.limits.min, 2u);
  EXPECT_FALSE(module.imports[2].memory.limits.hasMax);
  EXPECT_EQ(module.imports[3].kind, ExternKind::Global);
  EXPECT_EQ(module.imports[3].global.type, ValType::F32);
  EXPECT_TRUE(module.imports[3].global.isMutable);
  EXPECT_EQ(module.imports[4].name, "f2");

  EXPECT_EQ(module.numImportedFuncs, 2u);
  EXPECT_EQ(module.numImportedTables, 1u);
  EXPECT_EQ(module.numImportedMemories, 1u);
  EXPECT_EQ(module.numImportedGlobals, 1u);
  EXPECT_EQ(module.funcTypes.size(), 2u);
  EXPECT_EQ(module.tables.size(), 1u);
  EXPECT_EQ(module.memories.size(), 1u);
  ASSERT_EQ(module.globalTypes.size(), 1u);
  EXPECT_TRUE(module.globals.empty()) << "imported globals have no initialiser";
  // Entries record where they start: the first right after the count, past
  // the 7-byte type section and the import section's id, size and count.
  EXPECT_EQ(module.imports[0].offset, kHeaderSize + 7 + 3);
}

TEST(DecoderTest, MalformedImportKind) {
  // count, "m", "f", kind 4
  Bytes imports = cat({{0x01}, name("m"), name("f"), {0x04, 0x00}});
  expectMalformed(moduleBytes({section(2, imports)}), "malformed import kind",
                  kHeaderSize + 2 + 5);
  imports[5] = 0x80;
  expectMalformed(moduleBytes({section(2, imports)}), "malformed import kind",
                  kHeaderSize + 2 + 5);
}

TEST(DecoderTest, Exports) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunc(0, {0x0B});
  b.addMemory(limits(0));
  b.addExport("run", ExternKind::Func, 0);
  b.addExport("mem", ExternKind::Memory, 0);
  Module module = decodeOk(b.build());
  ASSERT_EQ(module.exports.size(), 2u);
  EXPECT_EQ(module.exports[0].name, "run");
  EXPECT_EQ(module.exports[0].kind, ExternKind::Func);
  EXPECT_EQ(module.exports[1].name, "mem");
  EXPECT_EQ(module.exports[1].kind, ExternKind::Memory);
  EXPECT_EQ(module.exports[1].index, 0u);
}

TEST(DecoderTest, MalformedExportKind) {
  Bytes exports = cat({{0x01}, name("e"), {0x04, 0x00}});
  expectMalformed(moduleBytes({section(7, exports)}), "malformed export kind",
                  kHeaderSize + 2 + 3);
  exports = cat({{0x01}, name("e"), {0xFF, 0x00}});
  expectMalformed(moduleBytes({section(7, exports)}), "malformed export kind",
                  kHeaderSize + 2 + 3);
  exports = cat({{0x01}, name("e"), {0x00, 0x80}});
  expectMalformed(moduleBytes({section(7, exports)}), "unexpected end of section or function",
                  kHeaderSize + 2 + 5);
}

// --- limits, tables, memories, globals ---------------------------------------------

TEST(DecoderTest, Limits) {
  Module module = decodeOk(
      moduleBytes({section(4, vec({{0x70, 0x00, 0x03}, {0x6F, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF,
                                                         0x0F}})),
                   section(5, vec({{0x01, 0x80, 0x80, 0x04, 0x80, 0x80, 0x04}}))}));
  ASSERT_EQ(module.tables.size(), 2u);
  EXPECT_EQ(module.tables[0].elemType, ValType::FuncRef);
  EXPECT_EQ(module.tables[0].limits.min, 3u);
  EXPECT_FALSE(module.tables[0].limits.hasMax);
  EXPECT_EQ(module.tables[1].elemType, ValType::ExternRef);
  EXPECT_EQ(module.tables[1].limits.max, UINT32_MAX);
  ASSERT_EQ(module.memories.size(), 1u);
  EXPECT_EQ(module.memories[0].limits.min, 65536u);
  EXPECT_EQ(module.memories[0].limits.max, 65536u);
  EXPECT_TRUE(module.memories[0].limits.hasMax);
}

TEST(DecoderTest, MalformedLimitsFlags) {
  expectMalformed(moduleBytes({section(5, {0x01, 0x02, 0x00})}), "integer too large",
                  kHeaderSize + 3);
  expectMalformed(moduleBytes({section(5, {0x01, 0x03, 0x00, 0x00})}), "integer too large",
                  kHeaderSize + 3);
  expectMalformed(moduleBytes({section(5, {0x01, 0x81, 0x00, 0x00})}),
                  "integer representation too long", kHeaderSize + 3);
  expectMalformed(moduleBytes({section(4, {0x01, 0x70, 0x02, 0x00})}), "integer too large",
                  kHeaderSize + 4);
  Bytes import = cat({{0x01}, name("m"), name("n"), {0x02, 0x04, 0x00}});
  expectMalformed(moduleBytes({section(2, import)}), "integer too large", kHeaderSize + 2 + 6);
  // A memory minimum that is not a u32.
  expectMalformed(moduleBytes({section(5, {0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F})}),
                  "integer too large", kHeaderSize + 4);
}

TEST(DecoderTest, MalformedTableElementType) {
  expectMalformed(moduleBytes({section(4, {0x01, 0x7F, 0x00, 0x00})}),
                  "malformed reference type", kHeaderSize + 3);
  expectMalformed(moduleBytes({section(4, {0x01, 0x40, 0x00, 0x00})}), "malformed value type",
                  kHeaderSize + 3);
}

TEST(DecoderTest, Globals) {
  ModuleBuilder b;
  b.addGlobal(ValType::I64, true, cat({{0x42}, s64(-2), {0x0B}}));
  b.addGlobal(ValType::F32, false, {0x43, 0x00, 0x00, 0x80, 0x3F, 0x0B});
  b.addGlobal(ValType::ExternRef, false, {0xD0, 0x6F, 0x0B});
  Module module = decodeOk(b.build());
  ASSERT_EQ(module.globals.size(), 3u);
  EXPECT_TRUE(module.globals[0].type.isMutable);
  EXPECT_EQ(module.globals[0].init.kind, ConstExpr::Kind::I64);
  EXPECT_EQ(module.globals[0].init.i64(), uint64_t(-2));
  EXPECT_FALSE(module.globals[1].type.isMutable);
  EXPECT_EQ(module.globals[1].init.kind, ConstExpr::Kind::F32);
  EXPECT_EQ(module.globals[1].init.i32(), 0x3F800000u);
  EXPECT_EQ(module.globals[2].init.kind, ConstExpr::Kind::RefNull);
  EXPECT_EQ(module.globals[2].init.refType, ValType::ExternRef);
  EXPECT_EQ(module.globalTypes.size(), 3u);
}

TEST(DecoderTest, MalformedMutability) {
  expectMalformed(moduleBytes({section(6, {0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B})}),
                  "malformed mutability", kHeaderSize + 4);
  expectMalformed(moduleBytes({section(6, {0x01, 0x7F, 0xFF, 0x41, 0x00, 0x0B})}),
                  "malformed mutability", kHeaderSize + 4);
  Bytes import = cat({{0x01}, name("m"), name("g"), {0x03, 0x7E, 0x02}});
  expectMalformed(moduleBytes({section(2, import)}), "malformed mutability", kHeaderSize + 2 + 7);
}

TEST(DecoderTest, GlobalInitializerWithoutEnd) {
  expectMalformed(moduleBytes({section(6, {0x01, 0x7F, 0x00, 0x41, 0x00})}),
                  "unexpected end of section or function", kHeaderSize + 7);
}

// --- element segments --------------------------------------------------------------

/// Two functions, two funcref tables; the segments under test get appended.
ModuleBuilder elemModule() {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunc(0, {0x0B});
  b.addFunc(0, {0x0B});
  b.addTable(ValType::FuncRef, limits(10));
  b.addTable(ValType::FuncRef, limits(10));
  return b;
}

void expectFuncItems(const ElemSegment& seg, std::vector<uint32_t> indices) {
  ASSERT_EQ(seg.items.size(), indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    EXPECT_EQ(seg.items[i].kind, ConstExpr::Kind::RefFunc);
    EXPECT_EQ(seg.items[i].index, indices[i]);
    EXPECT_EQ(seg.items[i].numInstrs, 1u);
  }
}

TEST(DecoderTest, ElementSegmentEncodings) {
  ModuleBuilder b = elemModule();
  Bytes funcs = vec({u32(1), u32(0)});
  b.addElem(cat({{0x00}, i32ConstExpr(5), funcs}));                        // 0
  b.addElem(cat({{0x01, 0x00}, funcs}));                                   // 1
  b.addElem(cat({{0x02}, u32(1), i32ConstExpr(7), {0x00}, funcs}));        // 2
  b.addElem(cat({{0x03, 0x00}, funcs}));                                   // 3
  b.addElem(cat({{0x04}, i32ConstExpr(1), vec({{0xD2, 0x01, 0x0B}, {0xD0, 0x70, 0x0B}})})); // 4
  b.addElem(cat({{0x05, 0x6F}, vec({{0xD0, 0x6F, 0x0B}})}));               // 5
  b.addElem(cat({{0x06}, u32(1), i32ConstExpr(2), {0x70}, vec({{0xD2, 0x00, 0x0B}})})); // 6
  b.addElem(cat({{0x07, 0x70}, vec({{0xD2, 0x00, 0x0B}, {0xD2, 0x01, 0x0B}})}));      // 7
  Bytes bytes = b.build();
  Module module = decodeOk(bytes);
  ASSERT_EQ(module.elems.size(), 8u);
  const auto& e = module.elems;

  EXPECT_EQ(e[0].mode, SegmentMode::Active);
  EXPECT_EQ(e[0].table, 0u);
  EXPECT_EQ(e[0].elemType, ValType::FuncRef);
  EXPECT_EQ(e[0].offset.kind, ConstExpr::Kind::I32);
  EXPECT_EQ(e[0].offset.i32(), 5u);
  expectFuncItems(e[0], {1, 0});

  EXPECT_EQ(e[1].mode, SegmentMode::Passive);
  EXPECT_EQ(e[1].elemType, ValType::FuncRef);
  expectFuncItems(e[1], {1, 0});

  EXPECT_EQ(e[2].mode, SegmentMode::Active);
  EXPECT_EQ(e[2].table, 1u);
  EXPECT_EQ(e[2].offset.i32(), 7u);
  EXPECT_EQ(e[2].elemType, ValType::FuncRef);
  expectFuncItems(e[2], {1, 0});

  EXPECT_EQ(e[3].mode, SegmentMode::Declarative);
  EXPECT_EQ(e[3].elemType, ValType::FuncRef);
  expectFuncItems(e[3], {1, 0});

  EXPECT_EQ(e[4].mode, SegmentMode::Active);
  EXPECT_EQ(e[4].table, 0u);
  EXPECT_EQ(e[4].offset.i32(), 1u);
  EXPECT_EQ(e[4].elemType, ValType::FuncRef);
  ASSERT_EQ(e[4].items.size(), 2u);
  EXPECT_EQ(e[4].items[0].kind, ConstExpr::Kind::RefFunc);
  EXPECT_EQ(e[4].items[0].index, 1u);
  EXPECT_EQ(e[4].items[1].kind, ConstExpr::Kind::RefNull);
  EXPECT_EQ(e[4].items[1].refType, ValType::FuncRef);

  EXPECT_EQ(e[5].mode, SegmentMode::Passive);
  EXPECT_EQ(e[5].elemType, ValType::ExternRef);
  ASSERT_EQ(e[5].items.size(), 1u);
  EXPECT_EQ(e[5].items[0].kind, ConstExpr::Kind::RefNull);
  EXPECT_EQ(e[5].items[0].refType, ValType::ExternRef);

  EXPECT_EQ(e[6].mode, SegmentMode::Active);
  EXPECT_EQ(e[6].table, 1u);
  EXPECT_EQ(e[6].offset.i32(), 2u);
  EXPECT_EQ(e[6].elemType, ValType::FuncRef);
  ASSERT_EQ(e[6].items.size(), 1u);
  EXPECT_EQ(e[6].items[0].kind, ConstExpr::Kind::RefFunc);

  EXPECT_EQ(e[7].mode, SegmentMode::Declarative);
  EXPECT_EQ(e[7].elemType, ValType::FuncRef);
  ASSERT_EQ(e[7].items.size(), 2u);
  EXPECT_EQ(e[7].items[1].index, 1u);

  // Item ranges point at the encoded items.
  const ConstExpr& item = e[4].items[1];
  ASSERT_EQ(item.range.size, 3u);
  EXPECT_EQ(bytes[item.range.offset], 0xD0);
  // Each segment records where it starts (its flags byte).
  EXPECT_EQ(bytes[e[6].sectionOffset], 0x06);

  // The whole thing is also valid.
  auto valid = validateModule(module);
  EXPECT_TRUE(valid.hasValue()) << valid.error().describe();
}

TEST(DecoderTest, MalformedElementSegmentKind) {
  // The element section is the last one, so its segment's flags byte sits
  // two bytes before the end (flags, then whatever follows).
  auto build = [](Bytes segment) {
    ModuleBuilder b;
    b.addTable(ValType::FuncRef, limits(1));
    b.addElem(std::move(segment));
    return b.build();
  };
  Bytes bytes = build(cat({{0x08}, vec({})}));
  expectMalformed(bytes, "malformed elements segment kind", bytes.size() - 2);
  bytes = build(cat({{0x80, 0x01}, vec({})})); // 128 as a two-byte u32
  expectMalformed(bytes, "malformed elements segment kind", bytes.size() - 3);
  // Flags 1 (passive, elemkind) with an elemkind other than 0x00.
  bytes = build(cat({{0x01, 0x01}, vec({})}));
  expectMalformed(bytes, "malformed elements segment kind", bytes.size() - 2);
  // Flags 5 (passive, expressions) with a non-reference type.
  bytes = build(cat({{0x05, 0x7F}, vec({})}));
  expectMalformed(bytes, "malformed reference type", bytes.size() - 2);
}

TEST(DecoderTest, ElementSegmentsWithNonConstantExpressionsStillDecode) {
  // Constant-ness is a validation matter, not a binary one.
  ModuleBuilder b = elemModule();
  b.addElem(cat({{0x00}, {0x41, 0x00, 0x41, 0x01, 0x6D, 0x0B}, vec({})})); // i32.div_s
  Module module = decodeOk(b.build());
  ASSERT_EQ(module.elems.size(), 1u);
  EXPECT_FALSE(module.elems[0].offset.allConstant);
  EXPECT_EQ(module.elems[0].offset.numInstrs, 3u);
}

// --- data segments ---------------------------------------------------------------

TEST(DecoderTest, DataSegmentEncodings) {
  ModuleBuilder b;
  b.addMemory(limits(1));
  b.addData(cat({{0x00}, i32ConstExpr(16), name("hi")}));
  b.addData(cat({{0x01}, name("abc")}));
  b.addData(cat({{0x02}, u32(1), i32ConstExpr(4), name("xyz")}));
  b.addData(cat({{0x01}, name("")}));
  Bytes bytes = b.build();
  Module module = decodeOk(bytes);
  ASSERT_EQ(module.datas.size(), 4u);
  auto text = [&](const DataSegment& seg) {
    auto span = module.slice(seg.bytes);
    return std::string(span.begin(), span.end());
  };
  EXPECT_EQ(module.datas[0].mode, SegmentMode::Active);
  EXPECT_EQ(module.datas[0].memory, 0u);
  EXPECT_EQ(module.datas[0].offset.i32(), 16u);
  EXPECT_EQ(text(module.datas[0]), "hi");
  EXPECT_EQ(module.datas[1].mode, SegmentMode::Passive);
  EXPECT_EQ(text(module.datas[1]), "abc");
  EXPECT_EQ(module.datas[2].mode, SegmentMode::Active);
  EXPECT_EQ(module.datas[2].memory, 1u);
  EXPECT_EQ(module.datas[2].offset.i32(), 4u);
  EXPECT_EQ(text(module.datas[2]), "xyz");
  EXPECT_EQ(module.datas[3].bytes.size, 0u);
  EXPECT_EQ(bytes[module.datas[2].sectionOffset], 0x02);
}

TEST(DecoderTest, MalformedDataSegments) {
  {
    ModuleBuilder b;
    b.addMemory(limits(1));
    b.addData(cat({{0x03}, name("")}));
    Bytes bytes = b.build();
    expectMalformed(bytes, "malformed data segment kind", bytes.size() - 2);
  }
  {
    // Flags that are not a one-byte u32 are still read as an integer.
    ModuleBuilder b;
    b.addData(cat({{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}}));
    Bytes bytes = b.build();
    expectMalformed(bytes, "integer representation too long", bytes.size() - 6);
  }
  {
    // Data bytes running past the end.
    ModuleBuilder b;
    b.addData(cat({{0x01, 0x05}, {'a', 'b'}}));
    Bytes bytes = b.build();
    expectMalformed(bytes, "unexpected end of section or function", bytes.size() - 2);
  }
}

TEST(DecoderTest, DataCount) {
  {
    ModuleBuilder b;
    b.addMemory(limits(1));
    b.setDataCount(2);
    b.addData(cat({{0x01}, name("a")}));
    b.addData(cat({{0x01}, name("b")}));
    Module module = decodeOk(b.build());
    ASSERT_TRUE(module.dataCount.has_value());
    EXPECT_EQ(*module.dataCount, 2u);
  }
  {
    ModuleBuilder b;
    b.setDataCount(0);
    Module module = decodeOk(b.build());
    ASSERT_TRUE(module.dataCount.has_value());
    EXPECT_EQ(*module.dataCount, 0u);
  }
}

TEST(DecoderTest, DataCountInconsistentWithDataSection) {
  const std::string message = "data count and data section have inconsistent lengths";
  {
    ModuleBuilder b;
    b.addMemory(limits(1));
    b.setDataCount(2);
    b.addData(cat({{0x01}, name("a")}));
    Bytes bytes = b.build();
    // Diagnosed right after the data section's count.
    expectMalformed(bytes, message, bytes.size() - 3);
  }
  {
    // A data count with no data section at all: diagnosed at the end.
    ModuleBuilder b;
    b.setDataCount(1);
    Bytes bytes = b.build();
    expectMalformed(bytes, message, bytes.size());
  }
}

TEST(DecoderTest, DataCountRequiredByMemoryInitAndDataDrop) {
  for (Bytes body : {Bytes{0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B},
                     Bytes{0x01, 0xFC, 0x09, 0x00, 0x0B}}) {
    ModuleBuilder b;
    b.addType({}, {});
    b.addMemory(limits(1));
    b.addFunc(0, body);
    b.addData(cat({{0x01}, name("a")}));
    Bytes bytes = b.build();
    const uint32_t at = b.bodyOffset(0) + (body[0] == 0x01 ? 1 : 6);
    expectMalformed(bytes, "data count section required", at);
  }
}

// --- functions and code ------------------------------------------------------------

TEST(DecoderTest, FunctionsAndBodies) {
  ModuleBuilder b;
  b.addType({ValType::I32}, {ValType::I32});
  b.importFunc("env", "imp", 0);
  b.addFunc(0, {0x20, 0x00, 0x0B}, {{2, ValType::I64}, {1, ValType::F32}});
  b.addFunc(0, {0x41, 0x07, 0x0B});
  Bytes bytes = b.build();
  Module module = decodeOk(bytes);
  ASSERT_EQ(module.functions.size(), 2u);
  EXPECT_EQ(module.funcTypes.size(), 3u);
  EXPECT_EQ(module.functions[0].numLocals, 3u);
  ASSERT_EQ(module.functions[0].locals.size(), 2u);
  EXPECT_EQ(module.functions[0].locals[0].count, 2u);
  EXPECT_EQ(module.functions[0].locals[0].type, ValType::I64);
  EXPECT_EQ(module.functions[0].locals[1].type, ValType::F32);
  EXPECT_EQ(module.functions[0].body.offset, b.bodyOffset(0));
  EXPECT_EQ(module.functions[0].body.size, 3u);
  EXPECT_EQ(module.functions[1].body.offset, b.bodyOffset(1));
  EXPECT_EQ(module.functions[1].numLocals, 0u);
  EXPECT_EQ(module.slice(module.functions[1].body)[1], 0x07);
  EXPECT_TRUE(module.isImportedFunc(0));
  EXPECT_FALSE(module.isImportedFunc(1));
  EXPECT_EQ(&module.definedFunc(2), &module.functions[1]);
}

TEST(DecoderTest, FunctionAndCodeCountsMustAgree) {
  const std::string message = "function and code section have inconsistent lengths";
  Bytes types = section(1, vec({funcType({}, {})}));
  Bytes body = {0x02, 0x00, 0x0B};
  // Two declared, one body: diagnosed after the code section's count.
  Bytes twoFuncs = section(3, vec({u32(0), u32(0)}));
  Bytes oneCode = section(10, vec({body}));
  expectMalformed(moduleBytes({types, twoFuncs, oneCode}), message,
                  kHeaderSize + types.size() + twoFuncs.size() + 3);
  // Declared but no code section: diagnosed at the end of the module.
  Bytes oneFunc = section(3, vec({u32(0)}));
  Bytes noCode = moduleBytes({types, oneFunc});
  expectMalformed(noCode, message, noCode.size());
  // A body without a declaration.
  expectMalformed(moduleBytes({types, oneCode}), message, kHeaderSize + types.size() + 3);
  // Zero and zero, with or without the sections, is fine.
  decodeOk(moduleBytes({types, section(3, vec({})), section(10, vec({}))}));
  decodeOk(moduleBytes({types, section(3, vec({}))}));
}

TEST(DecoderTest, TooManyLocals) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunc(0, {0x0B}, {{0xFFFFFFFF, ValType::I32}, {1, ValType::I64}});
  Bytes bytes = b.build();
  // Points at the local declarations: the body start less the two groups
  // (5 + 1 and 1 + 1 bytes) and their count.
  expectMalformed(bytes, "too many locals", b.bodyOffset(0) - 9);

  ModuleBuilder ok;
  ok.addType({}, {});
  ok.addFunc(0, {0x0B}, {{0xFFFFFFFE, ValType::I32}, {1, ValType::I64}});
  Module module = decodeOk(ok.build());
  EXPECT_EQ(module.functions[0].numLocals, uint64_t(UINT32_MAX));
}

TEST(DecoderTest, MalformedLocalType) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunc(0, {0x0B}, {{1, static_cast<ValType>(0x40)}});
  Bytes bytes = b.build();
  expectMalformed(bytes, "malformed value type", b.bodyOffset(0) - 1);
}

/// One imported function and two defined ones; the second defined body
/// (function index 2) is `body`.
Bytes moduleWithSecondBody(const Bytes& body, uint32_t* bodyOffset) {
  ModuleBuilder b;
  b.addType({}, {});
  b.importFunc("env", "f", 0);
  b.addFunc(0, {0x01, 0x0B});
  b.addFunc(0, body);
  b.addMemory(limits(1));
  Bytes bytes = b.build();
  *bodyOffset = b.bodyOffset(1);
  return bytes;
}

TEST(DecoderTest, BodyErrorsCarryOffsetAndFunctionIndex) {
  struct Case {
    Bytes body;
    std::string message;
    uint32_t at; // relative to the body
  };
  const Case cases[] = {
      {{0x01, 0x06, 0x0B}, "illegal opcode", 1},               // try: not in 2.0
      {{0x01, 0x01, 0xFF, 0x0B}, "illegal opcode", 2},
      {{0xFC, 0x12, 0x0B}, "illegal opcode", 0},               // past the last 0xFC op
      {{0xFD, 0x94, 0x02, 0x0B}, "illegal opcode", 0},         // past the last 0xFD op (0x113)
      {{0x3F, 0x01, 0x1A, 0x0B}, "zero byte expected", 1},     // memory.size 1
      {{0x41, 0x00, 0x40, 0x80, 0x00, 0x1A, 0x0B}, "zero byte expected", 3},
      {{0x01, 0x05, 0x0B}, "END opcode expected", 1},          // else outside if
      {{0x02, 0x40, 0x05, 0x0B, 0x0B}, "END opcode expected", 2},
      {{0xD0, 0x7F, 0x1A, 0x0B}, "malformed reference type", 1},
      {{0x1C, 0x01, 0x7A, 0x0B}, "malformed value type", 2},
      {{0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x1A, 0x0B}, "integer too large", 1},
      {{0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B},
       "integer representation too long", 1},
      {{0x20, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1A, 0x0B}, "integer too large", 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    uint32_t bodyOffset = 0;
    Bytes bytes = moduleWithSecondBody(c.body, &bodyOffset);
    Error error = expectMalformed(bytes, c.message, bodyOffset + c.at);
    EXPECT_EQ(error.function, 2u);
  }
}

TEST(DecoderTest, BodyWithoutEnd) {
  uint32_t bodyOffset = 0;
  Bytes bytes = moduleWithSecondBody({0x01, 0x01}, &bodyOffset);
  // The code section is the last: the body runs into the end of the module.
  Error error = expectMalformed(bytes, "unexpected end of section or function", bytes.size());
  EXPECT_EQ(error.function, 2u);
}

TEST(DecoderTest, BodyWithBytesAfterEnd) {
  uint32_t bodyOffset = 0;
  Bytes bytes = moduleWithSecondBody({0x0B, 0x01}, &bodyOffset);
  expectMalformed(bytes, "section size mismatch", bodyOffset + 1);
}

TEST(DecoderTest, StartSection) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunc(0, {0x0B});
  b.setStart(0);
  Bytes bytes = b.build();
  Module module = decodeOk(bytes);
  ASSERT_TRUE(module.start.has_value());
  EXPECT_EQ(*module.start, 0u);
  EXPECT_EQ(bytes[module.startOffset - 2], 0x08);
}

// --- custom and name sections --------------------------------------------------------

TEST(DecoderTest, CustomSectionsAreKept) {
  Bytes bytes = moduleBytes({section(0, cat({name("first"), {1, 2, 3}})), section(1, vec({})),
                             section(0, name("empty")), section(0, cat({name("é"), {9}}))});
  Module module = decodeOk(bytes);
  ASSERT_EQ(module.customs.size(), 3u);
  EXPECT_EQ(module.customs[0].name, "first");
  auto contents = module.slice(module.customs[0].contents);
  EXPECT_EQ(Bytes(contents.begin(), contents.end()), (Bytes{1, 2, 3}));
  EXPECT_EQ(module.customs[0].contents.offset, kHeaderSize + 2 + 6);
  EXPECT_EQ(module.customs[1].name, "empty");
  EXPECT_EQ(module.customs[1].contents.size, 0u);
  EXPECT_EQ(module.customs[2].name, "é");
  EXPECT_EQ(module.customs[2].contents.size, 1u);
}

Bytes nameSubsection(uint8_t id, const Bytes& contents) { return section(id, contents); }

TEST(DecoderTest, NameSection) {
  ModuleBuilder b;
  b.addType({ValType::I32}, {});
  b.importFunc("env", "imp", 0);
  b.addFunc(0, {0x0B}, {{1, ValType::I64}});
  Bytes functionNames = vec({cat({u32(0), name("imported")}), cat({u32(1), name("main")})});
  Bytes localNames = vec({cat({u32(1), vec({cat({u32(0), name("arg")}),
                                            cat({u32(1), name("tmp")})})})});
  b.addCustom("name", cat({nameSubsection(0, name("mod")), nameSubsection(1, functionNames),
                           nameSubsection(2, localNames),
                           nameSubsection(7, {1, 2, 3})})); // a later proposal's subsection
  Module module = decodeOk(b.build());
  EXPECT_EQ(module.names.module, "mod");
  ASSERT_EQ(module.names.functions.size(), 2u);
  EXPECT_EQ(module.funcName(0), "imported");
  EXPECT_EQ(module.funcName(1), "main");
  EXPECT_EQ(module.funcName(5), "");
  ASSERT_EQ(module.names.locals.count(1), 1u);
  EXPECT_EQ(module.names.locals.at(1).at(0), "arg");
  EXPECT_EQ(module.names.locals.at(1).at(1), "tmp");
  ASSERT_EQ(module.customs.size(), 1u);
  EXPECT_EQ(module.customs[0].name, "name");
}

TEST(DecoderTest, BrokenNameSectionIsIgnored) {
  const std::vector<Bytes> broken = {
      // Subsection size beyond the section.
      {0x01, 0x40, 0x01},
      // Truncated function name map.
      cat({nameSubsection(1, {0x02, 0x00, 0x01, 'a'})}),
      // Invalid UTF-8 in a function name.
      cat({nameSubsection(1, vec({cat({u32(0), {0x02, 0xC0, 0x80}})}))}),
      // A bad LEB128 index.
      cat({nameSubsection(1, {0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00})}),
      // Only a subsection id.
      {0x01},
  };
  for (const Bytes& contents : broken) {
    ModuleBuilder b;
    b.addType({}, {});
    b.addFunc(0, {0x0B});
    b.addCustom("name", contents);
    Bytes bytes = b.build();
    auto result = loadModule(bytes);
    ASSERT_TRUE(result.hasValue()) << result.error().describe();
    EXPECT_TRUE(result->names.functions.empty());
    EXPECT_EQ(result->customs.size(), 1u);
  }
}

TEST(DecoderTest, BrokenNameSectionKeepsWhatCameBefore) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunc(0, {0x0B});
  b.addCustom("name", cat({nameSubsection(0, name("mod")), {0x01, 0x7F, 0x00}}));
  Module module = decodeOk(b.build());
  EXPECT_EQ(module.names.module, "mod");
  EXPECT_TRUE(module.names.functions.empty());
}

TEST(DecoderTest, ModuleOwnsACopyOfTheBytes) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunc(0, {0x0B});
  Bytes bytes = b.build();
  Module module = decodeOk(bytes);
  std::fill(bytes.begin(), bytes.end(), 0);
  EXPECT_EQ(module.bytes[0], 0x00);
  EXPECT_EQ(module.bytes[1], 0x61);
  EXPECT_EQ(module.slice(module.functions[0].body)[0], 0x0B);
}

} // namespace
} // namespace wasmc::wasm
