#include "tools/wasmc/WastRunner.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace wasmc::tools {
namespace {

using wasm::ValType;

/// A scripted engine: a module's first byte says what becomes of it
/// ('M' malformed, 'I' invalid, 'U' unlinkable, 'T' traps in start, else fine).
class FakeEngine final : public WastEngine {
public:
  Expected<void> compile(std::span<const uint8_t> bytes) override {
    if (!bytes.empty() && bytes[0] == 'M')
      return makeError(ErrorKind::Malformed, 8, "unexpected end of section or function");
    if (!bytes.empty() && bytes[0] == 'I')
      return makeError(ErrorKind::Invalid, 20, "type mismatch");
    return {};
  }
  Expected<InstanceId> instantiate(std::span<const uint8_t> bytes) override {
    WASMC_TRY(compile(bytes));
    if (!bytes.empty() && bytes[0] == 'U')
      return makeError(ErrorKind::Unlinkable, kNoOffset, "unknown import");
    if (!bytes.empty() && bytes[0] == 'T')
      return makeError(ErrorKind::Uninstantiable, kNoOffset, "unreachable executed");
    return nextId_++;
  }
  Expected<ActionOutcome> invoke(InstanceId instance, const std::string& field,
                                 const std::vector<WastValue>& args) override {
    ActionOutcome outcome;
    if (field == "trap") {
      outcome.trapped = true;
      outcome.trapMessage = "integer divide by zero";
    } else if (field == "add") {
      WastValue sum;
      sum.bits[0] = (args.at(0).bits[0] + args.at(1).bits[0]) & 0xffffffffu;
      outcome.values.push_back(sum);
    } else if (field == "nan") {
      WastValue nan;
      nan.type = ValType::F32;
      nan.bits[0] = 0x7fc00000;
      outcome.values.push_back(nan);
    } else if (field == "which") {
      WastValue id;
      id.bits[0] = instance;
      outcome.values.push_back(id);
    } else {
      return makeError(ErrorKind::Usage, kNoOffset, "unknown export \"" + field + "\"");
    }
    return outcome;
  }
  Expected<WastValue> getGlobal(InstanceId, const std::string& field) override {
    if (field != "g")
      return makeError(ErrorKind::Usage, kNoOffset, "unknown global");
    WastValue value;
    value.type = ValType::I64;
    value.bits[0] = 7;
    return value;
  }
  Expected<void> registerAs(InstanceId, const std::string& name) override {
    registered.push_back(name);
    return {};
  }

  std::vector<std::string> registered;

private:
  InstanceId nextId_ = 1;
};

class WastRunnerTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "wasmc-runner-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    for (auto [name, contents] : std::map<std::string, std::string>{
             {"ok.wasm", "ok"}, {"bad.wasm", "Mx"}, {"invalid.wasm", "Ix"},
             {"unlinkable.wasm", "Ux"}, {"trap.wasm", "Tx"}}) {
      std::FILE* file = std::fopen((dir_ + "/" + name).c_str(), "wb");
      ASSERT_NE(file, nullptr);
      std::fputs(contents.c_str(), file);
      std::fclose(file);
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Runs `commands` (a JSON array body) and returns the printed lines.
  std::string run(const std::string& commands, RunCounts& counts, bool checkMessages = false) {
    std::string json = R"({"source_filename": "t.wast", "commands": [)" + commands + "]}";
    Expected<WastScript> script = parseWastScript(json, dir_);
    EXPECT_TRUE(script) << (script ? "" : script.error().message);
    if (!script)
      return "";
    char* buffer = nullptr;
    size_t size = 0;
    std::FILE* out = open_memstream(&buffer, &size);
    counts = runWastScript(*script, engine_, "t.wast", RunOptions{.checkMessages = checkMessages},
                           out);
    std::fclose(out);
    std::string text(buffer, size);
    std::free(buffer);
    return text;
  }

  std::string dir_;
  FakeEngine engine_;
};

