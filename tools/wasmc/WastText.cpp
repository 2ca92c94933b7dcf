#include "tools/wasmc/WastText.h"

#include "compiler/text/Lexer.h"
#include "compiler/text/Numbers.h"
#include "compiler/text/WatParser.h"

#include <algorithm>
#include <cstdint>

namespace wasmc::tools {

namespace {

using text::Token;
using text::TokenKind;
using wasm::ValType;

class ScriptParser {
public:
  ScriptParser(const std::vector<Token>& tokens, const std::string& name) : t_(tokens), name_(name) {}

  Expected<WastScript> run() {
    WastScript script;
    script.sourceFilename = name_;
    while (peek().kind != TokenKind::End) {
      if (peek().kind != TokenKind::LeftParen)
        return unexpected("a command");
      // A command this runner cannot read fails on its own; the script
      // goes on after it (a 3.0 script mixes features, and one file
      // should not hide the rest of its assertions).
      size_t start = at_;
      Expected<Command> parsed = command();
      if (parsed) {
        script.commands.push_back(std::move(*parsed));
        continue;
      }
      const size_t end = afterBalanced(start);
      if (end == kUnclosed) // not a command at all: the script is malformed
        return std::move(parsed).error();
      Command unsupported;
      unsupported.kind = CommandKind::Unsupported;
      unsupported.line = t_[start].line;
      unsupported.text = parsed.error().message;
      script.commands.push_back(std::move(unsupported));
      at_ = end;
    }
    return script;
  }

private:
  const Token& peek(size_t ahead = 0) const {
    size_t i = std::min(at_ + ahead, t_.size() - 1);
    return t_[i];
  }
  const Token& next() {
    const Token& token = t_[at_];
    if (token.kind != TokenKind::End)
      ++at_;
    return token;
  }
  /// The index after the ')' that closes the '(' at `open`, or
  /// kUnclosed when none does.
  static constexpr size_t kUnclosed = SIZE_MAX;
  size_t afterBalanced(size_t open) const {
    int depth = 0;
    for (size_t i = open; i < t_.size(); ++i) {
      if (t_[i].kind == TokenKind::LeftParen)
        ++depth;
      else if (t_[i].kind == TokenKind::RightParen && --depth == 0)
        return i + 1;
    }
    return kUnclosed;
  }
  bool isKeyword(std::string_view word, size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::Keyword && peek(ahead).text == word;
  }
  Error errorAt(const Token& token, const std::string& message) const {
    return makeError(ErrorKind::Malformed, token.offset, name_ + ": " + text::locationOf(token) + ": " + message);
  }
  Error unexpected(const std::string& wanted) const {
    const Token& token = peek();
    return errorAt(token, "expected " + wanted + ", found " +
                              (token.kind == TokenKind::End ? std::string("the end of the script")
                                                            : "'" + std::string(token.text) + "'"));
  }
  Expected<void> expect(TokenKind kind, const char* what) {
    if (peek().kind != kind)
      return unexpected(what);
    next();
    return {};
  }
  Expected<std::string> string() {
    if (peek().kind != TokenKind::String)
      return unexpected("a string");
    return next().string;
  }
  std::string optionalName() {
    if (peek().kind != TokenKind::Id)
      return "";
    const Token& token = next();
    return token.string.empty() ? std::string(token.text) : "$" + token.string;
  }

