#include "tools/wasmc/WastScript.h"

#include "engine/FileIo.h"
#include "tools/wasmc/Json.h"
#include "tools/wasmc/Wast2Json.h"
#include "tools/wasmc/WastText.h"

#include <charconv>
#include <filesystem>

namespace wasmc::tools {

namespace {

using wasm::ValType;

struct TypeSpelling {
  const char* name;
  ValType type;
};

constexpr TypeSpelling kTypes[] = {
    {"i32", ValType::I32},       {"i64", ValType::I64},         {"f32", ValType::F32},
    {"f64", ValType::F64},       {"v128", ValType::V128},       {"funcref", ValType::FuncRef},
    {"externref", ValType::ExternRef},
};

struct LaneSpelling {
  const char* name;
  LaneType lane;
  unsigned count;
  unsigned width; // bits
  bool isFloat;
};

constexpr LaneSpelling kLanes[] = {
    {"i8", LaneType::I8, 16, 8, false},   {"i16", LaneType::I16, 8, 16, false},
    {"i32", LaneType::I32, 4, 32, false}, {"i64", LaneType::I64, 2, 64, false},
    {"f32", LaneType::F32, 4, 32, true},  {"f64", LaneType::F64, 2, 64, true},
};

/// Builds errors that name the command being read.
class ScriptReader {
public:
  explicit ScriptReader(std::string baseDir) : baseDir_(std::move(baseDir)) {}

  Expected<WastScript> read(const JsonValue& root) {
    if (!root.isObject())
      return fail("the top level is not an object");
    WastScript script;
    if (const JsonValue* source = root.find("source_filename"); source && source->isString())
      script.sourceFilename = source->asString();
    const JsonValue* commands = root.find("commands");
    if (!commands || !commands->isArray())
      return fail("missing \"commands\" array");
    for (const JsonValue& command : commands->asArray())
      script.commands.push_back(WASMC_TRY(readCommand(command)));
    return script;
  }

private:
  Error fail(const std::string& message) const {
    std::string where = line_ ? "command at line " + std::to_string(line_) + ": " : "";
    return makeError(ErrorKind::Io, kNoOffset, where + message);
  }

  Expected<const JsonValue*> member(const JsonValue& object, const char* key,
                                    JsonValue::Kind kind) const {
    const JsonValue* value = object.find(key);
    if (!value)
      return fail(std::string("missing \"") + key + "\"");
    if (value->kind() != kind)
      return fail(std::string("\"") + key + "\" is not a " + JsonValue::kindName(kind));
    return value;
  }

  Expected<std::string> stringMember(const JsonValue& object, const char* key) const {
    return WASMC_TRY(member(object, key, JsonValue::Kind::String))->asString();
  }

  /// An optional string member: "" when absent.
  Expected<std::string> optionalString(const JsonValue& object, const char* key) const {
    if (!object.find(key))
      return std::string();
    return stringMember(object, key);
  }

  Expected<uint64_t> parseBits(const std::string& text, unsigned width) const {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
      return fail("\"" + text + "\" is not an unsigned decimal number");
    if (width < 64 && value >> width)
      return fail("\"" + text + "\" does not fit in " + std::to_string(width) + " bits");
    return value;
  }

  Expected<ExpectedBits> parseExpectedBits(const std::string& text, unsigned width,
                                           bool isFloat) const {
    if (text == "nan:canonical" || text == "nan:arithmetic") {
      if (!isFloat)
        return fail(text + " given for an integer");
      return ExpectedBits{0, text == "nan:canonical" ? NanPattern::Canonical
                                                     : NanPattern::Arithmetic};
    }
    return ExpectedBits{WASMC_TRY(parseBits(text, width)), NanPattern::None};
  }

  Expected<ValType> parseType(const std::string& name) const {
    for (const TypeSpelling& spelling : kTypes)
      if (name == spelling.name)
        return spelling.type;
    return fail("unknown value type \"" + name + "\"");
  }

