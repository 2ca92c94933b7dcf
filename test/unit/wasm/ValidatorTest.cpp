// validateModule / loadModule: the module-level rules (constant expressions,
// exports, start, memories, limits, segments, type indices). Body typing is
// covered by TypeCheckerTest. Errors are ErrorKind::Invalid with the spec
// suite's wording and no function index.

#include "compiler/wasm/Decoder.h"
#include "compiler/wasm/Validator.h"
#include "test/unit/wasm/ModuleBuilder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace wasmc::wasm {
namespace {

using namespace wasmc::wasm::test;
using V = ValType;

const std::string kMismatch = "type mismatch";
/// In a module whose first section is the import section, the first import
/// entry follows the header and the section's id, size and count.
constexpr uint64_t kFirstImportAt = 8 + 3;
const std::string kConstRequired = "constant expression required";

void expectValid(const Bytes& bytes, const Features& features = {}) {
  auto result = loadModule(bytes, features);
  EXPECT_TRUE(result.hasValue()) << result.error().describe();
}

/// Decodes (which must succeed), then validates, which must fail with
/// `message` at `offset`.
Error expectInvalid(const Bytes& bytes, const std::string& message, uint64_t offset,
                    const Features& features = {}) {
  auto module = decodeModule(bytes);
  if (!module) {
    ADD_FAILURE() << "decode failed: " << module.error().describe();
    return Error{};
  }
  auto result = validateModule(*module, features);
  if (result) {
    ADD_FAILURE() << "valid, expected \"" << message << "\"";
    return Error{};
  }
  const Error& error = result.error();
  EXPECT_EQ(error.kind, ErrorKind::Invalid);
  EXPECT_EQ(error.message, message);
  EXPECT_EQ(error.offset, offset) << error.describe();
  EXPECT_EQ(error.function, kNoFunction);
  // loadModule reports the same error.
  auto loaded = loadModule(bytes, features);
  EXPECT_FALSE(loaded.hasValue());
  if (!loaded)
    EXPECT_EQ(loaded.error().describe(), error.describe());
  return error;
}

// --- loadModule ---------------------------------------------------------------------------

TEST(ValidatorTest, LoadsAModuleUsingEveryKindOfSection) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addType({V::I32}, {V::I32});
  b.importFunc("env", "f", 1);
  b.importGlobal("env", "base", V::I32, false);
  b.addFunc(0, {0x0B});
  b.addFunc(1, {0x20, 0x00, 0x10, 0x00, 0x0B});
  b.addTable(V::FuncRef, limits(2, 10));
  b.addMemory(limits(1, 2));
  b.addGlobal(V::I32, true, {0x23, 0x00, 0x0B});
  b.addGlobal(V::FuncRef, false, {0xD2, 0x01, 0x0B});
  b.addGlobal(V::V128, false, cat({{0xFD, 0x0C}, Bytes(16, 0x01), {0x0B}}));
  b.addExport("run", ExternKind::Func, 1);
  b.addExport("mem", ExternKind::Memory, 0);
  b.addExport("tab", ExternKind::Table, 0);
  b.addExport("g", ExternKind::Global, 1);
  b.setStart(1);
  b.addElem(cat({{0x00}, {0x23, 0x00, 0x0B}, vec({u32(1), u32(2)})}));
  b.setDataCount(1);
  b.addData(cat({{0x00}, i32ConstExpr(0), name("data")}));
  b.addCustom("name", {});
  Bytes bytes = b.build();
  auto module = loadModule(bytes);
  ASSERT_TRUE(module.hasValue()) << module.error().describe();
  EXPECT_EQ(module->funcTypes.size(), 3u);
  EXPECT_EQ(module->globals.size(), 3u);
  EXPECT_EQ(module->globalTypes.size(), 4u);
}

