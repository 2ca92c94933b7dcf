#include "compiler/text/Lexer.h"

#include "compiler/wasm/ByteReader.h"

#include <algorithm>

#include <span>

namespace wasmc::text {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hexValue(char c) { return isDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }

/// Matches digits with single underscores between them (num / hexnum) at
/// `at`; returns the end, or `at` when there is none.
size_t digitRun(std::string_view s, size_t at, bool hex) {
  size_t i = at;
  auto digit = [&](size_t k) { return k < s.size() && (hex ? isHexDigit(s[k]) : isDigit(s[k])); };
  if (!digit(i))
    return at;
  ++i;
  while (true) {
    if (digit(i)) {
      ++i;
    } else if (i < s.size() && s[i] == '_' && digit(i + 1)) {
      i += 2;
    } else {
      return i;
    }
  }
}

bool isInteger(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (s.substr(i, 2) == "0x") {
    size_t end = digitRun(s, i + 2, true);
    return end != i + 2 && end == s.size();
  }
  size_t end = digitRun(s, i, false);
  return end != i && end == s.size();
}

bool isFloat(std::string_view s) {
  size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  std::string_view body = s.substr(i);
  if (body == "inf" || body == "nan")
    return true;
  if (body.starts_with("nan:0x")) {
    size_t end = digitRun(body, 6, true);
    return end != 6 && end == body.size();
  }
  const bool hex = body.starts_with("0x");
  size_t at = hex ? 2 : 0;
  size_t end = digitRun(body, at, hex);
  if (end == at)
    return false;
  bool fraction = false, exponent = false;
  if (end < body.size() && body[end] == '.') {
    fraction = true;
    end = digitRun(body, end + 1, hex); // the fraction may be empty ("1.")
  }
  if (end < body.size() && (hex ? (body[end] == 'p' || body[end] == 'P') : (body[end] == 'e' || body[end] == 'E'))) {
    exponent = true;
    size_t digits = end + 1;
    if (digits < body.size() && (body[digits] == '+' || body[digits] == '-'))
      ++digits;
    end = digitRun(body, digits, false);
    if (end == digits)
      return false;
  }
  return (fraction || exponent) && end == body.size();
}

class Lexer {
public:
  explicit Lexer(std::string_view source) : s_(source) {}

  Expected<std::vector<Token>> run() {
    std::vector<Token> tokens;
    while (true) {
      WASMC_TRY(skipSpaceAndComments());
      Token token;
      token.line = line_;
      token.column = column();
      token.offset = at_;
      if (at_ >= s_.size()) {
        WASMC_TRY(checkAnnotationsClosed(tokens));
        tokens.push_back(std::move(token));
        return tokens;
      }
      const char c = s_[at_];
      if (c == '(' && peek(1) == '@') {
        WASMC_TRY(readAnnotationStart(token, insideAnnotation(tokens)));
      } else if (c == '(') {
        token.kind = TokenKind::LeftParen;
        advanceTo(at_ + 1, token);
      } else if (c == ')') {
        token.kind = TokenKind::RightParen;
        advanceTo(at_ + 1, token);
      } else if (c == '"' || isIdChar(c) || isReservedPunctuation(at_)) {
        WASMC_TRY(readRun(token));
      } else {
        return error(token, std::string("illegal character ") + describeChar(c));
      }
      tokens.push_back(std::move(token));
    }
  }

private:
  /// ',', ';', '[', ']', '{' or '}' at `at`: characters only reserved
  /// tokens contain (3.0), a ';' only when no ";;" comment starts there.
  bool isReservedPunctuation(size_t at) const {
    switch (s_[at]) {
    case ',': case '[': case ']': case '{': case '}': return true;
    case ';': return !(at + 1 < s_.size() && s_[at + 1] == ';');
    default: return false;
    }
  }

  /// The longest run of identifier characters, strings and reserved
  /// punctuation from at_: one string is a String, '$' and one string an
  /// Id, identifier characters alone a keyword, Id or number (classify);
  /// anything else Reserved, an error wherever the parser meets it.
  Expected<void> readRun(Token& token) {
    const size_t start = at_;
    size_t strings = 0, idChars = 0, punctuation = 0;
    std::string bytes;
    while (at_ < s_.size()) {
      const char c = s_[at_];
      if (c == '"') {
        Token piece;
        piece.line = line_;
        piece.column = column();
        piece.offset = at_;
        WASMC_TRY(readString(piece));
        bytes = std::move(piece.string);
        ++strings;
      } else if (isIdChar(c)) {
        ++idChars;
        ++at_;
      } else if (isReservedPunctuation(at_)) {
        ++punctuation;
        ++at_;
      } else {
        break;
      }
    }
    token.text = s_.substr(start, at_ - start);
    if (strings == 1 && idChars == 0 && punctuation == 0) {
      token.kind = TokenKind::String;
      token.string = std::move(bytes);
    } else if (strings == 1 && idChars == 1 && punctuation == 0 && token.text[0] == '$') {
      token.kind = TokenKind::Id;
      token.string = std::move(bytes);
      auto utf8 = std::span(reinterpret_cast<const uint8_t*>(token.string.data()), token.string.size());
      if (token.string.empty() || !wasm::isValidUtf8(utf8))
        return error(token, "an identifier written as a string must be non-empty UTF-8");
    } else if (strings == 0 && punctuation == 0) {
      token.kind = classify(token.text);
    } else {
      token.kind = TokenKind::Reserved;
    }
    return {};
  }