  Expected<Command> command() {
    const Token& open = peek();
    const Token& kind = peek(1);
    Command command;
    command.line = open.line;
    if (kind.kind != TokenKind::Keyword)
      return errorAt(kind, "expected a command");
    if (kind.text == "module" && isKeyword("instance", 2)) {
      next();
      next();
      next();
      command.kind = CommandKind::ModuleInstance;
      command.moduleName = optionalName();
      command.definition = optionalName();
      WASMC_TRY(expect(TokenKind::RightParen, "')'"));
      return command;
    }
    if (kind.text == "module") {
      command.kind = isKeyword("definition", 2) ? CommandKind::ModuleDefinition : CommandKind::Module;
      WASMC_TRY(module(command));
      return command;
    }
    if (kind.text == "register") {
      next();
      next();
      command.kind = CommandKind::Register;
      command.registerAs = WASMC_TRY(string());
      command.moduleName = optionalName();
      WASMC_TRY(expect(TokenKind::RightParen, "')'"));
      return command;
    }
    if (kind.text == "invoke" || kind.text == "get") {
      command.kind = CommandKind::Action;
      command.action = WASMC_TRY(action());
      return command;
    }
    next();
    next();
    if (kind.text == "assert_return") {
      command.kind = CommandKind::AssertReturn;
      command.action = WASMC_TRY(action());
      while (peek().kind == TokenKind::LeftParen)
        command.expected.push_back(WASMC_TRY(result()));
    } else if (kind.text == "assert_trap") {
      if (isKeyword("module", 1)) {
        command.kind = CommandKind::AssertUninstantiable; // as wast2json writes a start function's trap
        WASMC_TRY(module(command));
      } else {
        command.kind = CommandKind::AssertTrap;
        command.action = WASMC_TRY(action());
      }
      command.text = WASMC_TRY(string());
    } else if (kind.text == "assert_fuel") {
      command.kind = CommandKind::AssertFuel;
      command.fuelConsumed = WASMC_TRY(count("the fuel consumed"));
      if (peek().kind == TokenKind::LeftParen && isKeyword("with", 1)) {
        next();
        next();
        command.fuelStart = WASMC_TRY(count("the fuel to start with"));
        WASMC_TRY(expect(TokenKind::RightParen, "')'"));
      }
      command.action = WASMC_TRY(action());
      if (peek().kind == TokenKind::String)
        command.text = next().string;
    } else if (kind.text == "assert_exception") {
      command.kind = CommandKind::AssertException;
      command.action = WASMC_TRY(action());
    } else if (kind.text == "assert_exhaustion") {
      command.kind = CommandKind::AssertExhaustion;
      command.action = WASMC_TRY(action());
      command.text = WASMC_TRY(string());
    } else if (kind.text == "assert_invalid" || kind.text == "assert_malformed" ||
               kind.text == "assert_unlinkable" || kind.text == "assert_uninstantiable") {
      command.kind = kind.text == "assert_invalid"     ? CommandKind::AssertInvalid
                     : kind.text == "assert_malformed" ? CommandKind::AssertMalformed
                     : kind.text == "assert_unlinkable" ? CommandKind::AssertUnlinkable
                                                        : CommandKind::AssertUninstantiable;
      WASMC_TRY(module(command));
      command.text = WASMC_TRY(string());
    } else {
      return errorAt(kind, "unknown command " + std::string(kind.text));
    }
    WASMC_TRY(expect(TokenKind::RightParen, "')'"));
    return command;
  }

  /// `(module definition? $id? ...)`: text (parsed), `binary "..."*` or
  /// `quote "..."*`. Text our parser refuses is the command's error
  /// (textError), as for a quoted module, and the script goes on.
  Expected<void> module(Command& command) {
    const Token& open = peek();
    command.filename = "the module at line " + std::to_string(open.line);
    const size_t skip = isKeyword("definition", 2) ? 1 : 0; // the keyword
    if (isKeyword("binary", 2 + skip) || isKeyword("quote", 2 + skip) ||
        (peek(2 + skip).kind == TokenKind::Id && (isKeyword("binary", 3 + skip) || isKeyword("quote", 3 + skip)))) {
      next();
      next();
      at_ += skip;
      command.moduleName = optionalName();
      const bool binary = isKeyword("binary");
      next();
      std::string bytes;
      while (peek().kind == TokenKind::String)
        bytes += next().string;
      if (binary) {
        command.bytes.assign(bytes.begin(), bytes.end());
      } else {
        // Quoted text is a module's text: parsed as such, its error kept
        // for the assertion that expects one.
        Expected<std::vector<uint8_t>> parsed = text::parseWat(bytes);
        if (parsed)
          command.bytes = std::move(*parsed);
        else
          command.textError = std::move(parsed).error();
      }
      return expect(TokenKind::RightParen, "')'");
    }
    if (const Token& id = peek(2 + skip); id.kind == TokenKind::Id)
      command.moduleName = id.string.empty() ? std::string(id.text) : "$" + id.string;
    const size_t end = afterBalanced(at_);
    if (end == kUnclosed)
      return errorAt(open, "module without its closing ')'");
    Expected<std::vector<uint8_t>> bytes = [&] {
      size_t at = at_;
      if (!skip)
        return text::parseModuleAt(t_, at);
      // The module parser knows `(module $id? field*)`: give it that.
      std::vector<Token> plain(t_.begin() + static_cast<ptrdiff_t>(at_), t_.begin() + static_cast<ptrdiff_t>(end));
      plain.erase(plain.begin() + 2);
      plain.push_back(t_.back()); // the End token
      at = 0;
      return text::parseModuleAt(plain, at);
    }();
    if (bytes)
      command.bytes = std::move(*bytes);
    else
      command.textError = Error{bytes.error().kind, bytes.error().offset, bytes.error().message, kNoFunction};
    at_ = end;
    return {};
  }