TEST(ValidatorTest, LoadModuleReportsMalformedFirst) {
  auto result = loadModule(Bytes{0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00});
  ASSERT_FALSE(result.hasValue());
  EXPECT_EQ(result.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(result.error().message, "unknown binary version");
}

// --- constant expressions -----------------------------------------------------------------

/// A module whose last section is the global section with a single global
/// `type` initialised by `init`; returns the bytes and sets `initAt` to the
/// offset of the initialiser's first byte.
Bytes oneGlobal(V type, const Bytes& init, uint64_t* initAt, bool withImports = false) {
  ModuleBuilder b;
  if (withImports) {
    b.importGlobal("env", "imm", V::I32, false);
    b.importGlobal("env", "mut", V::I32, true);
  }
  b.addType({}, {});
  b.addFunc(0, {0x0B});
  b.addGlobal(type, false, init);
  Bytes bytes = b.build();
  // The global section comes just before the code section: id, size,
  // count, and one entry (size, no locals, `end`): 6 bytes.
  *initAt = bytes.size() - 6 - init.size();
  return bytes;
}

TEST(ValidatorTest, ConstantExpressions) {
  uint64_t at = 0;
  expectValid(oneGlobal(V::I64, {0x42, 0x7F, 0x0B}, &at));
  expectValid(oneGlobal(V::F32, {0x43, 0, 0, 0, 0, 0x0B}, &at));
  expectValid(oneGlobal(V::F64, {0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B}, &at));
  expectValid(oneGlobal(V::ExternRef, {0xD0, 0x6F, 0x0B}, &at));
  expectValid(oneGlobal(V::FuncRef, {0xD2, 0x00, 0x0B}, &at));
  expectValid(oneGlobal(V::I32, {0x23, 0x00, 0x0B}, &at, true));
}

TEST(ValidatorTest, ConstantExpressionRequired) {
  uint64_t at = 0;
  // i32.add: 2.0 refuses it, naming the feature that allows it.
  Bytes bytes = oneGlobal(V::I32, {0x41, 0x00, 0x41, 0x01, 0x6A, 0x0B}, &at);
  expectInvalid(bytes, kConstRequired + " (arithmetic in one needs --wasm extended-const=y)", at + 4,
                Features::wasm20());
  bytes = oneGlobal(V::I32, {0x01, 0x41, 0x00, 0x0B}, &at);
  expectInvalid(bytes, kConstRequired, at);
  bytes = oneGlobal(V::I32, {0x41, 0x00, 0x1A, 0x41, 0x00, 0x0B}, &at);
  expectInvalid(bytes, kConstRequired, at + 2);
  // global.get of a mutable global is not constant.
  bytes = oneGlobal(V::I32, {0x23, 0x01, 0x0B}, &at, true);
  expectInvalid(bytes, kConstRequired, at);
}

TEST(ValidatorTest, ConstantExpressionTypes) {
  uint64_t at = 0;
  Bytes bytes = oneGlobal(V::I32, {0x0B}, &at);
  expectInvalid(bytes, kMismatch, at);
  bytes = oneGlobal(V::I32, {0x41, 0x00, 0x41, 0x00, 0x0B}, &at);
  expectInvalid(bytes, kMismatch, at);
  bytes = oneGlobal(V::I64, {0x41, 0x00, 0x0B}, &at);
  expectInvalid(bytes, kMismatch, at);
  bytes = oneGlobal(V::FuncRef, {0xD0, 0x6F, 0x0B}, &at);
  expectInvalid(bytes, kMismatch, at);
  bytes = oneGlobal(V::F32, {0x23, 0x00, 0x0B}, &at, true);
  expectInvalid(bytes, kMismatch, at);
}

TEST(ValidatorTest, ConstantExpressionIndices) {
  uint64_t at = 0;
  Bytes bytes = oneGlobal(V::FuncRef, {0xD2, 0x03, 0x0B}, &at);
  expectInvalid(bytes, "unknown function 3", at);
  bytes = oneGlobal(V::I32, {0x23, 0x02, 0x0B}, &at, true);
  expectInvalid(bytes, "unknown global 2", at);
  // In 2.0 an initialiser may only read imported globals, not defined ones
  // (3.0, with gc: those defined before it).
  ModuleBuilder b;
  b.addGlobal(V::I32, false, i32ConstExpr(1));
  b.addGlobal(V::I32, false, {0x23, 0x00, 0x0B});
  bytes = b.build();
  expectInvalid(bytes, "unknown global 0 (global.get of a global the module defines needs --wasm gc=y)",
                bytes.size() - 3, Features::wasm20());
  expectValid(bytes);
  // Not itself, nor a later one, nor a mutable one.
  ModuleBuilder self;
  self.addGlobal(V::I32, false, {0x23, 0x00, 0x0B});
  bytes = self.build();
  expectInvalid(bytes, "unknown global 0", bytes.size() - 3);
  ModuleBuilder later;
  later.addGlobal(V::I32, false, {0x23, 0x01, 0x0B});
  later.addGlobal(V::I32, false, i32ConstExpr(1));
  bytes = later.build();
  expectInvalid(bytes, "unknown global 1", bytes.size() - 8);
  ModuleBuilder mutableOne;
  mutableOne.addGlobal(V::I32, true, i32ConstExpr(1));
  mutableOne.addGlobal(V::I32, false, {0x23, 0x00, 0x0B});
  bytes = mutableOne.build();
  expectInvalid(bytes, kConstRequired, bytes.size() - 3);
}

// Extended constant expressions (3.0): i32/i64 add, sub and mul, typed
// like instructions, leaving exactly one value of the global's type.
TEST(ValidatorTest, ExtendedConstantExpressions) {
  uint64_t at = 0;
  expectValid(oneGlobal(V::I32, {0x41, 0x02, 0x41, 0x03, 0x6C, 0x41, 0x01, 0x6B, 0x0B}, &at)); // 2*3-1
  expectValid(oneGlobal(V::I64, {0x42, 0x02, 0x42, 0x03, 0x7C, 0x42, 0x04, 0x7E, 0x0B}, &at)); // (2+3)*4
  expectValid(oneGlobal(V::I32, {0x23, 0x00, 0x41, 0x2A, 0x6A, 0x0B}, &at, true));              // import + 42
  // Operands of the wrong type, too few, or a value left over.
  expectInvalid(oneGlobal(V::I32, {0x42, 0x01, 0x41, 0x01, 0x6A, 0x0B}, &at), kMismatch, at);
  expectInvalid(oneGlobal(V::I32, {0x41, 0x01, 0x6A, 0x0B}, &at), kMismatch, at);
  expectInvalid(oneGlobal(V::I32, {0x41, 0x01, 0x41, 0x01, 0x41, 0x01, 0x6A, 0x0B}, &at), kMismatch, at);
  expectInvalid(oneGlobal(V::I64, {0x41, 0x01, 0x41, 0x01, 0x6A, 0x0B}, &at), kMismatch, at);
  // Other arithmetic is not constant.
  expectInvalid(oneGlobal(V::I32, {0x41, 0x01, 0x41, 0x01, 0x6D, 0x0B}, &at), kConstRequired, at + 4);
}

TEST(Features, SetByName) {
  Features features;
  EXPECT_TRUE(setFeature(features, "gc=n"));
  EXPECT_FALSE(features.gc);
  EXPECT_TRUE(setFeature(features, "extended-const=no"));
  EXPECT_TRUE(setFeature(features, "relaxed-simd=false"));
  EXPECT_TRUE(setFeature(features, "tail-call=n"));
  EXPECT_EQ(features, Features::wasm20());
  EXPECT_TRUE(setFeature(features, "gc"));
  EXPECT_TRUE(features.gc);
  EXPECT_EQ(describeFeatures(features), "extended-const=n,gc=y,relaxed-simd=n,tail-call=n");
  auto unknown = setFeature(features, "threads=y");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "--wasm: unknown feature 'threads' (known: extended-const, gc, relaxed-simd, tail-call)");
  EXPECT_FALSE(setFeature(features, "gc=maybe"));
}

