#pragma once
// Private to the text parser (WatParser.cpp: tokens, types, names and
// assembly; WatFields.cpp: module fields; WatInstructions.cpp:
// instructions): the parser's class and the small types its files share.

#include "compiler/text/BinaryWriter.h"
#include "compiler/text/Lexer.h"
#include "compiler/wasm/Error.h"
#include "compiler/wasm/Opcodes.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace wasmc::text::detail {

using wasm::ImmKind;

// Binary encodings the parser writes.
inline constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C, kV128 = 0x7B;
inline constexpr uint8_t kFuncRef = 0x70, kExternRef = 0x6F;
inline constexpr uint8_t kEnd = 0x0B, kElse = 0x05;

struct Signature {
  std::vector<uint8_t> params, results;
  bool operator==(const Signature&) const = default;
};

/// Names of one index space: identifier -> index.
struct Space {
  std::unordered_map<std::string, uint32_t> ids;
  uint32_t count = 0;
};

/// An element segment's items, in the index form (`func x*`) or as
/// constant expressions.
struct ElemItems {
  uint8_t type = kFuncRef;
  bool expressions = false;
  std::vector<uint32_t> funcs;
  std::vector<std::vector<uint8_t>> exprs;

  uint32_t count() const { return static_cast<uint32_t>(expressions ? exprs.size() : funcs.size()); }

  /// Expressions that are all `ref.func x` become the index form, as
  /// wat2wasm writes them (the two encodings mean the same).
  void normalize() {
    if (!expressions || type != kFuncRef)
      return;
    std::vector<uint32_t> indices;
    for (const std::vector<uint8_t>& expr : exprs) {
      if (expr.size() < 3 || expr[0] != 0xD2 || expr.back() != kEnd)
        return;
      uint64_t value = 0;
      size_t i = 1;
      for (unsigned shift = 0; i < expr.size() - 1; ++i, shift += 7) {
        value |= uint64_t(expr[i] & 0x7F) << shift;
        if (!(expr[i] & 0x80))
          break;
      }
      if (i + 2 != expr.size())
        return;
      indices.push_back(static_cast<uint32_t>(value));
    }
    funcs = std::move(indices);
    exprs.clear();
    expressions = false;
  }

  void write(BinaryWriter& w) const {
    w.u32(count());
    if (expressions) {
      for (const std::vector<uint8_t>& expr : exprs)
        w.bytes(expr.data(), expr.size());
    } else {
      for (uint32_t func : funcs)
        w.u32(func);
    }
  }
};

/// The text name -> opcode table (several opcodes share "select").
inline const std::unordered_map<std::string_view, wasm::Opcode>& opcodesByName() {
  static const auto table = [] {
    std::unordered_map<std::string_view, wasm::Opcode> byName;
    for (uint16_t i = 0; i < wasm::kNumOpcodes; ++i) {
      auto op = static_cast<wasm::Opcode>(i);
      if (op == wasm::Opcode::SelectT)
        continue; // "select" with a (result) is chosen by the parser
      byName.emplace(wasm::opcodeName(op), op);
    }
    return byName;
  }();
  return table;
}

class Parser {
public:
  Parser(const std::vector<Token>& tokens, size_t at) : t_(tokens), at_(at) {}

  size_t position() const { return at_; }

  /// A module: `(module $id? field*)`, or with `bare`, fields up to the end.
  Expected<std::vector<uint8_t>> module(bool bare);

private:
  // --- tokens ---------------------------------------------------------------

  /// The current token, annotations skipped.
  const Token& peek();
  const Token& peekAt(size_t ahead);
  const Token& next();
  /// Past the annotation starting at `i` (balanced parentheses).
  size_t skipAnnotation(size_t i) const;
  void skipAnnotations();

  bool isLParen() { return peek().kind == TokenKind::LeftParen; }
  bool isRParen() { return peek().kind == TokenKind::RightParen; }
  bool isKeyword(std::string_view word) { return peek().kind == TokenKind::Keyword && peek().text == word; }
  /// `(` followed by keyword `word`.
  bool isField(std::string_view word);

  Error errorAt(const Token& token, const std::string& message) const;
  /// The spec's wording first ("unexpected token", "unexpected end", or
  /// "unknown operator" for a token that is no keyword, number or name),
  /// then what was expected.
  Error unexpected(const std::string& wanted);

  Expected<void> expectLParen();
  Expected<void> expectRParen();
  Expected<void> expectKeyword(std::string_view word);
  /// Skips one balanced parenthesised group (pass 1).
  Expected<void> skipGroup();

  Expected<std::string> string();
  std::optional<std::string> optionalId();
  static std::string idName(const Token& token);

  Expected<uint32_t> u32();

  /// An index: a number or an identifier of `space` (`what` names it).
  Expected<uint32_t> index(const Space& space, const char* what);
  bool isIndex() { return peek().kind == TokenKind::Id || peek().kind == TokenKind::Integer; }

  // --- types ----------------------------------------------------------------

  Expected<uint8_t> valType();
  Expected<uint8_t> refType();
  /// ref.null's heap type.
  Expected<uint8_t> heapType();

  /// `(param $x? t)` / `(param t*)` and `(result t*)` groups into `sig`;
  /// parameter names into `names` (when given: functions only).
  Expected<void> paramsAndResults(Signature& sig, std::vector<std::optional<std::string>>* names);

  /// The index of `sig`: an existing type's, or a new one appended.
  uint32_t typeIndexOf(const Signature& sig);

