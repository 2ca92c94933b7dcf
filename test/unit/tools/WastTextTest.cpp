// .wast scripts read by wasmc's own parser: every command kind, results
// with NaN patterns and vector lanes, arguments as bits, quoted and binary
// modules, a script that is a module's fields alone, and errors with line
// and column. (The whole 2.0 spec suite runs through it as the spec tests;
// spec/wast2json-crosscheck runs it through wabt's converter too.)

#include "tools/wasmc/WastText.h"

#include <gtest/gtest.h>

namespace wasmc::tools {
namespace {

WastScript parse(std::string_view text) {
  auto script = parseWastText(text, "test.wast");
  EXPECT_TRUE(script) << (script ? "" : script.error().describe());
  return script ? std::move(*script) : WastScript{};
}

TEST(WastText, ReadsEveryCommandKind) {
  WastScript script = parse(R"(
    (module $m (func (export "id") (param i32) (result i32) (local.get 0)))
    (register "m" $m)
    (invoke "id" (i32.const 1))
    (assert_return (invoke $m "id" (i32.const -1)) (i32.const 0xffffffff))
    (assert_trap (invoke "id" (i32.const 0)) "unreachable")
    (assert_exhaustion (invoke "id" (i32.const 0)) "call stack exhausted")
    (assert_invalid (module (func (result i32))) "type mismatch")
    (assert_malformed (module quote "(func") "unexpected end")
    (assert_malformed (module binary "\00asm") "unexpected end")
    (assert_unlinkable (module (import "x" "y" (func))) "unknown import")
    (assert_trap (module (func $f unreachable) (start $f)) "unreachable")
    (get "g")
  )");
  ASSERT_EQ(script.commands.size(), 12u);
  EXPECT_EQ(script.commands[0].kind, CommandKind::Module);
  EXPECT_EQ(script.commands[0].moduleName, "$m");
  EXPECT_FALSE(script.commands[0].bytes.empty());
  EXPECT_EQ(script.commands[1].registerAs, "m");
  EXPECT_EQ(script.commands[1].moduleName, "$m");
  EXPECT_EQ(script.commands[2].kind, CommandKind::Action);
  EXPECT_EQ(script.commands[3].kind, CommandKind::AssertReturn);
  EXPECT_EQ(script.commands[3].action.module, "$m");
  EXPECT_EQ(script.commands[3].action.args[0].bits[0], 0xFFFFFFFFu);
  EXPECT_EQ(script.commands[3].expected[0].lanes[0].bits, 0xFFFFFFFFu);
  EXPECT_EQ(script.commands[4].text, "unreachable");
  EXPECT_EQ(script.commands[5].kind, CommandKind::AssertExhaustion);
  EXPECT_EQ(script.commands[6].kind, CommandKind::AssertInvalid);
  ASSERT_TRUE(script.commands[7].textError) << "quoted text is parsed, its error kept for the assertion";
  EXPECT_EQ(script.commands[7].textError->kind, ErrorKind::Malformed);
  EXPECT_EQ(script.commands[8].bytes, (std::vector<uint8_t>{0, 'a', 's', 'm'}));
  EXPECT_EQ(script.commands[9].kind, CommandKind::AssertUnlinkable);
  EXPECT_EQ(script.commands[10].kind, CommandKind::AssertUninstantiable) << "a start function's trap";
  EXPECT_EQ(script.commands[11].action.kind, WastAction::Kind::Get);
  EXPECT_EQ(script.commands[4].line, 6u);
}

TEST(WastText, ResultsAndArguments) {
  WastScript script = parse(R"(
    (assert_return (invoke "f" (f32.const -0x1p-1) (v128.const i16x8 -1 0 1 2 3 4 5 0x7fff) (ref.null extern)
                               (ref.extern 7))
      (f32.const nan:canonical) (f64.const nan:arithmetic) (f64.const -inf)
      (v128.const f32x4 1 nan:canonical -0 inf) (ref.func) (ref.null func) (ref.extern 7))
  )");
  ASSERT_EQ(script.commands.size(), 1u);
  const Command& c = script.commands[0];
  ASSERT_EQ(c.action.args.size(), 4u);
  EXPECT_EQ(c.action.args[0].bits[0], 0xBF000000u);
  EXPECT_EQ(c.action.args[1].bits[0], 0x000200010000FFFFu);
  EXPECT_EQ(c.action.args[1].bits[1], 0x7FFF000500040003u);
  EXPECT_TRUE(c.action.args[2].isNull);
  EXPECT_EQ(c.action.args[3].bits[0], 7u);
  ASSERT_EQ(c.expected.size(), 7u);
  EXPECT_EQ(c.expected[0].lanes[0].nan, NanPattern::Canonical);
  EXPECT_EQ(c.expected[1].lanes[0].nan, NanPattern::Arithmetic);
  EXPECT_EQ(c.expected[2].lanes[0].bits, 0xFFF0000000000000u);
  EXPECT_EQ(c.expected[3].laneType, LaneType::F32);
  EXPECT_EQ(c.expected[3].lanes[1].nan, NanPattern::Canonical);
  EXPECT_EQ(c.expected[3].lanes[2].bits, 0x80000000u);
  EXPECT_TRUE(c.expected[4].anyRef);
  EXPECT_TRUE(c.expected[5].isNull);
  EXPECT_EQ(c.expected[6].lanes[0].bits, 7u);
}

TEST(WastText, QuotedModulesAreParsed) {
  WastScript script = parse(R"wast((module quote "(func (export \"f\"))" "(memory 1)"))wast");
  ASSERT_EQ(script.commands.size(), 1u);
  EXPECT_FALSE(script.commands[0].textError);
  EXPECT_FALSE(script.commands[0].bytes.empty());
}

// wasmc's own command (issue 17): the fuel an action uses.
TEST(WastText, AssertFuel) {
  WastScript script = parse(R"wast(
    (assert_fuel 3 (invoke "add" (i32.const 1) (i32.const 2)))
    (assert_fuel 11 (with 10) (invoke "spin") "all fuel consumed")
  )wast");
  ASSERT_EQ(script.commands.size(), 2u);
  EXPECT_EQ(script.commands[0].kind, CommandKind::AssertFuel);
  EXPECT_EQ(script.commands[0].fuelConsumed, 3);
  EXPECT_EQ(script.commands[0].fuelStart, kDefaultFuelStart);
  EXPECT_EQ(script.commands[0].action.args.size(), 2u);
  EXPECT_TRUE(script.commands[0].text.empty());
  EXPECT_EQ(script.commands[1].fuelConsumed, 11);
  EXPECT_EQ(script.commands[1].fuelStart, 10);
  EXPECT_EQ(script.commands[1].text, "all fuel consumed");
}

TEST(WastText, AScriptOfFieldsIsOneModule) {
  WastScript script = parse("(func) (memory 0) (func (export \"f\"))");
  ASSERT_EQ(script.commands.size(), 1u);
  EXPECT_EQ(script.commands[0].kind, CommandKind::Module);
}

// A command the parser cannot read is a failure of its own, naming line and
// column, and the commands after it still run; a module it cannot read is
// that module's error (later commands on it say it did not instantiate).
TEST(WastText, ErrorsNameLineAndColumnAndTheScriptGoesOn) {
  auto unsupported = [](std::string_view text) {
    auto script = parseWastText(std::string(text) + "\n(module $after)", "t.wast");
    EXPECT_TRUE(script) << text;
    if (!script || script->commands.size() < 2)
      return std::string();
    EXPECT_EQ(script->commands.back().moduleName, "$after") << "the command after it is read";
    const Command& command = script->commands[script->commands.size() - 2];
    EXPECT_EQ(command.kind, CommandKind::Unsupported);
    return command.text;
  };
  EXPECT_EQ(unsupported("(module)\n(assert_return (invoke \"f\" (i32.const 1.5)))"),
            "t.wast: line 2, column 39: expected a 32-bit integer");
  EXPECT_EQ(unsupported("(assert_bogus (x (y)))"), "t.wast: line 1, column 2: unknown command assert_bogus");
  EXPECT_EQ(unsupported("(assert_return (invoke \"f\" (f32.const nan:canonical)))"),
            "t.wast: line 1, column 39: expected a 32-bit float");
  EXPECT_EQ(unsupported("(assert_return (invoke \"f\") (ref.struct))"),
            "t.wast: line 1, column 30: unsupported reference value: ref.struct (GC and exception references)");
  WastScript script = parse("(module $m (func (i32.frob)))\n(module $after)");
  ASSERT_EQ(script.commands.size(), 2u);
  EXPECT_EQ(script.commands[0].kind, CommandKind::Module);
  ASSERT_TRUE(script.commands[0].textError);
  EXPECT_EQ(script.commands[0].textError->message, "line 1, column 19: unknown operator i32.frob");
  EXPECT_EQ(script.commands[1].moduleName, "$after");
  // A script whose parentheses never close is still an error of its own.
  EXPECT_FALSE(parseWastText("(module", "t.wast"));
}

TEST(WastText, ModuleDefinitionsInstancesAndEither) {
  WastScript script = parse("(module definition $M (func))\n(module instance $I $M)\n(module instance)\n"
                            "(assert_return (invoke \"f\") (either (i32.const 1) (i32.const 2)))\n"
                            "(assert_exception (invoke \"g\"))");
  ASSERT_EQ(script.commands.size(), 5u);
  EXPECT_EQ(script.commands[0].kind, CommandKind::ModuleDefinition);
  EXPECT_EQ(script.commands[0].moduleName, "$M");
  EXPECT_FALSE(script.commands[0].bytes.empty());
  EXPECT_EQ(script.commands[1].kind, CommandKind::ModuleInstance);
  EXPECT_EQ(script.commands[1].moduleName, "$I");
  EXPECT_EQ(script.commands[1].definition, "$M");
  EXPECT_EQ(script.commands[2].definition, "");
  ASSERT_EQ(script.commands[3].expected.size(), 1u);
  EXPECT_EQ(script.commands[3].expected[0].either.size(), 2u);
  EXPECT_EQ(script.commands[4].kind, CommandKind::AssertException);
}

} // namespace
} // namespace wasmc::tools