TEST(ValidatorTest, SegmentOffsetsAreConstantI32) {
  {
    ModuleBuilder b;
    b.addTable(V::FuncRef, limits(1));
    b.addElem(cat({{0x00}, {0x41, 0x00, 0x41, 0x00, 0x6D, 0x0B}, vec({})})); // i32.div_s
    Bytes bytes = b.build();
    expectInvalid(bytes, kConstRequired, bytes.size() - 3);
  }
  {
    ModuleBuilder b;
    b.addMemory(limits(1));
    b.addData(cat({{0x00}, {0x42, 0x00, 0x0B}, name("")}));
    Bytes bytes = b.build();
    expectInvalid(bytes, kMismatch, bytes.size() - 4);
  }
}

// --- exports ----------------------------------------------------------------------------------

TEST(ValidatorTest, DuplicateExportName) {
  ModuleBuilder b;
  b.addMemory(limits(1));
  b.addExport("a", ExternKind::Memory, 0);
  b.addExport("b", ExternKind::Memory, 0);
  b.addExport("a", ExternKind::Memory, 0);
  Bytes bytes = b.build();
  // The export section is last; the third entry is its last 4 bytes.
  expectInvalid(bytes, "duplicate export name", bytes.size() - 4);
  // Distinct names for the same item are fine.
  ModuleBuilder ok;
  ok.addMemory(limits(1));
  ok.addExport("a", ExternKind::Memory, 0);
  ok.addExport("A", ExternKind::Memory, 0);
  ok.addExport("", ExternKind::Memory, 0);
  expectValid(ok.build());
}

