#include "test/fuzz/FuzzLog.h"

#include <gtest/gtest.h>

namespace wasmc::fuzz {
namespace {

using wasm::ValType;

Value exact(ValType type, uint64_t lo, uint64_t hi = 0) {
  Value value;
  value.type = type;
  value.lo = lo;
  value.hi = hi;
  return value;
}

TEST(FuzzLogTest, TrapMessagesOfBothEngines) {
  EXPECT_EQ(classifyTrap("out of bounds memory access: access at 65536+4 >= max value 65536"),
            TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(classifyTrap("out of bounds memory access"), TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(classifyTrap("out of bounds table access: table.get at 4 >= max value 4"), TrapKind::TableOutOfBounds);
  EXPECT_EQ(classifyTrap("undefined table index"), TrapKind::UndefinedElement);
  EXPECT_EQ(classifyTrap("undefined element"), TrapKind::UndefinedElement);
  EXPECT_EQ(classifyTrap("uninitialized table element"), TrapKind::UninitializedElement);
  EXPECT_EQ(classifyTrap("uninitialized element"), TrapKind::UninitializedElement);
  EXPECT_EQ(classifyTrap("indirect call signature mismatch"), TrapKind::IndirectCallTypeMismatch);
  EXPECT_EQ(classifyTrap("indirect call type mismatch"), TrapKind::IndirectCallTypeMismatch);
  EXPECT_EQ(classifyTrap("unreachable executed"), TrapKind::Unreachable);
  EXPECT_EQ(classifyTrap("unreachable"), TrapKind::Unreachable);
  EXPECT_EQ(classifyTrap("call stack exhausted"), TrapKind::StackExhausted);
  EXPECT_EQ(classifyTrap("value stack exhausted"), TrapKind::StackExhausted);
  EXPECT_EQ(classifyTrap("integer overflow"), TrapKind::IntegerOverflow);
  EXPECT_EQ(classifyTrap("host function trapped"), TrapKind::Other);
}

TEST(FuzzLogTest, ParsesInterpValues) {
  auto v = parseInterpValue("v128 i32x4:0x00000001 0x00000002 0x00000003 0xffffffff");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->lo, 0x0000000200000001ull);
  EXPECT_EQ(v->hi, 0xffffffff00000003ull);
  auto i = parseInterpValue("i64:18446744073709551615");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->lo, ~0ull);
  auto f = parseInterpValue("f32:-nan");
  ASSERT_TRUE(f && f->textOnly);
  EXPECT_TRUE(parseInterpValue("funcref:0")->isNull);
  EXPECT_FALSE(parseInterpValue("funcref:3")->isNull);
  EXPECT_FALSE(parseInterpValue("i32:12x"));
  EXPECT_EQ(interpText(exact(ValType::F32, 0x3fc00000)), "f32:1.500000");
  EXPECT_EQ(interpText(exact(ValType::I32, 0xffffffff)), "i32:4294967295");
}

TEST(FuzzLogTest, NanRules) {
  // Scalars: any NaN matches any NaN, nothing else is loosened.
  EXPECT_TRUE(sameValue(exact(ValType::F32, 0x7fc00000), exact(ValType::F32, 0xffc00001)));
  EXPECT_FALSE(sameValue(exact(ValType::F32, 0x7fc00000), exact(ValType::F32, 0x7f800000)));
  EXPECT_FALSE(sameValue(exact(ValType::F64, 0), exact(ValType::F64, 1ull << 63)));
  EXPECT_FALSE(sameValue(exact(ValType::I32, 0x7fc00000), exact(ValType::I32, 0x7fc00001)));
  // Text-only floats from wasm-interp: as printed, NaN sign ignored.
  EXPECT_TRUE(sameValue(*parseInterpValue("f32:-nan"), exact(ValType::F32, 0x7fc00000)));
  EXPECT_TRUE(sameValue(*parseInterpValue("f64:-0.000000"), exact(ValType::F64, 1ull << 63)));
  EXPECT_FALSE(sameValue(*parseInterpValue("f64:0.000000"), exact(ValType::F64, 1ull << 63)));
  // v128: lanes as f32x4 or as f64x2.
  EXPECT_TRUE(sameValue(exact(ValType::V128, 0x7fc0000000000001, 5), exact(ValType::V128, 0xffc0000100000001, 5)));
  EXPECT_FALSE(sameValue(exact(ValType::V128, 0x7fc0000000000001, 5), exact(ValType::V128, 0x7fc0000000000002, 5)));
  EXPECT_TRUE(sameValue(exact(ValType::V128, 0x7ff8000000000000, 5), exact(ValType::V128, 0xfff8000000000123, 5)));
}

TEST(FuzzLogTest, SerialisesRoundTrip) {
  RunLog log;
  log.calls.push_back(CallRecord{.exportName = "(start)"});
  CallRecord call{.exportName = "a b\n"};
  call.hostCalls.push_back(HostCall{.name = "env.f", .args = {exact(ValType::I64, 5)}});
  call.trap = TrapKind::Unreachable;
  call.trapMessage = "unreachable";
  log.calls.push_back(call);
  log.calls.push_back(CallRecord{.exportName = "", .results = {exact(ValType::V128, 1, 2)}});
  log.memories.push_back(MemoryDump{.name = "mem", .size = 65536, .pageHashes = {42}});
  auto back = deserialize(serialize(log));
  ASSERT_TRUE(back);
  ASSERT_EQ(back->calls.size(), 3u);
  EXPECT_EQ(back->calls[1].exportName, "a b\n");
  EXPECT_EQ(back->calls[1].hostCalls[0].args[0].lo, 5u);
  EXPECT_EQ(back->calls[1].trap, TrapKind::Unreachable);
  EXPECT_EQ(back->calls[2].results[0].hi, 2u);
  EXPECT_EQ(back->memories[0].pageHashes[0], 42u);
  bool stack = false;
  EXPECT_TRUE(compareLogs(log, *back, stack).empty());
  EXPECT_FALSE(deserialize("0 s 1\n"));
}

TEST(FuzzLogTest, ComparesCallsAndStopsAtStackExhaustion) {
  RunLog expected, got;
  for (RunLog* log : {&expected, &got}) {
    log->calls.push_back(CallRecord{.exportName = "(start)"});
    log->calls.push_back(CallRecord{.exportName = "f", .results = {exact(ValType::I32, 1)}});
  }
  got.calls[1].results[0].lo = 2;
  bool stack = false;
  auto diffs = compareLogs(expected, got, stack);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_NE(diffs[0].find("expected results (i32:1), got results (i32:2)"), std::string::npos) << diffs[0];

  got.calls[1].trap = TrapKind::StackExhausted;
  got.calls.push_back(CallRecord{.exportName = "g"});
  EXPECT_TRUE(compareLogs(expected, got, stack).empty());
  EXPECT_TRUE(stack);
}

} // namespace
} // namespace wasmc::fuzz
