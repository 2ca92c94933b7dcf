#include "compiler/text/Numbers.h"

#include <bit>
#include <cmath>
#include <cstdlib>
#include <locale.h>
#include <string>

namespace wasmc::text {

namespace {

bool isDigit(char c, bool hex) {
  return (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}
uint64_t digitValue(char c) { return c <= '9' ? uint64_t(c - '0') : uint64_t((c | 0x20) - 'a' + 10); }

/// The magnitude of an unsigned literal (decimal or 0x hex, single
/// underscores between digits); nullopt past 2^64 - 1 or not one.
std::optional<uint64_t> magnitude(std::string_view s) {
  const bool hex = s.starts_with("0x");
  if (hex)
    s.remove_prefix(2);
  if (s.empty() || !isDigit(s[0], hex) || !isDigit(s.back(), hex))
    return std::nullopt;
  const uint64_t base = hex ? 16 : 10;
  uint64_t value = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (!isDigit(s[i + 1], hex) || !isDigit(s[i - 1], hex))
        return std::nullopt;
      continue;
    }
    if (!isDigit(s[i], hex))
      return std::nullopt;
    const uint64_t digit = digitValue(s[i]);
    if (value > (UINT64_MAX - digit) / base)
      return std::nullopt;
    value = value * base + digit;
  }
  return value;
}

/// `text` without its underscores (strtod does not take them).
std::string withoutUnderscores(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text)
    if (c != '_')
      out += c;
  return out;
}

/// Checks the float grammar (digits with single underscores between them,
/// a fraction and/or exponent) before strtod sees it: strtod accepts
/// forms the text format does not ("1e", "0x.8", "infinity", leading
/// spaces).
bool isFloatSyntax(std::string_view s) {
  const bool hex = s.starts_with("0x");
  size_t i = hex ? 2 : 0;
  auto digits = [&](bool hexDigits) {
    const size_t start = i;
    while (i < s.size() && (isDigit(s[i], hexDigits) || (s[i] == '_' && i > start && i + 1 < s.size() &&
                                                         isDigit(s[i + 1], hexDigits) && isDigit(s[i - 1], hexDigits))))
      ++i;
    return i > start;
  };
  if (!digits(hex))
    return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i < s.size() && isDigit(s[i], hex))
      digits(hex);
  }
  if (i < s.size() && (hex ? (s[i] | 0x20) == 'p' : (s[i] | 0x20) == 'e')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
      ++i;
    if (!digits(false))
      return false;
  }
  return i == s.size();
}

/// The "C" locale: strtod would read a decimal comma under an embedder's.
locale_t cLocale() {
  static const locale_t locale = newlocale(LC_ALL_MASK, "C", locale_t(0));
  return locale;
}

/// The IEEE bits of a float literal with `significandBits` stored bits;
/// `convert` rounds correctly (glibc's strtof_l / strtod_l, decimal and hex).
template <class Bits, class Float>
std::optional<Bits> parseFloat(std::string_view text, unsigned significandBits,
                               Float (*convert)(const char*, char**, locale_t)) {
  constexpr unsigned kWidth = sizeof(Bits) * 8;
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const Bits sign = negative ? Bits(1) << (kWidth - 1) : 0;
  const Bits exponentAll = ((Bits(1) << (kWidth - 1 - significandBits)) - 1) << significandBits;
  if (text == "inf")
    return sign | exponentAll;
  if (text == "nan")
    return sign | exponentAll | (Bits(1) << (significandBits - 1));
  if (text.starts_with("nan:0x")) {
    std::optional<uint64_t> payload = magnitude(text.substr(4));
    if (!payload || *payload == 0 || *payload >= (uint64_t(1) << significandBits))
      return std::nullopt;
    return sign | exponentAll | Bits(*payload);
  }
  if (!isFloatSyntax(text))
    return std::nullopt;
  const std::string clean = withoutUnderscores(text);
  char* end = nullptr;
  Float value = convert(clean.c_str(), &end, cLocale());
  if (end != clean.c_str() + clean.size() || std::isinf(value))
    return std::nullopt; // rounded to infinity: out of range
  return sign | std::bit_cast<Bits>(value); // the magnitude's bits: positive
}

} // namespace

std::optional<uint64_t> parseUnsigned(std::string_view text, unsigned bits) {
  std::optional<uint64_t> value = magnitude(text);
  if (!value || (bits < 64 && *value >> bits))
    return std::nullopt;
  return value;
}

std::optional<uint64_t> parseInt(std::string_view text, unsigned bits) {
  const uint64_t mask = bits == 64 ? UINT64_MAX : (uint64_t(1) << bits) - 1;
  const uint64_t half = uint64_t(1) << (bits - 1);
  if (text.empty())
    return std::nullopt;
  if (text[0] != '+' && text[0] != '-')
    return parseUnsigned(text, bits);
  std::optional<uint64_t> value = magnitude(text.substr(1));
  if (!value)
    return std::nullopt;
  if (text[0] == '+')
    return *value < half ? std::optional<uint64_t>(*value) : std::nullopt;
  if (*value > half)
    return std::nullopt;
  return (~*value + 1) & mask;
}

std::optional<uint32_t> parseF32(std::string_view text) { return parseFloat<uint32_t, float>(text, 23, strtof_l); }

std::optional<uint64_t> parseF64(std::string_view text) { return parseFloat<uint64_t, double>(text, 52, strtod_l); }

} // namespace wasmc::text