TEST(ValidatorTest, ExportOfUnknownItems) {
  struct Case {
    ExternKind kind;
    std::string message;
  };
  const Case cases[] = {{ExternKind::Func, "unknown function 1"},
                        {ExternKind::Table, "unknown table 1"},
                        {ExternKind::Memory, "unknown memory 1"},
                        {ExternKind::Global, "unknown global 1"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    ModuleBuilder b;
    b.addType({}, {});
    b.addFunc(0, {0x0B});
    b.addTable(V::FuncRef, limits(1));
    b.addMemory(limits(1));
    b.addGlobal(V::I32, false, i32ConstExpr(0));
    b.addExport("x", c.kind, 1);
    b.addExport("ok", c.kind, 0);
    Bytes bytes = b.build();
    auto module = decodeModule(bytes);
    ASSERT_TRUE(module.hasValue());
    expectInvalid(bytes, c.message, module->exports[0].offset);
  }
}

// --- start ------------------------------------------------------------------------------------

TEST(ValidatorTest, StartFunction) {
  auto build = [](std::vector<V> params, std::vector<V> results, uint32_t start) {
    ModuleBuilder b;
    b.addType(params, results);
    b.addFunc(0, results.empty() ? Bytes{0x0B} : Bytes{0x41, 0x00, 0x0B});
    b.setStart(start);
    return b.build();
  };
  expectValid(build({}, {}, 0));
  // The start index sits in the start section, after its id and size.
  auto startAt = [](const Bytes& bytes) {
    for (size_t i = 8; i + 2 < bytes.size(); ++i)
      if (bytes[i] == 0x08 && bytes[i + 1] == 0x01)
        return uint64_t(i + 2);
    return uint64_t(0);
  };
  Bytes bytes = build({V::I32}, {}, 0);
  expectInvalid(bytes, "start function", startAt(bytes));
  bytes = build({}, {V::I32}, 0);
  expectInvalid(bytes, "start function", startAt(bytes));
  bytes = build({}, {}, 5);
  expectInvalid(bytes, "unknown function 5", startAt(bytes));
}

TEST(ValidatorTest, StartMayBeAnImport) {
  ModuleBuilder b;
  b.addType({}, {});
  b.importFunc("env", "init", 0);
  b.setStart(0);
  expectValid(b.build());
}

// --- memories, tables and limits -----------------------------------------------------------------

TEST(ValidatorTest, MultipleMemories) {
  ModuleBuilder b;
  b.addMemory(limits(1));
  b.addMemory(limits(1));
  expectInvalid(b.build(), "multiple memories", kNoOffset);
  ModuleBuilder imported;
  imported.importMemory("env", "m", limits(1));
  imported.addMemory(limits(1));
  expectInvalid(imported.build(), "multiple memories", kNoOffset);
}

TEST(ValidatorTest, MemorySizeLimits) {
  const std::string message = "memory size must be at most 65536 pages (4GiB)";
  auto memory = [](Bytes lim) {
    ModuleBuilder b;
    b.addMemory(std::move(lim));
    return b.build();
  };
  expectValid(memory(limits(65536)));
  expectValid(memory(limits(0, 65536)));
  expectValid(memory(limits(65536, 65536)));
  expectInvalid(memory(limits(65537)), message, kNoOffset);
  expectInvalid(memory(limits(0, 65537)), message, kNoOffset);
  expectInvalid(memory(limits(0xFFFFFFFF, 0xFFFFFFFF)), message, kNoOffset);
  // An imported memory is diagnosed at its import entry.
  ModuleBuilder b;
  b.importMemory("env", "m", limits(1, 70000));
  expectInvalid(b.build(), message, kFirstImportAt);
}

TEST(ValidatorTest, MinimumGreaterThanMaximum) {
  const std::string message = "size minimum must not be greater than maximum";
  {
    ModuleBuilder b;
    b.addMemory(limits(2, 1));
    expectInvalid(b.build(), message, kNoOffset);
  }
  {
    ModuleBuilder b;
    b.addTable(V::FuncRef, limits(10, 9));
    expectInvalid(b.build(), message, kNoOffset);
  }
  {
    ModuleBuilder b;
    b.importTable("env", "t", V::ExternRef, limits(0xFFFFFFFF, 0));
    expectInvalid(b.build(), message, kFirstImportAt);
  }
  {
    // Equal is fine, as are the largest table limits.
    ModuleBuilder b;
    b.addMemory(limits(3, 3));
    b.addTable(V::FuncRef, limits(0xFFFFFFFF, 0xFFFFFFFF));
    expectValid(b.build());
  }
}

// --- type indices -------------------------------------------------------------------------------

TEST(ValidatorTest, UnknownFunctionType) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunc(3, {0x0B});
  expectInvalid(b.build(), "unknown type 3", kNoOffset);
  ModuleBuilder imported;
  imported.importFunc("env", "f", 1);
  expectInvalid(imported.build(), "unknown type 1", kFirstImportAt);
}