  struct TypeUse {
    std::optional<uint32_t> explicitIndex; // (type x)
    uint32_t index = 0;                     // resolved: explicit, existing or appended
    Signature sig;
    std::vector<std::optional<std::string>> names; // parameters
  };
  /// `(type x)? (param ...)* (result ...)*` as written: with an explicit
  /// type, inline params and results must repeat it exactly.
  Expected<TypeUse> typeUseSyntax(bool named);
  /// A function's type use: the explicit type, or one matching its
  /// signature (appended after the others when there is none).
  Expected<TypeUse> typeUse(bool named);

  Expected<void> limits(BinaryWriter& w);

  Expected<void> globalType(BinaryWriter& w);

  // --- pass 1: names --------------------------------------------------------

  /// Assigns every index space's identifiers (fields may refer forward)
  /// and reads the explicit types (type uses refer to them).
  Expected<void> collectNames(bool bare);

  Space* spaceOf(std::string_view kind);

  Expected<void> bind(Space& space, const std::optional<std::string>& id, const Token& where, const std::string& what);

  // --- pass 2: fields -------------------------------------------------------

  Expected<void> field();

  /// `(export "name")*` of a func, table, memory or global being defined.
  Expected<void> inlineExports(uint8_t kind, uint32_t index);
  void addExport(const std::string& name, uint8_t kind, uint32_t index);
  /// `(import "module" "name")` of a field, or false.
  Expected<bool> inlineImport(std::string& module, std::string& name);
  void addImport(const std::string& module, const std::string& name);

  Expected<void> importField();

  Expected<void> funcField();

  Expected<void> tableField();

  Expected<void> memoryField();

  Expected<void> globalField();

  Expected<void> exportField();

  Expected<void> startField();

  /// `(item instr*)` or one folded instruction: a constant expression.
  Expected<std::vector<uint8_t>> elemExpression();

  /// The element list: `func x*`, `reftype elemexpr*`, or (active only,
  /// the 1.0 form) `x*`.
  Expected<ElemItems> elemList();

  void writeActiveElem(uint32_t table, const BinaryWriter& offset, ElemItems items);

  Expected<void> elemField();

  /// `(offset instr*)` or one folded instruction.
  Expected<void> offsetExpression(BinaryWriter& out);

  Expected<void> dataField();

  // --- instructions ---------------------------------------------------------

  struct Body {
    BinaryWriter* w = nullptr;
    std::unordered_map<std::string, uint32_t> locals;
    std::vector<std::optional<std::string>> labels; // innermost last
  };

  /// A constant expression (global initialisers, offsets, items): its
  /// instructions, then `end`.
  Expected<void> constantExpression(BinaryWriter& out) { return constantBody(out); }
  Expected<void> constantBody(BinaryWriter& out);

  /// Instructions up to `)`, or to the `else`/`end` of a plain block.
  Expected<void> instructions(Body& body);

  Expected<wasm::Opcode> opcodeOf(const Token& token);

  static void writeOpcode(BinaryWriter& w, wasm::Opcode op);

  /// A label's name at a block's start (pushed by the caller).
  std::optional<std::string> label() { return optionalId(); }

  /// `end $l` / `else $l`: the optional repeated label must name the block.
  Expected<void> closingLabel(const std::optional<std::string>& open);

  /// A block's type: empty, one result (written as the value type), or a
  /// type index (explicit, or for params and several results).
  Expected<void> blockType(BinaryWriter& w);

  Expected<void> plainInstruction(Body& body);

  Expected<void> foldedInstruction(Body& body);

  Expected<uint32_t> labelIndex(const Body& body);

  Expected<uint32_t> localIndex(const Body& body);

  /// offset=N align=N (align a power of two, written as its log2).
  Expected<void> memArg(uint32_t naturalSize, BinaryWriter& w);

  /// A lane index: an unsigned integer below 256 ("malformed lane index"
  /// past it, as the spec has it; any other token, a signed one too, is
  /// unexpected).
  Expected<uint8_t> laneIndex(bool shuffle = false);

  Expected<void> v128Const(BinaryWriter& w);

  Expected<void> immediatesOf(wasm::Opcode op, Body& body, BinaryWriter& w);

  /// An index token already read (table.init's first, whose space depends
  /// on whether a second follows).
  Expected<uint32_t> resolve(const Token& token, const Space& space, const char* what);

  // --- assembly ---------------------------------------------------------------

  std::vector<uint8_t> assemble();

  const std::vector<Token>& t_;
  size_t at_;

  std::vector<Signature> types_;
  Space typeSpace_, funcSpace_, tableSpace_, memorySpace_, globalSpace_, elemSpace_, dataSpace_;

  // Index counters of pass 2 (imports and definitions, in text order).
  uint32_t funcCount_ = 0, tableCount_ = 0, memoryCount_ = 0, globalCount_ = 0;
  std::vector<uint32_t> funcTypes_;

  BinaryWriter imports_, functions_, tables_, memories_, globals_, exports_, elems_, codes_, data_;
  uint32_t importCount_ = 0, definedFuncs_ = 0, tableDefs_ = 0, memoryDefs_ = 0, globalDefs_ = 0;
  uint32_t exportCount_ = 0, elemCount_ = 0, dataCount_ = 0;
  std::optional<uint32_t> start_;
  bool usesDataCount_ = false;
};

} // namespace wasmc::text::detail
