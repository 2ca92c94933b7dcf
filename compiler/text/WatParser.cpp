#include "compiler/text/WatParser.h"

#include "compiler/text/Numbers.h"
#include "compiler/text/WatParserImpl.h"

#include <map>

namespace wasmc::text {

namespace detail {

/// A module: `(module $id? field*)`, or with `bare`, fields up to the end.
Expected<std::vector<uint8_t>> Parser::module(bool bare) {
  if (!bare) {
    WASMC_TRY(expectLParen());
    WASMC_TRY(expectKeyword("module"));
    if (peek().kind == TokenKind::Id)
      next();
  }
  const size_t fieldsStart = at_;
  WASMC_TRY(collectNames(bare));
  at_ = fieldsStart;
  while (isLParen()) {
    WASMC_TRY(field());
  }
  if (bare) {
    if (peek().kind != TokenKind::End)
      return unexpected("a module field");
  } else {
    WASMC_TRY(expectRParen());
  }
  return assemble();
}

/// The current token, annotations skipped.
const Token& Parser::peek() {
  skipAnnotations();
  return t_[at_];
}

const Token& Parser::peekAt(size_t ahead) {
  skipAnnotations();
  size_t i = at_;
  for (size_t n = 0; n < ahead && t_[i].kind != TokenKind::End; ++n) {
    ++i;
    while (t_[i].kind == TokenKind::Annotation)
      i = skipAnnotation(i);
  }
  return t_[i];
}

const Token& Parser::next() {
  const Token& token = peek();
  if (token.kind != TokenKind::End)
    ++at_;
  return token;
}

/// Past the annotation starting at `i` (balanced parentheses).
size_t Parser::skipAnnotation(size_t i) const {
  int depth = 1;
  ++i;
  while (depth > 0 && t_[i].kind != TokenKind::End) {
    if (t_[i].kind == TokenKind::LeftParen || t_[i].kind == TokenKind::Annotation)
      ++depth;
    else if (t_[i].kind == TokenKind::RightParen)
      --depth;
    ++i;
  }
  return i;
}

void Parser::skipAnnotations() {
  while (t_[at_].kind == TokenKind::Annotation)
    at_ = skipAnnotation(at_);
}

/// `(` followed by keyword `word`.
bool Parser::isField(std::string_view word) {
  return isLParen() && peekAt(1).kind == TokenKind::Keyword && peekAt(1).text == word;
}

Error Parser::errorAt(const Token& token, const std::string& message) const {
  return makeError(ErrorKind::Malformed, token.offset, locationOf(token) + ": " + message);
}

/// The spec's wording first ("unexpected token", "unexpected end", or
/// "unknown operator" for a token that is no keyword, number or name),
/// then what was expected.
Error Parser::unexpected(const std::string& wanted) {
  const Token& token = peek();
  if (token.kind == TokenKind::End)
    return errorAt(token, "unexpected end: expected " + wanted);
  const std::string got = std::string(tokenKindName(token.kind)) + " '" + std::string(token.text) + "'";
  // A reserved token, or a keyword where a number must be (nan:0x with
  // no digits), is no operator the spec knows.
  const bool numberWanted = wanted.find("literal") != std::string::npos || wanted.find("value") != std::string::npos;
  const bool malformedNumber = token.kind == TokenKind::Keyword && token.text.starts_with("nan:") &&
                               token.text != "nan:canonical" && token.text != "nan:arithmetic";
  if (token.kind == TokenKind::Reserved || (numberWanted && malformedNumber))
    return errorAt(token, "unknown operator " + std::string(token.text) + " (expected " + wanted + ")");
  return errorAt(token, "unexpected token: expected " + wanted + ", found " + got);
}

Expected<void> Parser::expectLParen() {
  if (!isLParen())
    return unexpected("'('");
  next();
  return {};
}

Expected<void> Parser::expectRParen() {
  if (!isRParen())
    return unexpected("')'");
  next();
  return {};
}

Expected<void> Parser::expectKeyword(std::string_view word) {
  if (!isKeyword(word))
    return unexpected("'" + std::string(word) + "'");
  next();
  return {};
}

/// Skips one balanced parenthesised group (pass 1).
Expected<void> Parser::skipGroup() {
  WASMC_TRY(expectLParen());
  int depth = 1;
  while (depth > 0) {
    const Token& token = next();
    if (token.kind == TokenKind::End)
      return errorAt(token, "unbalanced parentheses");
    if (token.kind == TokenKind::LeftParen)
      ++depth;
    else if (token.kind == TokenKind::RightParen)
      --depth;
  }
  return {};
}

Expected<std::string> Parser::string() {
  if (peek().kind != TokenKind::String)
    return unexpected("a string");
  return next().string;
}

std::optional<std::string> Parser::optionalId() {
  if (peek().kind != TokenKind::Id)
    return std::nullopt;
  const Token& token = next();
  return token.string.empty() ? std::string(token.text) : "$" + token.string;
}

std::string Parser::idName(const Token& token) {
  return token.string.empty() ? std::string(token.text) : "$" + token.string;
}

Expected<uint32_t> Parser::u32() {
  const Token& token = peek();
  if (token.kind != TokenKind::Integer)
    return unexpected("an unsigned integer");
  std::optional<uint64_t> value = parseUnsigned(token.text, 32);
  if (!value)
    return errorAt(token, "i32 constant out of range: " + std::string(token.text));
  next();
  return static_cast<uint32_t>(*value);
}

/// An index: a number or an identifier of `space` (`what` names it).
Expected<uint32_t> Parser::index(const Space& space, const char* what) {
  const Token& token = peek();
  if (token.kind == TokenKind::Id) {
    auto found = space.ids.find(idName(token));
    if (found == space.ids.end())
      return errorAt(token, std::string("unknown ") + what + " " + std::string(token.text));
    next();
    return found->second;
  }
  if (token.kind == TokenKind::Integer)
    return u32();
  return unexpected(std::string("a ") + what + " index");
}

Expected<uint8_t> Parser::valType() {
  const Token& token = peek();
  if (token.kind == TokenKind::Keyword) {
    static const std::map<std::string_view, uint8_t> kTypes = {
        {"i32", kI32}, {"i64", kI64}, {"f32", kF32}, {"f64", kF64}, {"v128", kV128},
        {"funcref", kFuncRef}, {"externref", kExternRef}};
    if (auto found = kTypes.find(token.text); found != kTypes.end()) {
      next();
      return found->second;
    }
  }
  return unexpected("a value type");
}

Expected<uint8_t> Parser::refType() {
  if (isKeyword("funcref")) {
    next();
    return kFuncRef;
  }
  if (isKeyword("externref")) {
    next();
    return kExternRef;
  }
  return unexpected("a reference type");
}

/// ref.null's heap type.
Expected<uint8_t> Parser::heapType() {
  if (isKeyword("func")) {
    next();
    return kFuncRef;
  }
  if (isKeyword("extern")) {
    next();
    return kExternRef;
  }
  return unexpected("a heap type (func or extern)");
}

/// `(param $x? t)` / `(param t*)` and `(result t*)` groups into `sig`;
/// parameter names into `names` (when given: functions only).
Expected<void> Parser::paramsAndResults(Signature& sig, std::vector<std::optional<std::string>>* names) {
  while (isField("param")) {
    next();
    next();
    if (peek().kind == TokenKind::Id) {
      const Token& id = peek();
      if (!names)
        return errorAt(id, "unexpected token: a block's parameters have no names");
      std::string name = idName(next());
      sig.params.push_back(WASMC_TRY(valType()));
      names->push_back(name);
    } else {
      while (!isRParen()) {
        sig.params.push_back(WASMC_TRY(valType()));
        if (names)
          names->push_back(std::nullopt);
      }
    }
    WASMC_TRY(expectRParen());
  }
  while (isField("result")) {
    next();
    next();
    while (!isRParen())
      sig.results.push_back(WASMC_TRY(valType()));
    WASMC_TRY(expectRParen());
  }
  if (isField("param"))
    return errorAt(peek(), "unexpected token: a param after a result");
  return {};
}

/// The index of `sig`: an existing type's, or a new one appended.
uint32_t Parser::typeIndexOf(const Signature& sig) {
  for (uint32_t i = 0; i < types_.size(); ++i)
    if (types_[i] == sig)
      return i;
  types_.push_back(sig);
  return static_cast<uint32_t>(types_.size() - 1);
}

/// `(type x)? (param ...)* (result ...)*` as written: with an explicit
/// type, inline params and results must repeat it exactly.
Expected<Parser::TypeUse> Parser::typeUseSyntax(bool named) {
  TypeUse use;
  if (isField("type")) {
    next();
    next();
    const Token& at = peek();
    use.explicitIndex = WASMC_TRY(index(typeSpace_, "type"));
    (void)at;
    WASMC_TRY(expectRParen());
  }
  const Token& start = peek();
  WASMC_TRY(paramsAndResults(use.sig, named ? &use.names : nullptr));
  // A type index past the types is the validator's "unknown type" (the
  // module is well-formed)... unless a signature is written beside it,
  // which the text cannot then check: malformed.
  if (use.explicitIndex && *use.explicitIndex >= types_.size() &&
      (!use.sig.params.empty() || !use.sig.results.empty()))
    return errorAt(start, "unknown type");
  if (use.explicitIndex && *use.explicitIndex < types_.size()) {
    const bool inlineSignature = !use.sig.params.empty() || !use.sig.results.empty();
    if (inlineSignature && !(use.sig == types_[*use.explicitIndex]))
      return errorAt(start, "inline function type does not match the type's");
    use.sig = types_[*use.explicitIndex];
    use.names.resize(use.sig.params.size());
  }
  return use;
}

/// A function's type use: the explicit type, or one matching its
/// signature (appended after the others when there is none).
Expected<Parser::TypeUse> Parser::typeUse(bool named) {
  TypeUse use = WASMC_TRY(typeUseSyntax(named));
  use.index = use.explicitIndex ? *use.explicitIndex : typeIndexOf(use.sig);
  return use;
}

Expected<void> Parser::limits(BinaryWriter& w) {
  uint32_t min = WASMC_TRY(u32());
  if (peek().kind == TokenKind::Integer) {
    uint32_t max = WASMC_TRY(u32());
    w.byte(0x01);
    w.u32(min);
    w.u32(max);
  } else {
    w.byte(0x00);
    w.u32(min);
  }
  return {};
}

Expected<void> Parser::globalType(BinaryWriter& w) {
  if (isField("mut")) {
    next();
    next();
    w.byte(WASMC_TRY(valType()));
    w.byte(0x01);
    return expectRParen();
  }
  w.byte(WASMC_TRY(valType()));
  w.byte(0x00);
  return {};
}

/// Assigns every index space's identifiers (fields may refer forward)
/// and reads the explicit types (type uses refer to them).
Expected<void> Parser::collectNames(bool bare) {
  bool definedSomething = false;
  std::string definedKind; // the first definition's kind, for "import after function"
  while (isLParen()) {
    const size_t start = at_;
    const Token& kindToken = peekAt(1);
    if (kindToken.kind != TokenKind::Keyword)
      return errorAt(kindToken, "unknown operator: expected a module field");
    const std::string_view kind = kindToken.text;
    next();
    next();
    if (kind == "type") {
      std::optional<std::string> id = optionalId();
      WASMC_TRY(expectLParen());
      WASMC_TRY(expectKeyword("func"));
      Signature sig;
      std::vector<std::optional<std::string>> ignored;
      WASMC_TRY(paramsAndResults(sig, &ignored));
      WASMC_TRY(expectRParen());
      WASMC_TRY(expectRParen());
      WASMC_TRY(bind(typeSpace_, id, kindToken, "type"));
      types_.push_back(sig);
      continue;
    }
    Space* space = spaceOf(kind);
    if (kind == "import") {
      WASMC_TRY(string());
      WASMC_TRY(string());
      WASMC_TRY(expectLParen());
      const Token& descKind = peek();
      space = descKind.kind == TokenKind::Keyword ? spaceOf(descKind.text) : nullptr;
      if (!space || space == &elemSpace_ || space == &dataSpace_)
        return errorAt(descKind, "expected func, table, memory or global");
      const std::string importKind(descKind.text);
      next();
      if (definedSomething)
        return errorAt(kindToken, "import after " + definedKind + " (imports come first)");
      WASMC_TRY(bind(*space, optionalId(), descKind, importKind));
    } else if (space) {
      std::optional<std::string> id = optionalId();
      bool imported = false;
      while (isField("export"))
        WASMC_TRY(skipGroup());
      if (isField("import"))
        imported = true;
      if (space != &elemSpace_ && space != &dataSpace_) {
        if (imported && definedSomething)
          return errorAt(kindToken, "import after " + definedKind + " (imports come first)");
        if (!imported && !definedSomething) {
          definedSomething = true;
          definedKind = kind == "func" ? "function" : std::string(kind);
        }
      }
      WASMC_TRY(bind(*space, id, kindToken, std::string(kind)));
      // Inline elements and data make a segment of their own.
      if (kind == "table" && !imported) {
        if (peek().kind == TokenKind::Keyword && (isKeyword("funcref") || isKeyword("externref")) &&
            peekAt(1).kind == TokenKind::LeftParen && peekAt(2).kind == TokenKind::Keyword &&
            peekAt(2).text == "elem")
          elemSpace_.count++;
      } else if (kind == "memory" && !imported && isField("data")) {
        dataSpace_.count++;
      }
    } else if (kind != "export" && kind != "start") {
      return errorAt(kindToken, "unknown module field " + std::string(kind));
    }
    at_ = start;
    WASMC_TRY(skipGroup());
  }
  (void)bare;
  return {};
}

Space* Parser::spaceOf(std::string_view kind) {
  if (kind == "func")
    return &funcSpace_;
  if (kind == "table")
    return &tableSpace_;
  if (kind == "memory")
    return &memorySpace_;
  if (kind == "global")
    return &globalSpace_;
  if (kind == "elem")
    return &elemSpace_;
  if (kind == "data")
    return &dataSpace_;
  return nullptr;
}

Expected<void> Parser::bind(Space& space, const std::optional<std::string>& id, const Token& where, const std::string& what) {
  if (id && !space.ids.emplace(*id, space.count).second)
    return errorAt(where, "duplicate " + what + " " + *id);
  space.count++;
  return {};
}

std::vector<uint8_t> Parser::assemble() {
  BinaryWriter out;
  out.header();
  auto section = [&](uint8_t id, uint32_t count, const BinaryWriter& contents) {
    if (count == 0)
      return;
    out.beginSection(id);
    out.u32(count);
    out.bytes(contents.data().data(), contents.size());
    out.endSection();
  };
  BinaryWriter types;
  for (const Signature& sig : types_) {
    types.byte(0x60);
    types.u32(static_cast<uint32_t>(sig.params.size()));
    for (uint8_t type : sig.params)
      types.byte(type);
    types.u32(static_cast<uint32_t>(sig.results.size()));
    for (uint8_t type : sig.results)
      types.byte(type);
  }
  section(1, static_cast<uint32_t>(types_.size()), types);
  section(2, importCount_, imports_);
  section(3, definedFuncs_, functions_);
  section(4, tableDefs_, tables_);
  section(5, memoryDefs_, memories_);
  section(6, globalDefs_, globals_);
  section(7, exportCount_, exports_);
  if (start_) {
    out.beginSection(8);
    out.u32(*start_);
    out.endSection();
  }
  section(9, elemCount_, elems_);
  if (usesDataCount_) {
    out.beginSection(12);
    out.u32(dataCount_);
    out.endSection();
  }
  section(10, definedFuncs_, codes_);
  section(11, dataCount_, data_);
  return out.take();
}

} // namespace detail

using detail::Parser;


Expected<std::vector<uint8_t>> parseModuleAt(const std::vector<Token>& tokens, size_t& at) {
  Parser parser(tokens, at);
  std::vector<uint8_t> bytes = WASMC_TRY(parser.module(false));
  at = parser.position();
  return bytes;
}

Expected<std::vector<uint8_t>> parseWat(std::string_view source) {
  std::vector<Token> tokens = WASMC_TRY(tokenize(source));
  // `(module ...)` or the fields alone.
  size_t first = 0;
  while (tokens[first].kind == TokenKind::Annotation)
    ++first;
  const bool wrapped = tokens.size() > first + 1 && tokens[first].kind == TokenKind::LeftParen &&
                       tokens[first + 1].kind == TokenKind::Keyword && tokens[first + 1].text == "module";
  Parser parser(tokens, 0);
  std::vector<uint8_t> bytes = WASMC_TRY(parser.module(!wrapped));
  if (wrapped && tokens[parser.position()].kind != TokenKind::End)
    return makeError(ErrorKind::Malformed, tokens[parser.position()].offset,
                     locationOf(tokens[parser.position()]) + ": text after the module");
  return bytes;
}

} // namespace wasmc::text
