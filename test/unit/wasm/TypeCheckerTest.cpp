// TypeChecker: the typing of function bodies. Each case builds a module whose
// only problem (if any) is in a body, validates it, and checks the verdict:
// ErrorKind::Invalid, the spec suite's wording, the function index (imports
// counted) and the offset of the offending instruction.

#include "compiler/wasm/Decoder.h"
#include "compiler/wasm/TypeChecker.h"
#include "compiler/wasm/Validator.h"
#include "test/unit/wasm/ModuleBuilder.h"

#include <gtest/gtest.h>

#include <string>

namespace wasmc::wasm {
namespace {

using namespace wasmc::wasm::test;
using V = ValType;

const std::string kMismatch = "type mismatch";

Expected<void> validate(const Bytes& bytes) {
  auto module = decodeModule(bytes);
  if (!module) {
    ADD_FAILURE() << "decode failed: " << module.error().describe();
    return module.error();
  }
  return validateModule(*module);
}

void expectValid(ModuleBuilder& b) {
  auto result = validate(b.build());
  EXPECT_TRUE(result.hasValue()) << result.error().describe();
}

/// The module must be invalid with `message` at byte `at` of the body of
/// defined function `defined`, whose function index is `funcIndex`.
void expectInvalid(ModuleBuilder& b, const std::string& message, uint32_t at,
                   uint32_t defined = 0, uint32_t funcIndex = 0) {
  auto result = validate(b.build());
  ASSERT_FALSE(result.hasValue()) << "valid, expected \"" << message << "\"";
  const Error& error = result.error();
  EXPECT_EQ(error.kind, ErrorKind::Invalid) << error.describe();
  EXPECT_EQ(error.message, message);
  EXPECT_EQ(error.function, funcIndex);
  EXPECT_EQ(error.offset, b.bodyOffset(defined) + at) << error.describe();
}

/// One function of type params -> results (type 0) with `body`.
ModuleBuilder single(std::vector<V> params, std::vector<V> results, Bytes body,
                     std::vector<ModuleBuilder::Local> locals = {}) {
  ModuleBuilder b;
  b.addType(std::move(params), std::move(results));
  b.addFunc(0, std::move(body), std::move(locals));
  return b;
}

Bytes v128Zero() {
  Bytes out{0xFD, 0x0C};
  out.resize(18, 0x00);
  return out;
}

// --- basics ------------------------------------------------------------------------

TEST(TypeCheckerTest, ValidBodies) {
  ModuleBuilder b = single({}, {}, {0x41, 0x01, 0x1A, 0x0B});
  expectValid(b);
  b = single({}, {V::I32}, {0x41, 0x2A, 0x0B});
  expectValid(b);
  b = single({V::I32}, {V::I64}, {0x20, 0x00, 0x1A, 0x20, 0x01, 0x0B}, {{1, V::I64}});
  expectValid(b);
  // Multiple results straight from the function.
  b = single({}, {V::I32, V::F64}, {0x41, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0B});
  expectValid(b);
}

TEST(TypeCheckerTest, OperandTypeMismatch) {
  // i32.add on an i64.
  ModuleBuilder b = single({}, {}, {0x41, 0x00, 0x42, 0x00, 0x6A, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 4);
  // i32.add on an empty stack.
  b = single({}, {}, {0x6A, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 0);
  // A call with the wrong argument.
  b = single({}, {}, {0x42, 0x00, 0x10, 0x01, 0x0B});
  b.addType({V::I32}, {});
  b.addFunc(1, {0x0B});
  expectInvalid(b, kMismatch, 2);
  // local.set of the wrong type.
  b = single({V::F32}, {}, {0x41, 0x00, 0x21, 0x00, 0x0B});
  expectInvalid(b, kMismatch, 2);
}

TEST(TypeCheckerTest, ResultMismatchIsReportedAtEnd) {
  ModuleBuilder b = single({}, {V::I32}, {0x42, 0x00, 0x0B});
  expectInvalid(b, kMismatch, 2);
  b = single({}, {V::I32}, {0x0B});
  expectInvalid(b, kMismatch, 0);
  // Too many values left.
  b = single({}, {V::I32}, {0x41, 0x00, 0x41, 0x00, 0x0B});
  expectInvalid(b, kMismatch, 4);
  b = single({}, {}, {0x41, 0x00, 0x0B});
  expectInvalid(b, kMismatch, 2);
  // Left over in a nested block.
  b = single({}, {}, {0x02, 0x40, 0x41, 0x00, 0x0B, 0x0B});
  expectInvalid(b, kMismatch, 4);
  // `return` with the wrong type.
  b = single({}, {V::I32}, {0x42, 0x00, 0x0F, 0x0B});
  expectInvalid(b, kMismatch, 2);
}

TEST(TypeCheckerTest, BlocksCannotReachOuterOperands) {
  ModuleBuilder b = single({}, {}, {0x41, 0x00, 0x02, 0x40, 0x1A, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 4);
}

// --- unreachable code ----------------------------------------------------------------

TEST(TypeCheckerTest, PolymorphicStackAfterUnreachable) {
  const Bytes valid[] = {
      {0x00, 0x6A, 0x1A, 0x0B},                         // i32.add on nothing
      {0x00, 0x1B, 0x1A, 0x0B},                         // select on nothing
      {0x00, 0x41, 0x00, 0x1B, 0x1A, 0x0B},             // select, condition known
      {0x00, 0xD1, 0x1A, 0x0B},                         // ref.is_null on nothing
      {0x0F, 0x6A, 0x1A, 0x0B},                         // after return
      {0x02, 0x40, 0x0C, 0x00, 0x6A, 0x1A, 0x0B, 0x0B}, // after br
      {0x00, 0x0C, 0x00, 0x0B},                         // br after unreachable
      {0x00, 0x02, 0x40, 0x0B, 0x0B},                   // a new block is reachable again
  };
  for (const Bytes& body : valid) {
    SCOPED_TRACE(::testing::PrintToString(body));
    ModuleBuilder b = single({}, {}, body);
    expectValid(b);
  }
  ModuleBuilder b = single({}, {V::I32}, {0x00, 0x0B});
  expectValid(b);
  b = single({}, {V::I32, V::I64}, {0x00, 0x42, 0x00, 0x0B});
  expectValid(b);
}

TEST(TypeCheckerTest, KnownTypesStillCheckedInUnreachableCode) {
  // The i64 pushed after unreachable is a real i64.
  ModuleBuilder b = single({}, {}, {0x00, 0x42, 0x00, 0x6A, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 3);
  b = single({}, {V::I32}, {0x00, 0x42, 0x00, 0x0B});
  expectInvalid(b, kMismatch, 3);
  // Values pushed in unreachable code still must not be left over.
  b = single({}, {}, {0x00, 0x41, 0x00, 0x0B});
  expectInvalid(b, kMismatch, 3);
  // Untyped select takes its type from the known operand.
  b = single({}, {}, {0x00, 0x42, 0x00, 0x41, 0x00, 0x1B, 0x6A, 0x0B});
  expectInvalid(b, kMismatch, 6);
  // Untyped select refuses a known reference even in unreachable code.
  b = single({}, {}, {0x00, 0xD0, 0x70, 0x41, 0x00, 0x1B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 5);
}

TEST(TypeCheckerTest, UnreachableIsLocalToItsBlock) {
  ModuleBuilder b = single({}, {}, {0x02, 0x40, 0x00, 0x0B, 0x6A, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 4);
}

// --- branches -------------------------------------------------------------------------

TEST(TypeCheckerTest, Br) {
  ModuleBuilder b = single({}, {}, {0x0C, 0x00, 0x0B});
  expectValid(b);
  b = single({}, {V::I32}, {0x0C, 0x00, 0x0B});
  expectInvalid(b, kMismatch, 0);
  b = single({}, {}, {0x0C, 0x01, 0x0B});
  expectInvalid(b, "unknown label 1", 0);
  b = single({}, {}, {0x02, 0x40, 0x02, 0x40, 0x0C, 0x03, 0x0B, 0x0B, 0x0B});
  expectInvalid(b, "unknown label 3", 4);
}

TEST(TypeCheckerTest, BrIf) {
  ModuleBuilder b = single({}, {},
                           {0x02, 0x7F, 0x41, 0x01, 0x41, 0x00, 0x0D, 0x00, 0x0B, 0x1A, 0x0B});
  expectValid(b);
  // Condition must be i32.
  b = single({}, {}, {0x02, 0x40, 0x42, 0x00, 0x0D, 0x00, 0x0B, 0x0B});
  expectInvalid(b, kMismatch, 4);
  // The branch value must match the label.
  b = single({}, {}, {0x02, 0x7F, 0x42, 0x01, 0x41, 0x00, 0x0D, 0x00, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 6);
  b = single({}, {}, {0x02, 0x40, 0x41, 0x00, 0x0D, 0x02, 0x0B, 0x0B});
  expectInvalid(b, "unknown label 2", 4);
}

TEST(TypeCheckerTest, BrTable) {
  ModuleBuilder b = single({}, {}, {0x02, 0x40, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x00, 0x0B, 0x0B});
  expectValid(b);
  // A value for two labels of the same type.
  b = single({}, {V::I32},
             {0x02, 0x7F, 0x41, 0x07, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x0B});
  expectValid(b);
}

TEST(TypeCheckerTest, BrTableArity) {
  // Target 0 is a block with one result, the default the outer block with none.
  ModuleBuilder b = single({}, {}, {0x02, 0x40, 0x02, 0x7F, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01,
                                    0x00, 0x01, 0x0B, 0x1A, 0x0B, 0x0B});
  expectInvalid(b, kMismatch, 8);
  // Arity is checked in unreachable code too.
  b = single({}, {}, {0x02, 0x40, 0x02, 0x7F, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A, 0x0B,
                      0x0B});
  expectInvalid(b, kMismatch, 5);
}

TEST(TypeCheckerTest, BrTableLabelTypes) {
  // Same arity, different types (i32 and f32), with a known i32 operand.
  const Bytes tail = {0x0B, 0x1A, 0x43, 0, 0, 0, 0, 0x0B, 0x1A, 0x0B};
  ModuleBuilder b = single(
      {}, {}, cat({{0x02, 0x7D, 0x02, 0x7F, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01},
                   tail}));
  expectInvalid(b, kMismatch, 8);
  // With an unknown operand from unreachable code, both labels accept it.
  b = single({}, {}, cat({{0x02, 0x7D, 0x02, 0x7F, 0x00, 0x0E, 0x01, 0x00, 0x01}, tail}));
  expectValid(b);
}

TEST(TypeCheckerTest, BrTableUnknownLabel) {
  ModuleBuilder b = single({}, {}, {0x41, 0x00, 0x0E, 0x01, 0x00, 0x05, 0x0B});
  expectInvalid(b, "unknown label 5", 2);
  b = single({}, {}, {0x41, 0x00, 0x0E, 0x01, 0x04, 0x00, 0x0B});
  expectInvalid(b, "unknown label 4", 2);
}

// --- multi-value blocks ------------------------------------------------------------------

/// Types: 0 [] -> [], 1 [i32 i32] -> [i32], 2 [] -> [i32 i64], 3 [i32] -> [i64],
/// 4 [] -> [i32], 5 [i32] -> [i32].
ModuleBuilder multi(Bytes body) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addType({V::I32, V::I32}, {V::I32});
  b.addType({}, {V::I32, V::I64});
  b.addType({V::I32}, {V::I64});
  b.addType({}, {V::I32});
  b.addType({V::I32}, {V::I32});
  b.addFunc(0, std::move(body));
  return b;
}

TEST(TypeCheckerTest, BlockParamsAndResults) {
  ModuleBuilder b = multi({0x41, 0x01, 0x41, 0x02, 0x02, 0x01, 0x6A, 0x0B, 0x1A, 0x0B});
  expectValid(b);
  b = multi({0x02, 0x02, 0x41, 0x00, 0x42, 0x00, 0x0B, 0x1A, 0x1A, 0x0B});
  expectValid(b);
  // A missing parameter.
  b = multi({0x41, 0x01, 0x02, 0x01, 0x6A, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 2);
  // A parameter of the wrong type.
  b = multi({0x41, 0x01, 0x42, 0x02, 0x02, 0x01, 0x6A, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 4);
  // Results in the wrong order.
  b = multi({0x02, 0x02, 0x42, 0x00, 0x41, 0x00, 0x0B, 0x1A, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 6);
  // The block type index must exist.
  b = multi({0x02, 0x09, 0x0B, 0x0B});
  expectInvalid(b, "unknown type 9", 0);
}

TEST(TypeCheckerTest, LoopLabelTakesParamsNotResults) {
  // br to a loop [i32] -> [i64] passes an i32.
  ModuleBuilder b = multi({0x41, 0x00, 0x03, 0x03, 0x0C, 0x00, 0x0B, 0x1A, 0x0B});
  expectValid(b);
  // br to a loop [] -> [i32] passes nothing...
  b = multi({0x03, 0x04, 0x0C, 0x00, 0x0B, 0x1A, 0x0B});
  expectValid(b);
  // ...while a block of the same type needs its i32.
  b = multi({0x02, 0x04, 0x0C, 0x00, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 2);
}

// --- if / else --------------------------------------------------------------------------

TEST(TypeCheckerTest, IfWithoutElse) {
  // [] -> [i32] without else: the implicit else produces nothing.
  ModuleBuilder b = multi({0x41, 0x01, 0x04, 0x7F, 0x41, 0x02, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 6);
  // [i32] -> [i32] without else: the parameter passes through.
  b = multi({0x41, 0x05, 0x41, 0x01, 0x04, 0x05, 0x0B, 0x1A, 0x0B});
  expectValid(b);
  // [i32] -> [i64] without else, even when the then-branch is right.
  b = multi({0x41, 0x05, 0x41, 0x01, 0x04, 0x03, 0x1A, 0x42, 0x00, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 9);
  // Empty if without else.
  b = multi({0x41, 0x01, 0x04, 0x40, 0x0B, 0x0B});
  expectValid(b);
}

TEST(TypeCheckerTest, IfElse) {
  ModuleBuilder b =
      multi({0x41, 0x01, 0x04, 0x7F, 0x41, 0x02, 0x05, 0x41, 0x03, 0x0B, 0x1A, 0x0B});
  expectValid(b);
  // Params are available again in the else branch.
  b = multi({0x41, 0x05, 0x41, 0x01, 0x04, 0x05, 0x05, 0x0B, 0x1A, 0x0B});
  expectValid(b);
  // The else branch lacks the result.
  b = multi({0x41, 0x01, 0x04, 0x7F, 0x41, 0x02, 0x05, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 7);
  // The then branch lacks the result: reported at else.
  b = multi({0x41, 0x01, 0x04, 0x7F, 0x05, 0x41, 0x00, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 4);
  // The then branch was unreachable; the else branch is checked afresh.
  b = multi({0x41, 0x01, 0x04, 0x7F, 0x00, 0x05, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 6);
}

TEST(TypeCheckerTest, IfCondition) {
  ModuleBuilder b = multi({0x04, 0x40, 0x0B, 0x0B});
  expectInvalid(b, kMismatch, 0);
  b = multi({0x42, 0x00, 0x04, 0x40, 0x0B, 0x0B});
  expectInvalid(b, kMismatch, 2);
  // The condition sits above the block's parameters.
  b = multi({0x41, 0x01, 0x41, 0x05, 0x04, 0x05, 0x0B, 0x1A, 0x0B});
  expectValid(b);
  b = multi({0x42, 0x01, 0x41, 0x05, 0x04, 0x05, 0x0B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 4);
}

// --- select -------------------------------------------------------------------------------

TEST(TypeCheckerTest, UntypedSelect) {
  ModuleBuilder b = single({}, {}, {0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1B, 0x1A, 0x0B});
  expectValid(b);
  b = single({}, {}, cat({v128Zero(), v128Zero(), {0x41, 0x00, 0x1B, 0x1A, 0x0B}}));
  expectValid(b);
  // Operands of different types.
  b = single({}, {}, {0x41, 0x01, 0x42, 0x02, 0x41, 0x00, 0x1B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 6);
  // Reference operands need the typed form.
  b = single({}, {}, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 6);
  // The condition must be i32.
  b = single({}, {}, {0x41, 0x01, 0x41, 0x02, 0x42, 0x00, 0x1B, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 6);
}

TEST(TypeCheckerTest, TypedSelect) {
  ModuleBuilder b =
      single({}, {}, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1C, 0x01, 0x70, 0x1A, 0x0B});
  expectValid(b);
  b = single({}, {V::I64}, {0x42, 0x01, 0x42, 0x02, 0x41, 0x00, 0x1C, 0x01, 0x7E, 0x0B});
  expectValid(b);
  // Operands not of the annotated type.
  b = single({}, {}, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1C, 0x01, 0x6F, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 6);
  // Exactly one type.
  b = single({}, {}, {0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1C, 0x02, 0x7F, 0x7F, 0x1A, 0x0B});
  expectInvalid(b, "invalid result arity", 6);
  b = single({}, {}, {0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1C, 0x00, 0x1A, 0x0B});
  expectInvalid(b, "invalid result arity", 6);
}

// --- references ------------------------------------------------------------------------------

TEST(TypeCheckerTest, RefFuncMustBeDeclared) {
  ModuleBuilder b = single({}, {}, {0xD2, 0x00, 0x1A, 0x0B});
  expectInvalid(b, "undeclared function reference", 0);
  // A reference in another body does not declare it.
  b = single({}, {}, {0xD2, 0x01, 0x1A, 0x0B});
  b.addFunc(0, {0xD2, 0x01, 0x1A, 0x0B});
  expectInvalid(b, "undeclared function reference", 0);
}

TEST(TypeCheckerTest, RefFuncDeclaredByExportElemOrGlobal) {
  const Bytes body = {0xD2, 0x00, 0x1A, 0x0B};
  ModuleBuilder b = single({}, {}, body);
  b.addExport("f", ExternKind::Func, 0);
  expectValid(b);
  b = single({}, {}, body);
  b.addElem(cat({{0x03, 0x00}, vec({u32(0)})})); // declarative
  expectValid(b);
  b = single({}, {}, body);
  b.addElem(cat({{0x05, 0x70}, vec({{0xD2, 0x00, 0x0B}})})); // passive, expressions
  expectValid(b);
  b = single({}, {}, body);
  b.addGlobal(V::FuncRef, false, {0xD2, 0x00, 0x0B});
  expectValid(b);
}

TEST(TypeCheckerTest, RefFuncUnknownFunction) {
  ModuleBuilder b = single({}, {}, {0xD2, 0x05, 0x1A, 0x0B});
  expectInvalid(b, "unknown function 5", 0);
}

TEST(TypeCheckerTest, RefIsNullNeedsAReference) {
  ModuleBuilder b = single({}, {V::I32}, {0xD0, 0x6F, 0xD1, 0x0B});
  expectValid(b);
  b = single({}, {}, {0x41, 0x00, 0xD1, 0x1A, 0x0B});
  expectInvalid(b, kMismatch, 2);
}

/// The TypeChecker on its own: ref.func is judged by the context's
/// declaredRefs alone, which the validator fills from the module.
TEST(TypeCheckerTest, DeclaredRefsComeFromTheContext) {
  ModuleBuilder b = single({}, {}, {0xD2, 0x00, 0x1A, 0x0B});
  Bytes bytes = b.build();
  auto module = decodeModule(bytes);
  ASSERT_TRUE(module.hasValue());
  auto run = [&](std::set<FuncIndex> refs) {
    ValidationContext context{*module, std::move(refs)};
    TypeChecker checker(context, 0);
    const Function& func = module->definedFunc(0);
    ByteReader reader(module->slice(func.body), func.body.offset);
    return decodeBody(reader, checker);
  };
  auto undeclared = run({});
  ASSERT_FALSE(undeclared.hasValue());
  EXPECT_EQ(undeclared.error().message, "undeclared function reference");
  EXPECT_EQ(undeclared.error().offset, b.bodyOffset(0));
  EXPECT_EQ(undeclared.error().function, 0u);
  EXPECT_TRUE(run({0}).hasValue());
}

// --- unknown indices ---------------------------------------------------------------------------

TEST(TypeCheckerTest, UnknownLocal) {
  ModuleBuilder b = single({V::I32}, {}, {0x20, 0x02, 0x1A, 0x0B}, {{1, V::I64}});
  expectInvalid(b, "unknown local 2", 0);
  b = single({}, {}, {0x41, 0x00, 0x21, 0x00, 0x0B});
  expectInvalid(b, "unknown local 0", 2);
  b = single({}, {}, {0x41, 0x00, 0x22, 0x07, 0x1A, 0x0B}, {{3, V::I32}, {0, V::F32}});
  expectInvalid(b, "unknown local 7", 2);
}

TEST(TypeCheckerTest, LocalsAcrossGroupsAndHugeCounts) {
  // Groups (2 x i64), (0 x f32), (1 x f64) after one i32 parameter:
  // 0 i32, 1-2 i64, 3 f64.
  ModuleBuilder b = single({V::I32}, {V::F64}, {0x20, 0x02, 0x1A, 0x20, 0x03, 0x0B},
                           {{2, V::I64}, {0, V::F32}, {1, V::F64}});
  expectValid(b);
  b = single({V::I32}, {V::F64}, {0x20, 0x01, 0x0B}, {{2, V::I64}, {0, V::F32}, {1, V::F64}});
  expectInvalid(b, kMismatch, 2);
  // The last of 2^32 - 2 locals exists; the next does not.
  b = single({}, {}, {0x20, 0xFD, 0xFF, 0xFF, 0xFF, 0x0F, 0x1A, 0x0B}, {{0xFFFFFFFE, V::I32}});
  expectValid(b);
  b = single({}, {}, {0x20, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x1A, 0x0B}, {{0xFFFFFFFE, V::I32}});
  expectInvalid(b, "unknown local 4294967294", 0);
}

TEST(TypeCheckerTest, UnknownGlobal) {
  ModuleBuilder b = single({}, {}, {0x23, 0x00, 0x1A, 0x0B});
  expectInvalid(b, "unknown global 0", 0);
  b = single({}, {}, {0x41, 0x00, 0x24, 0x03, 0x0B});
  b.addGlobal(V::I32, true, i32ConstExpr(0));
  expectInvalid(b, "unknown global 3", 2);
}

TEST(TypeCheckerTest, UnknownFunction) {
  ModuleBuilder b = single({}, {}, {0x10, 0x07, 0x0B});
  expectInvalid(b, "unknown function 7", 0);
  // With one import, the defined function is index 1 and index 2 is unknown.
  b = single({}, {}, {0x10, 0x01, 0x10, 0x02, 0x0B});
  b.importFunc("env", "f", 0);
  expectInvalid(b, "unknown function 2", 2, 0, 1);
}

TEST(TypeCheckerTest, UnknownTable) {
  const Bytes bodies[] = {
      {0x41, 0x00, 0x25, 0x00, 0x1A, 0x0B},                          // table.get
      {0x41, 0x00, 0xD0, 0x70, 0x26, 0x00, 0x0B},                    // table.set
      {0x41, 0x00, 0x11, 0x00, 0x00, 0x0B},                          // call_indirect
      {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0E, 0x00, 0x00, 0x0B}, // table.copy
      {0x41, 0x00, 0xFC, 0x0F, 0x00, 0x1A, 0x0B},                    // table.grow
      {0x41, 0x00, 0xFC, 0x10, 0x00, 0x1A, 0x0B},                    // table.size
      {0x41, 0x00, 0xFC, 0x11, 0x00, 0x0B},                          // table.fill
  };
  for (const Bytes& body : bodies) {
    SCOPED_TRACE(::testing::PrintToString(body));
    // The instruction under test follows the first operand(s); find it by
    // skipping the leading constants.
    uint32_t at = 0;
    while (body[at] == 0x41 || body[at] == 0xD0)
      at += 2;
    ModuleBuilder b = single({}, {}, body);
    expectInvalid(b, "unknown table 0", at);
  }
  // With one table, table index 1 is unknown (here the source of a copy).
  ModuleBuilder b =
      single({}, {}, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0E, 0x00, 0x01, 0x0B});
  b.addTable(V::FuncRef, limits(1));
  expectInvalid(b, "unknown table 1", 6);
}

TEST(TypeCheckerTest, UnknownMemory) {
  const Bytes bodies[] = {
      {0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B},                          // i32.load
      {0x41, 0x00, 0x41, 0x00, 0x36, 0x02, 0x00, 0x0B},                    // i32.store
      {0x3F, 0x00, 0x1A, 0x0B},                                            // memory.size
      {0x41, 0x00, 0x40, 0x00, 0x1A, 0x0B},                                // memory.grow
      {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0B, 0x00, 0x0B},        // memory.fill
      {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0A, 0x00, 0x00, 0x0B},  // memory.copy
      {0x41, 0x00, 0xFD, 0x00, 0x04, 0x00, 0x1A, 0x0B},                    // v128.load
  };
  for (const Bytes& body : bodies) {
    SCOPED_TRACE(::testing::PrintToString(body));
    uint32_t at = 0;
    while (body[at] == 0x41)
      at += 2;
    ModuleBuilder b = single({}, {}, body);
    expectInvalid(b, "unknown memory 0", at);
  }
}

TEST(TypeCheckerTest, UnknownType) {
  ModuleBuilder b = single({}, {}, {0x41, 0x00, 0x11, 0x09, 0x00, 0x0B});
  b.addTable(V::FuncRef, limits(1));
  expectInvalid(b, "unknown type 9", 2);
}

TEST(TypeCheckerTest, CallIndirect) {
  ModuleBuilder b = single({}, {}, {0x41, 0x00, 0x11, 0x00, 0x00, 0x0B});
  b.addTable(V::FuncRef, limits(1));
  expectValid(b);
  // The table must hold funcrefs.
  b = single({}, {}, {0x41, 0x00, 0x11, 0x00, 0x00, 0x0B});
  b.addTable(V::ExternRef, limits(1));
  expectInvalid(b, kMismatch, 2);
  // The callee's parameters come below the table index.
  b = single({}, {}, {0x42, 0x00, 0x41, 0x00, 0x11, 0x01, 0x00, 0x0B});
  b.addType({V::I32}, {});
  b.addTable(V::FuncRef, limits(1));
  expectInvalid(b, kMismatch, 4);
}

TEST(TypeCheckerTest, UnknownDataSegment) {
  // Data count 0: no data index exists.
  ModuleBuilder b = single({}, {}, {0xFC, 0x09, 0x00, 0x0B});
  b.setDataCount(0);
  expectInvalid(b, "unknown data segment 0", 0);
  // No data count section and no data: still unknown (not malformed).
  b = single({}, {}, {0xFC, 0x09, 0x00, 0x0B});
  expectInvalid(b, "unknown data segment 0", 0);
  b = single({}, {}, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x01, 0x00, 0x0B});
  b.addMemory(limits(1));
  b.setDataCount(1);
  b.addData(cat({{0x01}, name("x")}));
  expectInvalid(b, "unknown data segment 1", 6);
  // memory.init also needs a memory.
  b = single({}, {}, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B});
  b.setDataCount(1);
  b.addData(cat({{0x01}, name("x")}));
  expectInvalid(b, "unknown memory 0", 6);
}

TEST(TypeCheckerTest, UnknownElemSegment) {
  ModuleBuilder b = single({}, {}, {0xFC, 0x0D, 0x00, 0x0B});
  expectInvalid(b, "unknown elem segment 0", 0);
  b = single({}, {}, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x02, 0x00, 0x0B});
  b.addTable(V::FuncRef, limits(1));
  b.addElem(cat({{0x01, 0x00}, vec({})}));
  expectInvalid(b, "unknown elem segment 2", 6);
}

TEST(TypeCheckerTest, TableInitAndCopyElementTypes) {
  // An externref segment into a funcref table.
  ModuleBuilder b =
      single({}, {}, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x00, 0x00, 0x0B});
  b.addTable(V::FuncRef, limits(1));
  b.addElem(cat({{0x05, 0x6F}, vec({})}));
  expectInvalid(b, kMismatch, 6);
  // Copy between a funcref and an externref table.
  b = single({}, {}, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0E, 0x00, 0x01, 0x0B});
  b.addTable(V::FuncRef, limits(1));
  b.addTable(V::ExternRef, limits(1));
  expectInvalid(b, kMismatch, 6);
  // table.set takes the table's element type.
  b = single({}, {}, {0x41, 0x00, 0xD0, 0x70, 0x26, 0x00, 0x0B});
  b.addTable(V::ExternRef, limits(1));
  expectInvalid(b, kMismatch, 4);
}

// --- globals ---------------------------------------------------------------------------------

TEST(TypeCheckerTest, GlobalIsImmutable) {
  ModuleBuilder b = single({}, {}, {0x41, 0x00, 0x24, 0x00, 0x0B});
  b.importGlobal("env", "g", V::I32, false);
  expectInvalid(b, "global is immutable", 2);
  b = single({}, {}, {0x41, 0x00, 0x24, 0x00, 0x0B});
  b.addGlobal(V::I32, false, i32ConstExpr(1));
  expectInvalid(b, "global is immutable", 2);
  b = single({}, {}, {0x41, 0x00, 0x24, 0x00, 0x0B});
  b.addGlobal(V::I32, true, i32ConstExpr(1));
  expectValid(b);
  // Mutable, but the value has the wrong type.
  b = single({}, {}, {0x42, 0x00, 0x24, 0x00, 0x0B});
  b.addGlobal(V::I32, true, i32ConstExpr(1));
  expectInvalid(b, kMismatch, 2);
}

// --- memory immediates ---------------------------------------------------------------------------

TEST(TypeCheckerTest, AlignmentLargerThanNatural) {
  const std::string message = "alignment must not be larger than natural";
  struct Case {
    Bytes body;
    bool valid;
  };
  const Case cases[] = {
      {{0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B}, true},        // i32.load align 4
      {{0x41, 0x00, 0x28, 0x00, 0x00, 0x1A, 0x0B}, true},        // i32.load align 1
      {{0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, 0x0B}, false},       // i32.load align 8
      {{0x41, 0x00, 0x29, 0x03, 0x00, 0x1A, 0x0B}, true},        // i64.load align 8
      {{0x41, 0x00, 0x29, 0x04, 0x00, 0x1A, 0x0B}, false},       // i64.load align 16
      {{0x41, 0x00, 0x2D, 0x01, 0x00, 0x1A, 0x0B}, false},       // i32.load8_u align 2
      {{0x41, 0x00, 0x33, 0x02, 0x00, 0x1A, 0x0B}, false},       // i64.load16_u align 4
      {{0x41, 0x00, 0x28, 0x20, 0x00, 0x1A, 0x0B}, false},       // 2^32
      {{0x41, 0x00, 0x28, 0x80, 0x01, 0x00, 0x1A, 0x0B}, false}, // 2^128
      {{0x41, 0x00, 0x41, 0x00, 0x36, 0x03, 0x00, 0x0B}, false}, // i32.store align 8
      {{0x41, 0x00, 0xFD, 0x00, 0x04, 0x00, 0x1A, 0x0B}, true},  // v128.load align 16
      {{0x41, 0x00, 0xFD, 0x00, 0x05, 0x00, 0x1A, 0x0B}, false}, // v128.load align 32
      {{0x41, 0x00, 0xFD, 0x0A, 0x04, 0x00, 0x1A, 0x0B}, false}, // v128.load64_splat
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.body));
    ModuleBuilder b = single({}, {}, c.body);
    b.addMemory(limits(1));
    if (c.valid) {
      expectValid(b);
    } else {
      uint32_t at = c.body[2] == 0x41 ? 4 : 2;
      expectInvalid(b, message, at);
    }
  }
  // Lane loads check alignment against the lane size.
  ModuleBuilder b = single({}, {},
                           cat({{0x41, 0x00}, v128Zero(), {0xFD, 0x54, 0x01, 0x00, 0x00, 0x1A,
                                                           0x0B}}));
  b.addMemory(limits(1));
  expectInvalid(b, message, 20);
}

TEST(TypeCheckerTest, InvalidLaneIndex) {
  const std::string message = "invalid lane index";
  struct Case {
    Bytes op;
    bool valid;
  };
  // Each op follows one v128.const; extract_lane ops leave a scalar to drop.
  const Case cases[] = {
      {{0xFD, 0x15, 0x0F}, true},  // i8x16.extract_lane_s 15
      {{0xFD, 0x15, 0x10}, false}, // i8x16.extract_lane_s 16
      {{0xFD, 0x18, 0x08}, false}, // i16x8.extract_lane_s 8
      {{0xFD, 0x1B, 0x03}, true},  // i32x4.extract_lane 3
      {{0xFD, 0x1B, 0x04}, false},
      {{0xFD, 0x1D, 0x01}, true}, // i64x2.extract_lane 1
      {{0xFD, 0x1D, 0x02}, false},
      {{0xFD, 0x21, 0xFF}, false}, // f64x2.extract_lane 255
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.op));
    ModuleBuilder b = single({}, {}, cat({v128Zero(), c.op, {0x1A, 0x0B}}));
    if (c.valid)
      expectValid(b);
    else
      expectInvalid(b, message, 18);
  }
  // Shuffle lanes index the 32 bytes of both operands.
  Bytes lanes(16, 0x00);
  lanes[15] = 31;
  ModuleBuilder b =
      single({}, {}, cat({v128Zero(), v128Zero(), {0xFD, 0x0D}, lanes, {0x1A, 0x0B}}));
  expectValid(b);
  lanes[3] = 32;
  b = single({}, {}, cat({v128Zero(), v128Zero(), {0xFD, 0x0D}, lanes, {0x1A, 0x0B}}));
  expectInvalid(b, message, 36);
  // Lane loads: 16 lanes of 8 bits, 2 lanes of 64 bits.
  b = single({}, {}, cat({{0x41, 0x00}, v128Zero(), {0xFD, 0x54, 0x00, 0x00, 0x10, 0x1A, 0x0B}}));
  b.addMemory(limits(1));
  expectInvalid(b, message, 20);
  b = single({}, {}, cat({{0x41, 0x00}, v128Zero(), {0xFD, 0x57, 0x03, 0x00, 0x02, 0x1A, 0x0B}}));
  b.addMemory(limits(1));
  expectInvalid(b, message, 20);
  b = single({}, {}, cat({{0x41, 0x00}, v128Zero(), {0xFD, 0x57, 0x03, 0x00, 0x01, 0x1A, 0x0B}}));
  b.addMemory(limits(1));
  expectValid(b);
}

// --- where errors are reported -----------------------------------------------------------------

TEST(TypeCheckerTest, FunctionIndexCountsImports) {
  ModuleBuilder b;
  b.addType({}, {});
  b.importFunc("env", "a", 0);
  b.importFunc("env", "b", 0);
  b.addFunc(0, {0x01, 0x0B});
  b.addFunc(0, {0x01, 0x01, 0x41, 0x00, 0x0B});
  expectInvalid(b, kMismatch, 4, 1, 3);
}

TEST(TypeCheckerTest, FirstInvalidFunctionIsReported) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunc(0, {0x0B});
  b.addFunc(0, {0x6A, 0x0B});
  b.addFunc(0, {0x10, 0x09, 0x0B});
  expectInvalid(b, kMismatch, 0, 1, 1);
}

} // namespace
} // namespace wasmc::wasm