  static TokenKind classify(std::string_view text) {
    if (text[0] == '$')
      return text.size() > 1 ? TokenKind::Id : TokenKind::Reserved;
    if (isInteger(text))
      return TokenKind::Integer;
    if (isFloat(text))
      return TokenKind::Float;
    if (text[0] >= 'a' && text[0] <= 'z')
      return TokenKind::Keyword;
    return TokenKind::Reserved;
  }

  static std::string describeChar(char c) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x21 && byte < 0x7f)
      return std::string("'") + c + "'";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", byte);
    return hex;
  }

  char peek(size_t ahead) const { return at_ + ahead < s_.size() ? s_[at_ + ahead] : '\0'; }
  uint32_t column() const { return static_cast<uint32_t>(at_ - lineStart_ + 1); }

  /// Moves to `end` (on one line) and sets the token's text.
  void advanceTo(size_t end, Token& token) {
    token.text = s_.substr(at_, end - at_);
    at_ = end;
  }

  Error error(const Token& where, const std::string& message) const {
    return makeError(ErrorKind::Malformed, where.offset, locationOf(where) + ": " + message);
  }
  Error errorHere(const std::string& message) const {
    Token here;
    here.line = line_;
    here.column = column();
    here.offset = at_;
    return error(here, message);
  }

  /// `(@id` or `(@"id"` at at_: an annotation's start, its id not empty
  /// (a quoted one valid UTF-8).
  Expected<void> readAnnotationStart(Token& token, bool insideAnnotation) {
    token.kind = TokenKind::Annotation;
    size_t end = at_ + 2;
    while (end < s_.size() && isIdChar(s_[end]))
      ++end;
    if (end > at_ + 2 || insideAnnotation) { // within one, anything balanced goes
      advanceTo(end, token);
      return {};
    }
    if (end >= s_.size() || s_[end] != '"')
      return error(token, "empty annotation id");
    const size_t start = at_;
    at_ = end;
    Token id;
    WASMC_TRY(readString(id));
    if (id.string.empty())
      return error(token, "empty annotation id");
    if (!wasm::isValidUtf8(std::span(reinterpret_cast<const uint8_t*>(id.string.data()), id.string.size())))
      return error(token, "malformed UTF-8 in an annotation id");
    token.text = s_.substr(start, at_ - start);
    return {};
  }

  /// Whether the next token is inside an annotation: one of the
  /// parentheses still open is an annotation's.
  bool insideAnnotation(const std::vector<Token>& tokens) {
    for (; scanned_ < tokens.size(); ++scanned_) {
      const TokenKind kind = tokens[scanned_].kind;
      if (kind == TokenKind::LeftParen || kind == TokenKind::Annotation)
        open_.push_back(scanned_);
      else if (kind == TokenKind::RightParen && !open_.empty())
        open_.pop_back();
    }
    return std::any_of(open_.begin(), open_.end(),
                       [&](size_t i) { return tokens[i].kind == TokenKind::Annotation; });
  }

  /// Every annotation is closed by its `)` before the end of the text
  /// (what it holds is skipped, so an unclosed one would hide the rest).
  Expected<void> checkAnnotationsClosed(const std::vector<Token>& tokens) {
    insideAnnotation(tokens);
    for (size_t i : open_)
      if (tokens[i].kind == TokenKind::Annotation)
        return error(tokens[i], "unclosed annotation");
    return {};
  }

  void newline() {
    ++line_;
    lineStart_ = at_ + 1;
  }

  Expected<void> skipSpaceAndComments() {
    while (at_ < s_.size()) {
      const char c = s_[at_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++at_;
      } else if (c == '\n') {
        newline();
        ++at_;
      } else if (c == ';' && peek(1) == ';') {
        // A line comment ends at a line feed or a carriage return (3.0).
        while (at_ < s_.size() && s_[at_] != '\n' && s_[at_] != '\r')
          ++at_;
      } else if (c == '(' && peek(1) == ';') {
        WASMC_TRY(skipBlockComment());
      } else {
        return {};
      }
    }
    return {};
  }

  Expected<void> skipBlockComment() {
    const Error unterminated = errorHere("block comment without its ;)");
    int depth = 0;
    while (at_ < s_.size()) {
      if (s_[at_] == '(' && peek(1) == ';') {
        ++depth;
        at_ += 2;
      } else if (s_[at_] == ';' && peek(1) == ')') {
        at_ += 2;
        if (--depth == 0)
          return {};
      } else {
        if (s_[at_] == '\n')
          newline();
        ++at_;
      }
    }
    return unterminated;
  }

  /// A string at at_ (its opening quote): its bytes into token.string.
  Expected<void> readString(Token& token) {
    const size_t start = at_;
    ++at_;
    size_t rawStart = at_; // a run of plain characters, checked as UTF-8 at its end
    auto flushRaw = [&]() -> Expected<void> {
      std::string_view raw = s_.substr(rawStart, at_ - rawStart);
      if (!wasm::isValidUtf8(std::span(reinterpret_cast<const uint8_t*>(raw.data()), raw.size())))
        return errorHere("malformed UTF-8 in a string");
      token.string.append(raw);
      return {};
    };
    while (true) {
      if (at_ >= s_.size() || s_[at_] == '\n')
        return error(token, "string without its closing quote");
      const auto c = static_cast<unsigned char>(s_[at_]);
      if (c == '"') {
        WASMC_TRY(flushRaw());
        ++at_;
        break;
      }
      if (c < 0x20 || c == 0x7f)
        return errorHere("control character in a string (write it as an escape)");
      if (c != '\\') {
        ++at_;
        continue;
      }
      WASMC_TRY(flushRaw());
      WASMC_TRY(readEscape(token.string));
      rawStart = at_;
    }
    token.text = s_.substr(start, at_ - start);
    return {};
  }

  /// An escape at at_ (its backslash), appended to `out`.
  Expected<void> readEscape(std::string& out) {
    const char e = peek(1);
    switch (e) {
    case 't': out += '\t'; at_ += 2; return {};
    case 'n': out += '\n'; at_ += 2; return {};
    case 'r': out += '\r'; at_ += 2; return {};
    case '"': out += '"'; at_ += 2; return {};
    case '\'': out += '\''; at_ += 2; return {};
    case '\\': out += '\\'; at_ += 2; return {};
    case 'u': {
      if (peek(2) != '{')
        return errorHere("bad escape \\u (write \\u{hex})");
      size_t i = at_ + 3;
      size_t end = digitRun(s_, i, true);
      if (end == i || end >= s_.size() || s_[end] != '}')
        return errorHere("bad escape \\u{...}");
      uint64_t cp = 0;
      for (; i < end; ++i) {
        if (s_[i] == '_')
          continue;
        cp = cp * 16 + uint64_t(hexValue(s_[i]));
        if (cp >= 0x110000)
          return errorHere("\\u{...} beyond U+10FFFF");
      }
      if (cp >= 0xD800 && cp < 0xE000)
        return errorHere("\\u{...} is a surrogate");
      appendUtf8(out, static_cast<uint32_t>(cp));
      at_ = end + 1;
      return {};
    }
    default:
      if (isHexDigit(e) && isHexDigit(peek(2))) {
        out += static_cast<char>(hexValue(e) * 16 + hexValue(peek(2)));
        at_ += 3;
        return {};
      }
      return errorHere("unknown escape in a string");
    }
  }

  static void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string_view s_;
  size_t at_ = 0;
  uint32_t line_ = 1;
  size_t lineStart_ = 0;
  // insideAnnotation's scan of the tokens so far: how far, and the tokens
  // of the parentheses (and annotation starts) still open.
  size_t scanned_ = 0;
  std::vector<size_t> open_;
};

} // namespace

const char* tokenKindName(TokenKind kind) {
  switch (kind) {
  case TokenKind::LeftParen: return "'('";
  case TokenKind::RightParen: return "')'";
  case TokenKind::Annotation: return "annotation";
  case TokenKind::Keyword: return "keyword";
  case TokenKind::Id: return "identifier";
  case TokenKind::String: return "string";
  case TokenKind::Integer: return "integer";
  case TokenKind::Float: return "float";
  case TokenKind::Reserved: return "reserved token";
  case TokenKind::End: return "end of text";
  }
  return "token";
}

std::string locationOf(const Token& token) {
  return "line " + std::to_string(token.line) + ", column " + std::to_string(token.column);
}

bool isIdChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
    return true;
  switch (c) {
  case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.':
  case '/': case ':': case '<': case '=': case '>': case '?': case '@': case '\\': case '^': case '_':
  case '`': case '|': case '~':
    return true;
  default:
    return false;
  }
}

Expected<std::vector<Token>> tokenize(std::string_view source) { return Lexer(source).run(); }

} // namespace wasmc::text