  /// A non-negative fuel count below 2^63.
  Expected<int64_t> count(const char* what) {
    const Token& token = peek();
    std::optional<uint64_t> value =
        token.kind == TokenKind::Integer ? text::parseUnsigned(token.text, 63) : std::nullopt;
    if (!value)
      return unexpected(what);
    next();
    return static_cast<int64_t>(*value);
  }

  Expected<WastAction> action() {
    WASMC_TRY(expect(TokenKind::LeftParen, "'('"));
    WastAction action;
    if (isKeyword("invoke")) {
      action.kind = WastAction::Kind::Invoke;
    } else if (isKeyword("get")) {
      action.kind = WastAction::Kind::Get;
    } else {
      return unexpected("invoke or get");
    }
    next();
    action.module = optionalName();
    action.field = WASMC_TRY(string());
    while (action.kind == WastAction::Kind::Invoke && peek().kind == TokenKind::LeftParen) {
      ExpectedValue value = WASMC_TRY(valueOf(false));
      WastValue arg;
      arg.type = value.type;
      arg.isNull = value.isNull;
      if (value.type == ValType::V128) {
        unsigned width = 128 / static_cast<unsigned>(value.lanes.size());
        for (size_t i = 0; i < value.lanes.size(); ++i) {
          size_t bit = i * width;
          uint64_t lane = width == 64 ? value.lanes[i].bits : value.lanes[i].bits & ((uint64_t(1) << width) - 1);
          arg.bits[bit / 64] |= lane << (bit % 64);
        }
      } else if (!value.lanes.empty()) {
        arg.bits[0] = value.lanes[0].bits;
      }
      action.args.push_back(arg);
    }
    WASMC_TRY(expect(TokenKind::RightParen, "')'"));
    return action;
  }

  /// An expected result: a value pattern, or `(either R1 R2 ...)`.
  Expected<ExpectedValue> result() {
    if (peek().kind == TokenKind::LeftParen && isKeyword("either", 1)) {
      next();
      next();
      ExpectedValue value;
      while (peek().kind == TokenKind::LeftParen)
        value.either.push_back(WASMC_TRY(valueOf(true)));
      WASMC_TRY(expect(TokenKind::RightParen, "')'"));
      if (value.either.empty())
        return unexpected("a result");
      return value;
    }
    return valueOf(true);
  }

  /// One number for a lane or scalar: its bits, or (results only) a NaN pattern.
  Expected<ExpectedBits> number(unsigned bits, bool isFloat, bool patterns) {
    const Token& token = peek();
    if (isFloat && patterns && token.kind == TokenKind::Keyword &&
        (token.text == "nan:canonical" || token.text == "nan:arithmetic")) {
      next();
      return ExpectedBits{0, token.text == "nan:canonical" ? NanPattern::Canonical : NanPattern::Arithmetic};
    }
    std::optional<uint64_t> value;
    if (isFloat) {
      if (bits == 32) {
        if (auto f = text::parseF32(token.text))
          value = *f;
      } else {
        value = text::parseF64(token.text);
      }
    } else if (token.kind == TokenKind::Integer) {
      value = text::parseInt(token.text, bits);
    }
    if (!value)
      return errorAt(token, "expected a " + std::to_string(bits) + "-bit " + (isFloat ? "float" : "integer"));
    next();
    return ExpectedBits{*value, NanPattern::None};
  }