// --- element and data segments ----------------------------------------------------------------

TEST(ValidatorTest, ElementSegments) {
  // An imported function keeps the element section last, so items can be
  // located from the end of the module.
  auto build = [](V tableType, Bytes segment) {
    ModuleBuilder b;
    b.addType({}, {});
    b.importFunc("env", "f", 0);
    b.addTable(tableType, limits(1));
    b.addElem(std::move(segment));
    Bytes bytes = b.build();
    return bytes;
  };
  expectValid(build(V::FuncRef, cat({{0x00}, i32ConstExpr(0), vec({u32(0)})})));
  expectValid(build(V::ExternRef, cat({{0x06}, u32(0), i32ConstExpr(0), {0x6F},
                                       vec({{0xD0, 0x6F, 0x0B}})})));

  // Segment-level errors point at the segment's flags.
  Bytes segment = cat({{0x02}, u32(1), i32ConstExpr(0), {0x00}, vec({})});
  Bytes bytes = build(V::FuncRef, segment);
  expectInvalid(bytes, "unknown table 1", bytes.size() - segment.size());
  // A funcref segment into an externref table.
  segment = cat({{0x00}, i32ConstExpr(0), vec({u32(0)})});
  bytes = build(V::ExternRef, segment);
  expectInvalid(bytes, kMismatch, bytes.size() - segment.size());
  // Items must name known functions...
  bytes = build(V::FuncRef, cat({{0x01, 0x00}, vec({u32(0), u32(9)})}));
  expectInvalid(bytes, "unknown function 9", bytes.size() - 1);
  // ...and have the segment's type.
  bytes = build(V::FuncRef, cat({{0x05, 0x6F}, vec({{0xD0, 0x70, 0x0B}})}));
  expectInvalid(bytes, kMismatch, bytes.size() - 3);
  // Items are constant expressions.
  bytes = build(V::FuncRef, cat({{0x05, 0x70}, vec({{0xD2, 0x00, 0x1A, 0x0B}})}));
  expectInvalid(bytes, kConstRequired, bytes.size() - 2);
}

