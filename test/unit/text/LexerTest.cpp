// The text format's tokens: every kind, where each starts, comments and
// white space skipped (nested block comments, comments inside strings are
// text), string escapes decoded, numbers classified by the spec's grammar
// (underscores only between digits), and each malformed input an error
// naming its line and column.

#include "compiler/text/Lexer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace wasmc::text {
namespace {

std::vector<Token> lex(std::string_view source) {
  auto tokens = tokenize(source);
  EXPECT_TRUE(tokens) << (tokens ? "" : tokens.error().describe());
  return tokens ? std::move(*tokens) : std::vector<Token>{};
}

std::vector<TokenKind> kindsOf(std::string_view source) {
  std::vector<TokenKind> kinds;
  for (const Token& token : lex(source))
    kinds.push_back(token.kind);
  return kinds;
}

std::string errorOf(std::string_view source) {
  auto tokens = tokenize(source);
  EXPECT_FALSE(tokens) << source;
  return tokens ? "" : tokens.error().message;
}

using K = TokenKind;

TEST(Lexer, SplitsAModule) {
  auto tokens = lex("(module $m\n  (func (export \"f\") (result i32) i32.const 0x2A))");
  std::vector<std::string_view> texts;
  for (const Token& token : tokens)
    texts.push_back(token.text);
  EXPECT_EQ(texts, (std::vector<std::string_view>{"(", "module", "$m", "(", "func", "(", "export", "\"f\"", ")", "(",
                                                  "result", "i32", ")", "i32.const", "0x2A", ")", ")", ""}));
  EXPECT_EQ(tokens[1].kind, K::Keyword);
  EXPECT_EQ(tokens[2].kind, K::Id);
  EXPECT_EQ(tokens[7].kind, K::String);
  EXPECT_EQ(tokens[7].string, "f");
  EXPECT_EQ(tokens[14].kind, K::Integer);
  EXPECT_EQ(tokens.back().kind, K::End);
  // "(func" starts line 2, column 3 (byte offset 13).
  EXPECT_EQ(tokens[3].line, 2u);
  EXPECT_EQ(tokens[3].column, 3u);
  EXPECT_EQ(tokens[3].offset, 13u);
}

TEST(Lexer, SkipsCommentsAndSpace) {
  EXPECT_EQ(kindsOf("a ;; line comment ) (\n b"), (std::vector<K>{K::Keyword, K::Keyword, K::End}));
  EXPECT_EQ(kindsOf("a (; block (; nested ;) still ;) b"), (std::vector<K>{K::Keyword, K::Keyword, K::End}));
  EXPECT_EQ(kindsOf("(;;)x\t\r\ny"), (std::vector<K>{K::Keyword, K::Keyword, K::End}));
  // Comment markers inside a string are text.
  auto tokens = lex("\"a ;; b (; c\"");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].string, "a ;; b (; c");
  // A line comment ends at a carriage return too (3.0's comments.wast).
  EXPECT_EQ(kindsOf("a ;; comment\rb"), (std::vector<K>{K::Keyword, K::Keyword, K::End}));
  // Lines count inside block comments.
  tokens = lex("(;\n\n;) x");
  EXPECT_EQ(tokens[0].line, 3u);
  EXPECT_EQ(tokens[0].column, 4u);
}

TEST(Lexer, DecodesStringEscapes) {
  auto tokens = lex(R"("\t\n\r\"\'\\ \41\7f\u{48}\u{e9}\u{1F600}\u{1_0000}" "")");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].string, std::string("\t\n\r\"'\\ A\x7f" "H\xc3\xa9\xf0\x9f\x98\x80\xf0\x90\x80\x80"));
  EXPECT_EQ(tokens[1].string, "");
  // Raw UTF-8 is kept; \hh can make any byte, even one that is not UTF-8.
  tokens = lex("\"\xc3\xa9\\ff\"");
  EXPECT_EQ(tokens[0].string, "\xc3\xa9\xff");
}

TEST(Lexer, ClassifiesNumbers) {
  for (const char* integer : {"0", "123", "+1", "-1", "1_000", "0x0", "0xFFff", "0x1_f", "-0x80"})
    EXPECT_EQ(kindsOf(integer)[0], K::Integer) << integer;
  for (const char* number : {"1.", "1.5", "+1.5e10", "1e-3", "1E+3", "1_0.0_1", "0x1.8p3", "0x1p-2", "0x1.",
                             "-0x.p1", "inf", "-inf", "nan", "+nan", "nan:0x7f_ffff", "-nan:0x1"}) {
    // "-0x.p1" needs a digit before the point: reserved, tested below.
    if (std::string_view(number) == "-0x.p1")
      continue;
    EXPECT_EQ(kindsOf(number)[0], K::Float) << number;
  }
  for (const char* reserved : {"1__0", "_1", "1_", "0x", "0x_1", "1e", "1.e+", "0x1.8e3x", "-0x.p1", "+", "0b101",
                               "1a", "+nan:0x", "-nan:1"})
    EXPECT_EQ(kindsOf(reserved)[0], K::Reserved) << reserved;
  // Keywords start with a lower-case letter; nan:canonical is one (a WAST
  // result pattern), not a number.
  // nan:0x and nan:1 are keyword-shaped: the parser refuses them where a
  // number must be.
  for (const char* keyword : {"i32.add", "offset=4", "align=0x10", "nan:canonical", "infinity", "ref.null",
                              "nan:0x", "nan:1"})
    EXPECT_EQ(kindsOf(keyword)[0], K::Keyword) << keyword;
  EXPECT_EQ(kindsOf("A")[0], K::Reserved);
}

