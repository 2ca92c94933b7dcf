#pragma once
// The WebAssembly text format's tokens (spec 6.3, "Lexical Format"): the
// first stage of the WAT/WAST parser (issue 19). Splits text into
// parentheses, keywords, identifiers, strings and numbers, skipping white
// space, line comments (;; to the end of the line) and nested block
// comments ((; ... ;)); each token knows its line and column. Numbers are
// only classified here (their values, checked against a type's range and
// correctly rounded, will be the parser's, which is not written yet); a
// string's escapes are decoded into bytes. 3.0's reserved tokens (runs of
// identifier characters, strings and , ; [ ] { }) are one token each.

#include "compiler/wasm/Error.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wasmc::text {

enum class TokenKind : uint8_t {
  LeftParen,  // (
  RightParen, // )
  Annotation, // (@name: the start of an annotation, skipped by the parser
  Keyword,    // starts with a-z: module, i32.add, offset=4, nan (as a keyword of no value)
  Id,         // $name, or $"any string" (its bytes in `string`)
  String,     // "...", its bytes (escapes decoded) in `string`
  Integer,    // [+-]? digits or 0x hexdigits, with single underscores between digits
  Float,      // decimal or hex with a fraction or exponent, inf, nan, nan:0x...
  Reserved,   // any other run of identifier characters: an error wherever it appears
  End,        // the end of the text
};

const char* tokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text; // as written (a view of the source)
  std::string string;    // String, and Id written as $"...": the bytes
  uint32_t line = 1;     // 1-based
  uint32_t column = 1;   // 1-based, in bytes
  uint64_t offset = 0;   // byte offset in the source
  /// Integer and Float: a leading + or -.
  bool hasSign() const { return !text.empty() && (text[0] == '+' || text[0] == '-'); }
};

/// "line L, column C": where an error in the text is reported.
std::string locationOf(const Token& token);

/// Every token of `source`, the last one End. Errors (Malformed, at the
/// byte offset, the message naming line and column): an unterminated string
/// or block comment, a bad escape, raw bytes in a string that are not
/// UTF-8, an identifier string that is empty or not UTF-8, a character
/// outside the text format's alphabet ("illegal character", the spec's
/// wording).
Expected<std::vector<Token>> tokenize(std::string_view source);

/// Whether `c` may appear in a keyword, identifier or number.
bool isIdChar(char c);

} // namespace wasmc::text
