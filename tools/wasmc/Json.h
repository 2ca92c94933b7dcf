#pragma once
// A small, strict JSON (RFC 8259) reader for the spec scripts wast2json writes.
// No comments, trailing commas, NaN or duplicate keys; input must be UTF-8.

#include "compiler/wasm/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace wasmc::tools {

class JsonValue {
public:
  enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };
  using Array = std::vector<JsonValue>;
  /// Members in document order; keys are unique (the parser rejects duplicates).
  using Object = std::vector<std::pair<std::string, JsonValue>>;

  JsonValue() = default;
  explicit JsonValue(bool value) : storage_(value) {}
  explicit JsonValue(double value) : storage_(value) {}
  explicit JsonValue(std::string value) : storage_(std::move(value)) {}
  JsonValue(const char*) = delete; // would silently become a bool
  explicit JsonValue(Array value) : storage_(std::move(value)) {}
  explicit JsonValue(Object value) : storage_(std::move(value)) {}

  Kind kind() const { return static_cast<Kind>(storage_.index()); }
  bool isNull() const { return kind() == Kind::Null; }
  bool isBool() const { return kind() == Kind::Bool; }
  bool isNumber() const { return kind() == Kind::Number; }
  bool isString() const { return kind() == Kind::String; }
  bool isArray() const { return kind() == Kind::Array; }
  bool isObject() const { return kind() == Kind::Object; }

  /// The accessors require the matching kind (checked: a mismatch is our bug).
  bool asBool() const { return get<bool>(); }
  double asNumber() const { return get<double>(); }
  const std::string& asString() const { return get<std::string>(); }
  const Array& asArray() const { return get<Array>(); }
  const Object& asObject() const { return get<Object>(); }

  /// The number as an unsigned integer, when it is one that a double holds exactly.
  std::optional<uint64_t> asUint() const;

  /// The member named `key` of an object; nullptr when absent or not an object.
  /// The pointer lives as long as this value is not modified.
  const JsonValue* find(std::string_view key) const;

  /// "null", "boolean", "number", "string", "array" or "object", for messages.
  static const char* kindName(Kind kind);

private:
  template <class T>
  const T& get() const {
    const T* value = std::get_if<T>(&storage_);
    WASMC_ASSERT(value != nullptr);
    return *value;
  }

  // The alternatives' order matches Kind.
  std::variant<std::monostate, bool, double, std::string, Array, Object> storage_;
};

/// Parses one JSON document. Errors are ErrorKind::Io with "line L, column C: ..."
/// (columns count bytes from 1). Nesting deeper than 256 levels is rejected.
Expected<JsonValue> parseJson(std::string_view text);

} // namespace wasmc::tools
