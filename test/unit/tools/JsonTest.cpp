#include "tools/wasmc/Json.h"

#include <gtest/gtest.h>

namespace wasmc::tools {
namespace {

JsonValue parseOk(std::string_view text) {
  Expected<JsonValue> value = parseJson(text);
  EXPECT_TRUE(value) << (value ? "" : value.error().message);
  return value ? *value : JsonValue();
}

std::string parseError(std::string_view text) {
  Expected<JsonValue> value = parseJson(text);
  EXPECT_FALSE(value) << "parsed: " << text;
  return value ? "" : value.error().message;
}

TEST(JsonTest, Scalars) {
  EXPECT_TRUE(parseOk("null").isNull());
  EXPECT_TRUE(parseOk(" true ").asBool());
  EXPECT_FALSE(parseOk("false").asBool());
  EXPECT_EQ(parseOk("-12.5e2").asNumber(), -1250.0);
  EXPECT_EQ(parseOk("0").asNumber(), 0.0);
  EXPECT_EQ(parseOk("\"abc\"").asString(), "abc");
}

TEST(JsonTest, ObjectsAndArraysKeepOrder) {
  JsonValue value = parseOk(R"({"b": [1, 2, {"c": null}], "a": {}, "d": []})");
  ASSERT_TRUE(value.isObject());
  const JsonValue::Object& members = value.asObject();
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].first, "b");
  EXPECT_EQ(members[1].first, "a");
  const JsonValue* b = value.find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->asArray().size(), 3u);
  EXPECT_EQ(b->asArray()[1].asNumber(), 2.0);
  EXPECT_TRUE(b->asArray()[2].find("c")->isNull());
  EXPECT_EQ(value.find("missing"), nullptr);
  EXPECT_TRUE(value.find("d")->asArray().empty());
}

TEST(JsonTest, StringEscapes) {
  EXPECT_EQ(parseOk(R"("\"\\\/\b\f\n\r\t")").asString(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(parseOk(R"("\u0000\u005c\u0022")").asString(), std::string("\0\\\"", 3));
  EXPECT_EQ(parseOk(R"("\u00e9\u20AC")").asString(), "\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(parseOk(R"("\ud83d\ude00")").asString(), "\xf0\x9f\x98\x80");
  // Raw UTF-8 passes through.
  EXPECT_EQ(parseOk("\"\xc3\xa9\xf0\x9f\x98\x80\"").asString(), "\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(JsonTest, AsUint) {
  EXPECT_EQ(parseOk("42").asUint(), 42u);
  EXPECT_EQ(parseOk("9007199254740992").asUint(), 9007199254740992u);
  EXPECT_FALSE(parseOk("-1").asUint());
  EXPECT_FALSE(parseOk("1.5").asUint());
  EXPECT_FALSE(parseOk("1e300").asUint());
  EXPECT_FALSE(parseOk("\"1\"").asUint());
}

TEST(JsonTest, ErrorsCarryLineAndColumn) {
  EXPECT_EQ(parseError("{\n  \"a\": 1,\n  \"b\" 2\n}"),
            "line 3, column 7: expected ':' after an object key, found '2'");
  EXPECT_EQ(parseError(""), "line 1, column 1: expected a JSON value, found end of input");
  EXPECT_EQ(parseError("[1,]"), "line 1, column 4: expected a JSON value, found ']'");
  EXPECT_EQ(parseError("[1] x"), "line 1, column 5: unexpected 'x' after the JSON value");
  EXPECT_EQ(parseError("\"abc"), "line 1, column 1: unterminated string");
}

TEST(JsonTest, RejectsWhatRfc8259Rejects) {
  for (const char* text : {"{,}", "{\"a\":1,}", "01", "-", "1.", "1e", ".5", "+1", "NaN",
                           "Infinity", "tru", "nul", "'a'", "// c\n1", "[1 2]", "{\"a\" 1}",
                           "{1: 2}", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"a\nb\"",
                           "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "1e999",
                           "\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xe2\x82\"",
                           "\"\xf4\x90\x80\x80\""})
    parseError(text);
}

TEST(JsonTest, RejectsDuplicateKeys) {
  EXPECT_EQ(parseError("{\"a\": 1, \"a\": 2}"), "line 1, column 10: duplicate key \"a\"");
}

TEST(JsonTest, LimitsNesting) {
  std::string deep(300, '[');
  deep += std::string(300, ']');
  EXPECT_NE(parseError(deep).find("nesting deeper than 256"), std::string::npos);
  std::string fine(200, '[');
  fine += std::string(200, ']');
  parseOk(fine);
}

} // namespace
} // namespace wasmc::tools