TEST_F(WastRunnerTest, PassingScript) {
  RunCounts counts;
  std::string out = run(R"(
    {"type": "module", "line": 1, "filename": "ok.wasm"},
    {"type": "assert_return", "line": 2, "action": {"type": "invoke", "field": "add",
      "args": [{"type": "i32", "value": "4294967295"}, {"type": "i32", "value": "2"}]},
      "expected": [{"type": "i32", "value": "1"}]},
    {"type": "assert_return", "line": 3, "action": {"type": "invoke", "field": "nan", "args": []},
      "expected": [{"type": "f32", "value": "nan:canonical"}]},
    {"type": "assert_return", "line": 4, "action": {"type": "get", "field": "g"},
      "expected": [{"type": "i64", "value": "7"}]},
    {"type": "assert_trap", "line": 5, "action": {"type": "invoke", "field": "trap", "args": []},
      "text": "integer divide by zero", "expected": [{"type": "i32"}]},
    {"type": "action", "line": 6, "action": {"type": "invoke", "field": "nan", "args": []}, "expected": []},
    {"type": "register", "line": 7, "as": "M"},
    {"type": "assert_malformed", "line": 8, "filename": "bad.wasm", "text": "unexpected end", "module_type": "binary"},
    {"type": "assert_malformed", "line": 9, "filename": "x.wat", "text": "unknown operator", "module_type": "text"},
    {"type": "assert_invalid", "line": 10, "filename": "invalid.wasm", "text": "type mismatch", "module_type": "binary"},
    {"type": "assert_unlinkable", "line": 11, "filename": "unlinkable.wasm", "text": "unknown import", "module_type": "binary"},
    {"type": "assert_uninstantiable", "line": 12, "filename": "trap.wasm", "text": "unreachable", "module_type": "binary"}
  )", counts);
  EXPECT_EQ(out, "");
  EXPECT_EQ(counts.passed, 10u);
  EXPECT_EQ(counts.failed, 0u);
  EXPECT_EQ(counts.skipped, 1u);
  EXPECT_EQ(engine_.registered, std::vector<std::string>{"M"});
}

TEST_F(WastRunnerTest, EachFailureIsOneLine) {
  RunCounts counts;
  std::string out = run(R"(
    {"type": "module", "line": 1, "filename": "ok.wasm"},
    {"type": "assert_return", "line": 2, "action": {"type": "invoke", "field": "nan", "args": []},
      "expected": [{"type": "f32", "value": "0"}]},
    {"type": "assert_trap", "line": 3, "action": {"type": "invoke", "field": "nan", "args": []},
      "text": "unreachable", "expected": []},
    {"type": "assert_invalid", "line": 4, "filename": "bad.wasm", "text": "type mismatch", "module_type": "binary"},
    {"type": "assert_malformed", "line": 5, "filename": "ok.wasm", "text": "magic header", "module_type": "binary"},
    {"type": "assert_return", "line": 6, "action": {"type": "invoke", "field": "nope", "args": []}, "expected": []}
  )", counts);
  EXPECT_EQ(out,
            "t.wast:2: assert_return: expected \"nan\" to return (f32:0), got (f32:nan:0x7fc00000)\n"
            "t.wast:3: assert_trap: expected \"nan\" to trap with \"unreachable\", got "
            "(f32:nan:0x7fc00000)\n"
            "t.wast:4: assert_invalid: expected invalid module bad.wasm (\"type mismatch\"), got "
            "malformed: unexpected end of section or function (at byte 0x8)\n"
            "t.wast:5: assert_malformed: expected malformed module ok.wasm (\"magic header\"), "
            "but it compiled\n"
            "t.wast:6: assert_return: expected \"nope\" to return (), got unknown export \"nope\"\n");
  EXPECT_EQ(counts.passed, 1u);
  EXPECT_EQ(counts.failed, 5u);
}

TEST_F(WastRunnerTest, NamesWithControlCharactersStayOnOneLine) {
  RunCounts counts;
  std::string out = run(R"(
    {"type": "module", "line": 1, "filename": "ok.wasm"},
    {"type": "action", "line": 2, "action": {"type": "invoke", "field": "a\u000a\"b\\", "args": []}, "expected": []}
  )", counts);
  EXPECT_EQ(out, "t.wast:2: action: expected \"a\\0a\\\"b\\\\\" to complete, got unknown export "
                 "\"a\\0a\"b\\\"\n");
}

TEST_F(WastRunnerTest, FailedModuleExplainsLaterCommands) {
  RunCounts counts;
  std::string out = run(R"(
    {"type": "module", "line": 1, "name": "$A", "filename": "trap.wasm"},
    {"type": "register", "line": 2, "name": "$A", "as": "A"},
    {"type": "action", "line": 3, "action": {"type": "invoke", "module": "$A", "field": "nan", "args": []}, "expected": []}
  )", counts);
  EXPECT_EQ(out,
            "t.wast:1: module: expected the module to instantiate, got uninstantiable: "
            "unreachable executed\n"
            "t.wast:3: action: expected \"$A.nan\" to complete, got no instance: module $A "
            "(line 1) did not instantiate\n");
  EXPECT_EQ(counts.failed, 2u);
  EXPECT_TRUE(engine_.registered.empty());
}