  /// `(t.const ...)`, `(v128.const shape ...)`, `(ref.null t)`,
  /// `(ref.extern n)`, `(ref.func)` / `(ref.extern)` (any non-null).
  Expected<ExpectedValue> valueOf(bool patterns) {
    WASMC_TRY(expect(TokenKind::LeftParen, "'('"));
    const Token& op = peek();
    if (op.kind != TokenKind::Keyword)
      return unexpected("a constant");
    next();
    ExpectedValue value;
    const std::string_view name = op.text;
    if (name == "i32.const" || name == "i64.const" || name == "f32.const" || name == "f64.const") {
      const bool isFloat = name[0] == 'f';
      const unsigned bits = name.substr(1, 2) == "32" ? 32 : 64;
      value.type = name == "i32.const" ? ValType::I32
                   : name == "i64.const" ? ValType::I64
                   : name == "f32.const" ? ValType::F32
                                         : ValType::F64;
      value.lanes.push_back(WASMC_TRY(number(bits, isFloat, patterns)));
    } else if (name == "v128.const") {
      value.type = ValType::V128;
      const Token& shape = peek();
      struct Shape {
        std::string_view name;
        LaneType lane;
        unsigned count, bits;
        bool isFloat;
      };
      static constexpr Shape kShapes[] = {{"i8x16", LaneType::I8, 16, 8, false},  {"i16x8", LaneType::I16, 8, 16, false},
                                          {"i32x4", LaneType::I32, 4, 32, false}, {"i64x2", LaneType::I64, 2, 64, false},
                                          {"f32x4", LaneType::F32, 4, 32, true},  {"f64x2", LaneType::F64, 2, 64, true}};
      const Shape* found = nullptr;
      for (const Shape& candidate : kShapes)
        if (shape.kind == TokenKind::Keyword && shape.text == candidate.name)
          found = &candidate;
      if (!found)
        return unexpected("a vector shape");
      next();
      value.laneType = found->lane;
      for (unsigned i = 0; i < found->count; ++i) {
        ExpectedBits lane = WASMC_TRY(number(found->bits, found->isFloat, patterns));
        if (found->bits < 64)
          lane.bits &= (uint64_t(1) << found->bits) - 1;
        value.lanes.push_back(lane);
      }
    } else if (name == "ref.null") {
      const Token& heap = peek();
      if (heap.kind != TokenKind::Keyword || (heap.text != "func" && heap.text != "extern"))
        return errorAt(heap, "unsupported reference value: ref.null of a heap type other than func or extern");
      next();
      value.type = heap.text == "func" ? ValType::FuncRef : ValType::ExternRef;
      value.isNull = true;
    } else if (name == "ref.extern" || name == "ref.func") {
      value.type = name == "ref.func" ? ValType::FuncRef : ValType::ExternRef;
      if (peek().kind == TokenKind::Integer) {
        const Token& token = next();
        std::optional<uint64_t> id = text::parseUnsigned(token.text, 64);
        if (!id)
          return errorAt(token, "expected a reference number");
        value.lanes.push_back({*id, NanPattern::None});
      } else if (patterns) {
        value.anyRef = true;
      } else {
        return unexpected("a reference number");
      }
    } else if (name.starts_with("ref.")) {
      return errorAt(op, "unsupported reference value: " + std::string(name) + " (GC and exception references)");
    } else {
      return errorAt(op, "unknown constant " + std::string(name));
    }
    WASMC_TRY(expect(TokenKind::RightParen, "')'"));
    return value;
  }

  const std::vector<Token>& t_;
  std::string name_;
  size_t at_ = 0;
};

} // namespace

Expected<WastScript> parseWastText(std::string_view source, const std::string& name) {
  Expected<std::vector<Token>> tokens = text::tokenize(source);
  if (!tokens)
    return Error{tokens.error().kind, tokens.error().offset, name + ": " + tokens.error().message, kNoFunction};
  // Annotations carry nothing a script needs.
  std::vector<Token> kept;
  kept.reserve(tokens->size());
  for (size_t i = 0; i < tokens->size(); ++i) {
    if ((*tokens)[i].kind != TokenKind::Annotation) {
      kept.push_back(std::move((*tokens)[i]));
      continue;
    }
    int depth = 1;
    while (depth > 0 && (*tokens)[i + 1].kind != TokenKind::End) {
      ++i;
      if ((*tokens)[i].kind == TokenKind::LeftParen || (*tokens)[i].kind == TokenKind::Annotation)
        ++depth;
      else if ((*tokens)[i].kind == TokenKind::RightParen)
        --depth;
    }
  }
  // A script that is a module's fields alone is that one module.
  static constexpr std::string_view kFields[] = {"type",   "import", "func",  "table", "memory",
                                                 "global", "export", "start", "elem",  "data"};
  if (kept.size() > 1 && kept[0].kind == TokenKind::LeftParen && kept[1].kind == TokenKind::Keyword &&
      std::find(std::begin(kFields), std::end(kFields), kept[1].text) != std::end(kFields)) {
    Expected<std::vector<uint8_t>> bytes = text::parseWat(source);
    if (!bytes)
      return Error{bytes.error().kind, bytes.error().offset, name + ": " + bytes.error().message, kNoFunction};
    Command command;
    command.kind = CommandKind::Module;
    command.line = kept[0].line;
    command.filename = "the module at line " + std::to_string(command.line);
    command.bytes = std::move(*bytes);
    return WastScript{name, {std::move(command)}};
  }
  return ScriptParser(kept, name).run();
}

} // namespace wasmc::tools