  /// Reads a "type"/"value" object. Arguments must be concrete values; expected
  /// results may be NaN patterns or value-less references.
  Expected<ExpectedValue> readValue(const JsonValue& json, bool isArgument) const {
    if (!json.isObject())
      return fail("a value is not an object");
    ExpectedValue value;
    value.type = WASMC_TRY(parseType(WASMC_TRY(stringMember(json, "type"))));
    const JsonValue* text = json.find("value");
    switch (value.type) {
    case ValType::I32:
    case ValType::I64:
    case ValType::F32:
    case ValType::F64: {
      bool isFloat = value.type == ValType::F32 || value.type == ValType::F64;
      unsigned width = value.type == ValType::I32 || value.type == ValType::F32 ? 32 : 64;
      std::string bits = WASMC_TRY(stringMember(json, "value"));
      value.lanes.push_back(WASMC_TRY(parseExpectedBits(bits, width, isFloat)));
      break;
    }
    case ValType::V128: {
      std::string laneName = WASMC_TRY(stringMember(json, "lane_type"));
      const LaneSpelling* lane = nullptr;
      for (const LaneSpelling& spelling : kLanes)
        if (laneName == spelling.name)
          lane = &spelling;
      if (!lane)
        return fail("unknown lane_type \"" + laneName + "\"");
      value.laneType = lane->lane;
      const JsonValue* lanes = WASMC_TRY(member(json, "value", JsonValue::Kind::Array));
      if (lanes->asArray().size() != lane->count)
        return fail("a v128 of " + laneName + " lanes needs " + std::to_string(lane->count) +
                    " values");
      for (const JsonValue& laneValue : lanes->asArray()) {
        if (!laneValue.isString())
          return fail("a v128 lane is not a string");
        value.lanes.push_back(
            WASMC_TRY(parseExpectedBits(laneValue.asString(), lane->width, lane->isFloat)));
      }
      break;
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
      if (!text) {
        value.anyRef = true;
      } else if (!text->isString()) {
        return fail("\"value\" is not a string");
      } else if (text->asString() == "null") {
        value.isNull = true;
      } else {
        value.lanes.push_back({WASMC_TRY(parseBits(text->asString(), 64)), NanPattern::None});
      }
      break;
    }
    if (isArgument) {
      for (const ExpectedBits& bits : value.lanes)
        if (bits.nan != NanPattern::None)
          return fail("a NaN pattern given as an argument");
      if (value.anyRef)
        return fail("a reference argument without a value");
    }
    return value;
  }

  Expected<WastValue> readArgument(const JsonValue& json) const {
    ExpectedValue parsed = WASMC_TRY(readValue(json, true));
    WastValue value;
    value.type = parsed.type;
    value.isNull = parsed.isNull;
    if (parsed.type == ValType::V128) {
      unsigned width = 128 / static_cast<unsigned>(parsed.lanes.size());
      for (size_t i = 0; i < parsed.lanes.size(); ++i) {
        size_t bit = i * width;
        value.bits[bit / 64] |= parsed.lanes[i].bits << (bit % 64);
      }
    } else if (!parsed.lanes.empty()) {
      value.bits[0] = parsed.lanes[0].bits;
    }
    return value;
  }

  Expected<WastAction> readAction(const JsonValue& command) const {
    const JsonValue* json = WASMC_TRY(member(command, "action", JsonValue::Kind::Object));
    WastAction action;
    std::string type = WASMC_TRY(stringMember(*json, "type"));
    if (type == "invoke")
      action.kind = WastAction::Kind::Invoke;
    else if (type == "get")
      action.kind = WastAction::Kind::Get;
    else
      return fail("unknown action type \"" + type + "\"");
    action.module = WASMC_TRY(optionalString(*json, "module"));
    action.field = WASMC_TRY(stringMember(*json, "field"));
    if (action.kind == WastAction::Kind::Invoke) {
      const JsonValue* args = WASMC_TRY(member(*json, "args", JsonValue::Kind::Array));
      for (const JsonValue& arg : args->asArray())
        action.args.push_back(WASMC_TRY(readArgument(arg)));
    }
    return action;
  }

  /// Reads "filename" and, unless the module is text, the module's bytes.
  Expected<void> readModuleFile(const JsonValue& json, Command& command) const {
    command.filename = WASMC_TRY(stringMember(json, "filename"));
    std::string moduleType = WASMC_TRY(optionalString(json, "module_type"));
    if (moduleType.empty())
      moduleType = command.filename.ends_with(".wat") ? "text" : "binary";
    if (moduleType != "binary" && moduleType != "text")
      return fail("unknown module_type \"" + moduleType + "\"");
    command.isText = moduleType == "text";
    if (command.isText)
      return {};
    std::string path = (std::filesystem::path(baseDir_) / command.filename).string();
    Expected<std::vector<uint8_t>> bytes = engine::readFileBytes(path);
    if (!bytes)
      return fail(path + ": " + bytes.error().message);
    command.bytes = std::move(*bytes);
    return {};
  }

  Expected<Command> readCommand(const JsonValue& json) {
    line_ = 0;
    if (!json.isObject())
      return fail("a command is not an object");
    const JsonValue* line = WASMC_TRY(member(json, "line", JsonValue::Kind::Number));
    std::optional<uint64_t> lineNumber = line->asUint();
    if (!lineNumber || *lineNumber > UINT32_MAX)
      return fail("\"line\" is not a line number");
    line_ = static_cast<uint32_t>(*lineNumber);

    Command command;
    command.line = line_;
    std::string type = WASMC_TRY(stringMember(json, "type"));
    if (type == "module") {
      command.kind = CommandKind::Module;
      command.moduleName = WASMC_TRY(optionalString(json, "name"));
      WASMC_TRY(readModuleFile(json, command));
    } else if (type == "register") {
      command.kind = CommandKind::Register;
      command.moduleName = WASMC_TRY(optionalString(json, "name"));
      command.registerAs = WASMC_TRY(stringMember(json, "as"));
    } else if (type == "action") {
      command.kind = CommandKind::Action;
      command.action = WASMC_TRY(readAction(json));
    } else if (type == "assert_return") {
      command.kind = CommandKind::AssertReturn;
      command.action = WASMC_TRY(readAction(json));
      const JsonValue* expected = WASMC_TRY(member(json, "expected", JsonValue::Kind::Array));
      for (const JsonValue& value : expected->asArray())
        command.expected.push_back(WASMC_TRY(readValue(value, false)));
    } else if ((type == "assert_trap" && json.find("action")) || type == "assert_exhaustion") {
      command.kind = type == "assert_trap" ? CommandKind::AssertTrap : CommandKind::AssertExhaustion;
      command.action = WASMC_TRY(readAction(json));
      command.text = WASMC_TRY(stringMember(json, "text"));
    } else if (type == "assert_trap" || type == "assert_invalid" || type == "assert_malformed" ||
               type == "assert_unlinkable" || type == "assert_uninstantiable") {
      command.kind = type == "assert_invalid"      ? CommandKind::AssertInvalid
                     : type == "assert_malformed"  ? CommandKind::AssertMalformed
                     : type == "assert_unlinkable" ? CommandKind::AssertUnlinkable
                                                   : CommandKind::AssertUninstantiable;
      command.text = WASMC_TRY(stringMember(json, "text"));
      WASMC_TRY(readModuleFile(json, command));
    } else {
      return fail("unknown command type \"" + type + "\"");
    }
    return command;
  }

  std::string baseDir_;
  uint32_t line_ = 0;
};

} // namespace

const char* commandKindName(CommandKind kind) {
  switch (kind) {
  case CommandKind::Module: return "module";
  case CommandKind::Register: return "register";
  case CommandKind::Action: return "action";
  case CommandKind::AssertReturn: return "assert_return";
  case CommandKind::AssertTrap: return "assert_trap";
  case CommandKind::AssertExhaustion: return "assert_exhaustion";
  case CommandKind::AssertFuel: return "assert_fuel";
  case CommandKind::AssertInvalid: return "assert_invalid";
  case CommandKind::AssertMalformed: return "assert_malformed";
  case CommandKind::AssertUnlinkable: return "assert_unlinkable";
  case CommandKind::AssertUninstantiable: return "assert_uninstantiable";
  case CommandKind::ModuleDefinition: return "module definition";
  case CommandKind::ModuleInstance: return "module instance";
  case CommandKind::AssertException: return "assert_exception";
  case CommandKind::Unsupported: return "unsupported command";
  }
  return "command";
}

Expected<WastScript> parseWastScript(std::string_view json, const std::string& baseDir) {
  JsonValue root = WASMC_TRY(parseJson(json));
  return ScriptReader(baseDir).read(root);
}

Expected<WastScript> loadWastScript(const std::string& path, bool viaWast2json) {
  if (path.ends_with(".wast") && !viaWast2json) {
    std::string source = WASMC_TRY(engine::readFileText(path));
    return parseWastText(source, std::filesystem::path(path).filename().string());
  }
  if (path.ends_with(".wast")) {
    ConvertedWast converted = WASMC_TRY(convertWast(path));
    std::string json = WASMC_TRY(engine::readFileText(converted.jsonPath()));
    // Modules are read into memory before `converted` removes the directory.
    return parseWastScript(json, converted.dir());
  }
  std::string json = WASMC_TRY(engine::readFileText(path));
  std::string baseDir = std::filesystem::path(path).parent_path().string();
  return parseWastScript(json, baseDir.empty() ? "." : baseDir);
}

} // namespace wasmc::tools
