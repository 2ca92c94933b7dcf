#include "tools/wasmc/Json.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace wasmc::tools {

namespace {

constexpr int kMaxDepth = 256;

class JsonParser {
public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  Expected<JsonValue> parseDocument() {
    skipWhitespace();
    if (atEnd())
      return fail("expected a JSON value, found end of input");
    JsonValue value = WASMC_TRY(parseValue(0));
    skipWhitespace();
    if (!atEnd())
      return fail("unexpected " + describeHere() + " after the JSON value");
    return value;
  }

private:
  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  void skipWhitespace() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      ++pos_;
  }

  /// Error at `at` (default: the current position), with its line and column.
  Error fail(const std::string& message, size_t at = SIZE_MAX) const {
    if (at == SIZE_MAX)
      at = pos_;
    size_t line = 1, column = 1;
    for (size_t i = 0; i < at && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return makeError(ErrorKind::Io, kNoOffset,
                     "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
                         message);
  }

  std::string describeHere() const {
    if (atEnd())
      return "end of input";
    unsigned char c = static_cast<unsigned char>(peek());
    if (c >= 0x21 && c < 0x7f)
      return std::string("'") + static_cast<char>(c) + "'";
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "byte 0x%02x", c);
    return buffer;
  }

  Expected<JsonValue> parseValue(int depth) {
    if (depth >= kMaxDepth)
      return fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    switch (peek()) {
    case '{': return parseObject(depth);
    case '[': return parseArray(depth);
    case '"': return JsonValue(WASMC_TRY(parseString()));
    case 't': WASMC_TRY(expectWord("true")); return JsonValue(true);
    case 'f': WASMC_TRY(expectWord("false")); return JsonValue(false);
    case 'n': WASMC_TRY(expectWord("null")); return JsonValue();
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
        return parseNumber();
      return fail("expected a JSON value, found " + describeHere());
    }
  }