TEST_F(WastRunnerTest, NamedModulesAndLatest) {
  RunCounts counts;
  std::string out = run(R"(
    {"type": "module", "line": 1, "name": "$A", "filename": "ok.wasm"},
    {"type": "module", "line": 2, "filename": "ok.wasm"},
    {"type": "assert_return", "line": 3, "action": {"type": "invoke", "module": "$A", "field": "which", "args": []},
      "expected": [{"type": "i32", "value": "1"}]},
    {"type": "assert_return", "line": 4, "action": {"type": "invoke", "field": "which", "args": []},
      "expected": [{"type": "i32", "value": "2"}]}
  )", counts);
  EXPECT_EQ(out, "");
  EXPECT_EQ(counts.passed, 4u);
}

TEST_F(WastRunnerTest, MessageNotes) {
  RunCounts counts;
  std::string commands = R"(
    {"type": "assert_malformed", "line": 1, "filename": "bad.wasm", "text": "length out of bounds", "module_type": "binary"},
    {"type": "assert_invalid", "line": 2, "filename": "invalid.wasm", "text": "type mis", "module_type": "binary"}
  )";
  EXPECT_EQ(run(commands, counts), "");
  EXPECT_EQ(counts.passed, 2u);
  EXPECT_EQ(counts.messageNotes, 1u);
  EXPECT_EQ(run(commands, counts, true),
            "t.wast:1: note: message differs: expected \"length out of bounds\", got "
            "\"unexpected end of section or function\"\n");
  EXPECT_EQ(counts.failed, 0u);
}

TEST(WastScriptTest, ReadsV128AndReferences) {
  Expected<WastScript> script = parseWastScript(R"({"commands": [
    {"type": "assert_return", "line": 9, "action": {"type": "invoke", "field": "f", "args": [
      {"type": "v128", "lane_type": "i16", "value": ["1", "2", "3", "4", "5", "6", "7", "65535"]},
      {"type": "externref", "value": "42"}, {"type": "funcref", "value": "null"}]},
     "expected": [{"type": "v128", "lane_type": "f64", "value": ["nan:arithmetic", "4611686018427387904"]},
                  {"type": "funcref"}]}]})",
                                                "/nonexistent");
  ASSERT_TRUE(script) << script.error().message;
  const Command& command = script->commands.at(0);
  EXPECT_EQ(command.kind, CommandKind::AssertReturn);
  EXPECT_EQ(command.line, 9u);
  const std::vector<WastValue>& args = command.action.args;
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[0].bits[0], 0x0004000300020001ull);
  EXPECT_EQ(args[0].bits[1], 0xffff000700060005ull);
  EXPECT_EQ(args[1].bits[0], 42u);
  EXPECT_FALSE(args[1].isNull);
  EXPECT_TRUE(args[2].isNull);
  ASSERT_EQ(command.expected.size(), 2u);
  EXPECT_EQ(command.expected[0].laneType, LaneType::F64);
  EXPECT_EQ(command.expected[0].lanes[0].nan, NanPattern::Arithmetic);
  EXPECT_EQ(command.expected[0].lanes[1].bits, 4611686018427387904ull);
  EXPECT_TRUE(command.expected[1].anyRef);
}

TEST(WastScriptTest, RejectsBadValues) {
  for (const char* value : {R"({"type": "i32", "value": "4294967296"})",
                            R"({"type": "i32", "value": "-1"})",
                            R"({"type": "i64", "value": "nan:canonical"})",
                            R"({"type": "f32", "value": "nan:canonical"})",
                            R"({"type": "v128", "lane_type": "i32", "value": ["1"]})",
                            R"({"type": "i31", "value": "1"})"}) {
    std::string json = std::string(R"({"commands": [{"type": "action", "line": 3, "action": )") +
                       R"({"type": "invoke", "field": "f", "args": [)" + value + "]}}]}";
    Expected<WastScript> script = parseWastScript(json, ".");
    ASSERT_FALSE(script) << value;
    EXPECT_TRUE(script.error().message.starts_with("command at line 3: ")) << script.error().message;
  }
}

TEST(WastScriptTest, MissingModuleFileIsAnError) {
  Expected<WastScript> script = parseWastScript(
      R"({"commands": [{"type": "module", "line": 1, "filename": "gone.wasm"}]})", "/nonexistent");
  ASSERT_FALSE(script);
  EXPECT_EQ(script.error().message,
            "command at line 1: /nonexistent/gone.wasm: cannot open file: No such file or directory");
}

} // namespace
} // namespace wasmc::tools