TEST(ValidatorTest, DataSegments) {
  {
    ModuleBuilder b;
    b.addData(cat({{0x00}, i32ConstExpr(0), name("x")}));
    Bytes bytes = b.build();
    expectInvalid(bytes, "unknown memory 0", bytes.size() - 6);
  }
  {
    ModuleBuilder b;
    b.addMemory(limits(1));
    b.addData(cat({{0x02}, u32(1), i32ConstExpr(0), name("x")}));
    Bytes bytes = b.build();
    expectInvalid(bytes, "unknown memory 1", bytes.size() - 7);
  }
  {
    // Passive segments need no memory.
    ModuleBuilder b;
    b.addData(cat({{0x01}, name("x")}));
    expectValid(b.build());
  }
}

} // namespace
} // namespace wasmc::wasm

namespace wasmc::wasm {
namespace {

using namespace wasmc::wasm::test;

/// 3,000 functions of about 1 KB each (3 MB of bodies: validated on more
/// than one thread), every one valid except those in `invalid`, which
/// drop from an empty stack.
Bytes manyFunctions(std::vector<uint32_t> invalid) {
  ModuleBuilder b;
  b.addType({}, {});
  Bytes valid;
  for (int i = 0; i < 340; ++i)
    valid.insert(valid.end(), {0x41, 0x00, 0x1A}); // i32.const 0, drop
  valid.push_back(0x0B);
  Bytes broken = valid;
  broken[0] = 0x1A; // drop with nothing to drop
  broken[1] = 0x01; // nop
  broken[2] = 0x01;
  for (uint32_t i = 0; i < 3000; ++i)
    b.addFunc(0, std::find(invalid.begin(), invalid.end(), i) != invalid.end() ? broken : valid);
  return b.build();
}

TEST(ParallelValidation, ABigModuleValidates) {
  auto loaded = loadModule(manyFunctions({}));
  EXPECT_TRUE(loaded) << loaded.error().describe();
}

TEST(ParallelValidation, TheFirstInvalidFunctionIsReportedWhicheverThreadFindsIt) {
  for (std::vector<uint32_t> invalid : {std::vector<uint32_t>{2900}, {100, 2900}, {1499, 1500}, {0}}) {
    Bytes bytes = manyFunctions(invalid);
    auto loaded = loadModule(bytes);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().function, invalid.front()) << loaded.error().describe();
    // As decoding, then validating on one thread, reports it.
    auto decoded = decodeModule(std::span<const uint8_t>(bytes));
    ASSERT_TRUE(decoded);
    auto sequential = validateModule(*decoded);
    ASSERT_FALSE(sequential);
    EXPECT_EQ(loaded.error().describe(), sequential.error().describe());
  }
}

} // namespace
} // namespace wasmc::wasm