  Expected<void> expectWord(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word)
      return fail("invalid literal (expected '" + std::string(word) + "')");
    pos_ += word.size();
    return {};
  }

  Expected<JsonValue> parseObject(int depth) {
    ++pos_; // '{'
    JsonValue::Object members;
    skipWhitespace();
    if (!atEnd() && peek() == '}') {
      ++pos_;
      return JsonValue(std::move(members));
    }
    while (true) {
      skipWhitespace();
      if (atEnd() || peek() != '"')
        return fail("expected a string key, found " + describeHere());
      size_t keyStart = pos_;
      std::string key = WASMC_TRY(parseString());
      for (const auto& member : members)
        if (member.first == key)
          return fail("duplicate key \"" + key + "\"", keyStart);
      skipWhitespace();
      if (atEnd() || peek() != ':')
        return fail("expected ':' after an object key, found " + describeHere());
      ++pos_;
      skipWhitespace();
      if (atEnd())
        return fail("expected a JSON value, found end of input");
      JsonValue value = WASMC_TRY(parseValue(depth + 1));
      members.emplace_back(std::move(key), std::move(value));
      skipWhitespace();
      if (atEnd())
        return fail("unterminated object (expected ',' or '}')");
      if (peek() == '}') {
        ++pos_;
        return JsonValue(std::move(members));
      }
      if (peek() != ',')
        return fail("expected ',' or '}' in an object, found " + describeHere());
      ++pos_;
    }
  }

  Expected<JsonValue> parseArray(int depth) {
    ++pos_; // '['
    JsonValue::Array elements;
    skipWhitespace();
    if (!atEnd() && peek() == ']') {
      ++pos_;
      return JsonValue(std::move(elements));
    }
    while (true) {
      skipWhitespace();
      if (atEnd())
        return fail("expected a JSON value, found end of input");
      elements.push_back(WASMC_TRY(parseValue(depth + 1)));
      skipWhitespace();
      if (atEnd())
        return fail("unterminated array (expected ',' or ']')");
      if (peek() == ']') {
        ++pos_;
        return JsonValue(std::move(elements));
      }
      if (peek() != ',')
        return fail("expected ',' or ']' in an array, found " + describeHere());
      ++pos_;
    }
  }

  Expected<JsonValue> parseNumber() {
    size_t start = pos_;
    auto digits = [&] {
      size_t from = pos_;
      while (!atEnd() && peek() >= '0' && peek() <= '9')
        ++pos_;
      return pos_ - from;
    };
    if (peek() == '-')
      ++pos_;
    if (atEnd() || !(peek() >= '0' && peek() <= '9'))
      return fail("expected a digit in a number");
    if (peek() == '0') {
      ++pos_;
      if (!atEnd() && peek() >= '0' && peek() <= '9')
        return fail("leading zeros are not allowed in a number");
    } else {
      digits();
    }
    if (!atEnd() && peek() == '.') {
      ++pos_;
      if (digits() == 0)
        return fail("expected a digit after the decimal point");
    }
    if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!atEnd() && (peek() == '+' || peek() == '-'))
        ++pos_;
      if (digits() == 0)
        return fail("expected a digit in the exponent");
    }
    double value = 0;
    auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, value);
    if (ec == std::errc::result_out_of_range || !std::isfinite(value))
      return fail("number out of range", start);
    if (ec != std::errc() || end != text_.data() + pos_)
      return fail("invalid number", start);
    return JsonValue(value);
  }

  Expected<uint32_t> parseHex4() {
    if (text_.size() - pos_ < 4)
      return fail("truncated \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_ + i];
      uint32_t digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      else
        return fail("invalid hex digit in a \\u escape", pos_ + i);
      value = value * 16 + digit;
    }
    pos_ += 4;
    return value;
  }

  static void appendUtf8(std::string& out, uint32_t codePoint) {
    if (codePoint < 0x80) {
      out += static_cast<char>(codePoint);
    } else if (codePoint < 0x800) {
      out += static_cast<char>(0xC0 | (codePoint >> 6));
      out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
      out += static_cast<char>(0xE0 | (codePoint >> 12));
      out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (codePoint >> 18));
      out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (codePoint & 0x3F));
    }
  }

  /// Length of the well-formed UTF-8 sequence at pos_ (a lead byte >= 0x80), or 0.
  size_t utf8SequenceLength() const {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(text_[pos_ + i]); };
    auto isCont = [&](size_t i) { return pos_ + i < text_.size() && (byte(i) & 0xC0) == 0x80; };
    unsigned char lead = byte(0);
    if (lead >= 0xC2 && lead <= 0xDF)
      return isCont(1) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
      if (!isCont(1) || !isCont(2))
        return 0;
      if ((lead == 0xE0 && byte(1) < 0xA0) || (lead == 0xED && byte(1) > 0x9F))
        return 0; // overlong, or a UTF-16 surrogate
      return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
      if (!isCont(1) || !isCont(2) || !isCont(3))
        return 0;
      if ((lead == 0xF0 && byte(1) < 0x90) || (lead == 0xF4 && byte(1) > 0x8F))
        return 0; // overlong, or above U+10FFFF
      return 4;
    }
    return 0;
  }

  Expected<std::string> parseString() {
    size_t start = pos_;
    ++pos_; // '"'
    std::string out;
    while (true) {
      if (atEnd())
        return fail("unterminated string", start);
      unsigned char c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20)
        return fail("unescaped control character in a string");
      if (c >= 0x80) {
        size_t length = utf8SequenceLength();
        if (length == 0)
          return fail("invalid UTF-8 in a string");
        out.append(text_.substr(pos_, length));
        pos_ += length;
        continue;
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      size_t escapeStart = pos_;
      ++pos_;
      if (atEnd())
        return fail("unterminated string", start);
      char escape = peek();
      ++pos_;
      switch (escape) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t unit = WASMC_TRY(parseHex4());
        if (unit >= 0xDC00 && unit <= 0xDFFF)
          return fail("unpaired low surrogate in a \\u escape", escapeStart);
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          if (text_.substr(pos_, 2) != "\\u")
            return fail("unpaired high surrogate in a \\u escape", escapeStart);
          pos_ += 2;
          uint32_t low = WASMC_TRY(parseHex4());
          if (low < 0xDC00 || low > 0xDFFF)
            return fail("unpaired high surrogate in a \\u escape", escapeStart);
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, unit);
        break;
      }
      default:
        return fail("invalid escape sequence in a string", escapeStart);
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

} // namespace

std::optional<uint64_t> JsonValue::asUint() const {
  if (!isNumber())
    return std::nullopt;
  double value = asNumber();
  // 2^53: beyond it a double no longer holds every integer.
  if (value < 0 || value > 9007199254740992.0 || std::floor(value) != value)
    return std::nullopt;
  return static_cast<uint64_t>(value);
}

const JsonValue* JsonValue::find(std::string_view key) const {
  if (!isObject())
    return nullptr;
  for (const auto& member : asObject())
    if (member.first == key)
      return &member.second;
  return nullptr;
}

const char* JsonValue::kindName(Kind kind) {
  switch (kind) {
  case Kind::Null: return "null";
  case Kind::Bool: return "boolean";
  case Kind::Number: return "number";
  case Kind::String: return "string";
  case Kind::Array: return "array";
  case Kind::Object: return "object";
  }
  return "value";
}

Expected<JsonValue> parseJson(std::string_view text) {
  return JsonParser(text).parseDocument();
}

} // namespace wasmc::tools