// 3.0: a run of identifier characters, strings and , ; [ ] { } is one
// token, reserved unless it is a single string, an identifier or a
// keyword or number; a ;; still starts a comment.
TEST(Lexer, ReservedTokens) {
  auto tokens = lex("x-y$yz\"aa\"-2 \"a\"\"b\" [y] }x{ a;b ,{{};}] c;;comment");
  std::vector<std::string_view> texts;
  for (const Token& token : tokens) {
    texts.push_back(token.text);
    if (token.kind != K::End && token.text != "c")
      EXPECT_EQ(token.kind, K::Reserved) << token.text;
  }
  EXPECT_EQ(texts, (std::vector<std::string_view>{"x-y$yz\"aa\"-2", "\"a\"\"b\"", "[y]", "}x{", "a;b", ",{{};}]", "c", ""}));
  EXPECT_EQ(tokens[6].kind, K::Keyword);
}

TEST(Lexer, IdentifiersAndAnnotations) {
  auto tokens = lex("$x $a.b-c!#  $\"with space\" (@custom \"x\" (nested)) $");
  ASSERT_EQ(tokens.size(), 11u);
  EXPECT_EQ(tokens[0].kind, K::Id);
  EXPECT_EQ(tokens[1].text, "$a.b-c!#");
  EXPECT_EQ(tokens[2].kind, K::Id);
  EXPECT_EQ(tokens[2].string, "with space");
  EXPECT_EQ(tokens[3].kind, K::Annotation);
  EXPECT_EQ(tokens[3].text, "(@custom");
  EXPECT_EQ(tokens[9].kind, K::Reserved) << "a lone $ names nothing";
}

// 3.0's annotations.wast: an annotation's id is not empty (a quoted one is
// UTF-8), it is closed before the end, and inside one anything balanced
// goes, (@) included.
TEST(Lexer, AnnotationIdsAndClosing) {
  EXPECT_EQ(lex("(@\"a b\" x)")[0].text, "(@\"a b\"");
  EXPECT_EQ(kindsOf("(@a (@) (@ x) (@(@)))").size(), 12u);
  EXPECT_EQ(errorOf("(@)"), "line 1, column 1: empty annotation id");
  EXPECT_EQ(errorOf("(@ x)"), "line 1, column 1: empty annotation id");
  EXPECT_EQ(errorOf("(@\"\")"), "line 1, column 1: empty annotation id");
  EXPECT_EQ(errorOf("(@\"\\ef\")"), "line 1, column 1: malformed UTF-8 in an annotation id");
  EXPECT_EQ(errorOf("(module (@x (y (z))"), "line 1, column 9: unclosed annotation");
  EXPECT_EQ(errorOf("(@x (@y )"), "line 1, column 1: unclosed annotation");
}

TEST(Lexer, ErrorsNameTheirLineAndColumn) {
  EXPECT_EQ(errorOf("(module\n  \"abc"), "line 2, column 3: string without its closing quote");
  EXPECT_EQ(errorOf("a (; never closed"), "line 1, column 3: block comment without its ;)");
  EXPECT_EQ(errorOf("\"\\q\""), "line 1, column 2: unknown escape in a string");
  EXPECT_EQ(errorOf("\"\\u{D800}\""), "line 1, column 2: \\u{...} is a surrogate");
  EXPECT_EQ(errorOf("\"\\u{110000}\""), "line 1, column 2: \\u{...} beyond U+10FFFF");
  EXPECT_EQ(errorOf("\"\\u41\""), "line 1, column 2: bad escape \\u (write \\u{hex})");
  EXPECT_EQ(errorOf("\"a\tb\""), "line 1, column 3: control character in a string (write it as an escape)");
  EXPECT_EQ(errorOf("\"\xff\""), "line 1, column 3: malformed UTF-8 in a string");
  EXPECT_EQ(errorOf("x\n  \x01"), "line 2, column 3: illegal character 0x01");
  EXPECT_EQ(errorOf("\xc3\xa9"), "line 1, column 1: illegal character 0xc3");
  EXPECT_EQ(errorOf("$\"\""), "line 1, column 1: an identifier written as a string must be non-empty UTF-8");
  auto error = tokenize("\n\n  \x7f");
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(error.error().offset, 4u);
}

// Every spec script, 2.0 and 3.0 (the threads proposal's included),
// tokenizes: their malformed-text cases sit inside (module quote "...")
// strings, which are tokens like any other.
TEST(Lexer, TokenizesEverySpecScript) {
  std::string dirs = WASMC_SPEC_SCRIPTS_DIRS;
  size_t scripts = 0, tokens = 0;
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos)
      end = dirs.size();
    const std::filesystem::path dir = dirs.substr(start, end - start);
    start = end + 1;
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir << " is missing (WASMC_SHARED_DIR)";
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      if (entry.path().extension() != ".wast")
        continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      auto lexed = tokenize(text.str());
      ASSERT_TRUE(lexed) << entry.path() << ": " << lexed.error().describe();
      ++scripts;
      tokens += lexed->size();
    }
  }
  EXPECT_GT(scripts, 400u) << "146 2.0 scripts and the 3.0 suite's";
  std::printf("%zu scripts, %zu tokens\n", scripts, tokens);
}

} // namespace
} // namespace wasmc::text
