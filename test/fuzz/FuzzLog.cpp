#include "test/fuzz/FuzzLog.h"

#include <bit>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>

namespace wasmc::fuzz {

using wasm::ValType;

namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool isNan32(uint32_t bits) { return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0; }
bool isNan64(uint64_t bits) {
  return (bits & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (bits & 0x000fffffffffffffull) != 0;
}

// printf's "-nan" and "nan" are the same value as far as the spec cares: the
// sign of a NaN result is nondeterministic.
std::string withoutNanSign(std::string text) {
  size_t colon = text.find(':');
  if (colon != std::string::npos && text.compare(colon + 1, 4, "-nan") == 0)
    text.erase(colon + 1, 1);
  return text;
}

const char* typeName(ValType type) {
  switch (type) {
  case ValType::I32: return "i32";
  case ValType::I64: return "i64";
  case ValType::F32: return "f32";
  case ValType::F64: return "f64";
  case ValType::V128: return "v128";
  case ValType::FuncRef: return "funcref";
  case ValType::ExternRef: return "externref";
  }
  return "?";
}

} // namespace

TrapKind classifyTrap(std::string_view message) {
  struct Prefix {
    std::string_view text;
    TrapKind kind;
  };
  // wasm-interp 1.0.32's wording first where it differs, then the spec's (wasmc).
  static constexpr Prefix kPrefixes[] = {
      {"out of bounds memory access", TrapKind::MemoryOutOfBounds},
      {"out of bounds table access", TrapKind::TableOutOfBounds},
      {"undefined table index", TrapKind::UndefinedElement},
      {"undefined element", TrapKind::UndefinedElement},
      {"uninitialized table element", TrapKind::UninitializedElement},
      {"uninitialized element", TrapKind::UninitializedElement},
      {"indirect call signature mismatch", TrapKind::IndirectCallTypeMismatch},
      {"indirect call type mismatch", TrapKind::IndirectCallTypeMismatch},
      {"integer divide by zero", TrapKind::IntegerDivideByZero},
      {"integer overflow", TrapKind::IntegerOverflow},
      {"invalid conversion to integer", TrapKind::InvalidConversion},
      {"unreachable", TrapKind::Unreachable}, // wasm-interp: "unreachable executed"
      {"call stack exhausted", TrapKind::StackExhausted},
      {"value stack exhausted", TrapKind::StackExhausted},
  };
  for (const Prefix& prefix : kPrefixes)
    if (startsWith(message, prefix.text))
      return prefix.kind;
  return TrapKind::Other;
}

const char* trapKindName(TrapKind kind) {
  switch (kind) {
  case TrapKind::None: return "no trap";
  case TrapKind::MemoryOutOfBounds: return "out of bounds memory access";
  case TrapKind::TableOutOfBounds: return "out of bounds table access";
  case TrapKind::IndirectCallTypeMismatch: return "indirect call type mismatch";
  case TrapKind::UndefinedElement: return "undefined element";
  case TrapKind::UninitializedElement: return "uninitialized element";
  case TrapKind::IntegerDivideByZero: return "integer divide by zero";
  case TrapKind::IntegerOverflow: return "integer overflow";
  case TrapKind::InvalidConversion: return "invalid conversion to integer";
  case TrapKind::Unreachable: return "unreachable";
  case TrapKind::StackExhausted: return "call stack exhausted";
  case TrapKind::Other: return "other trap";
  }
  return "?";
}

const char* runStatusName(RunStatus status) {
  switch (status) {
  case RunStatus::Ran: return "ran";
  case RunStatus::Rejected: return "rejected";
  case RunStatus::InstantiateFailed: return "instantiation failed";
  case RunStatus::Crashed: return "crashed";
  case RunStatus::TimedOut: return "timed out";
  }
  return "?";
}

std::string interpText(const Value& value) {
  if (value.textOnly)
    return value.text;
  char buffer[128];
  switch (value.type) {
  case ValType::I32:
    std::snprintf(buffer, sizeof buffer, "i32:%" PRIu32, static_cast<uint32_t>(value.lo));
    return buffer;
  case ValType::I64:
    std::snprintf(buffer, sizeof buffer, "i64:%" PRIu64, value.lo);
    return buffer;
  case ValType::F32:
  case ValType::F64: {
    // wasm-interp prints floats with "%f"; f32 is promoted to double first.
    double number = value.type == ValType::F32 ? std::bit_cast<float>(static_cast<uint32_t>(value.lo))
                                               : std::bit_cast<double>(value.lo);
    int size = std::snprintf(nullptr, 0, "%f", number);
    std::string text(typeName(value.type));
    text += ':';
    size_t start = text.size();
    text.resize(start + size + 1);
    std::snprintf(text.data() + start, size + 1, "%f", number);
    text.resize(start + size);
    return text;
  }
  case ValType::V128:
    std::snprintf(buffer, sizeof buffer, "v128 i32x4:0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32,
                  static_cast<uint32_t>(value.lo), static_cast<uint32_t>(value.lo >> 32),
                  static_cast<uint32_t>(value.hi), static_cast<uint32_t>(value.hi >> 32));
    return buffer;
  case ValType::FuncRef:
  case ValType::ExternRef:
    // wasm-interp prints a store index, 0 for null; only nullness compares.
    return std::string(typeName(value.type)) + (value.isNull ? ":0" : ":non-null");
  }
  return "?";
}

std::optional<Value> parseInterpValue(std::string_view text) {
  Value value;
  auto number = [](std::string_view digits, int base, uint64_t& out) {
    std::string copy(digits);
    if (copy.empty())
      return false;
    char* end = nullptr;
    out = std::strtoull(copy.c_str(), &end, base);
    return *end == '\0';
  };
  if (startsWith(text, "i32:") || startsWith(text, "i64:")) {
    value.type = text[1] == '3' ? ValType::I32 : ValType::I64;
    if (!number(text.substr(4), 10, value.lo))
      return std::nullopt;
    return value;
  }
  if (startsWith(text, "f32:") || startsWith(text, "f64:")) {
    value.type = text[1] == '3' ? ValType::F32 : ValType::F64;
    value.textOnly = true;
    value.text = std::string(text);
    return value;
  }
  if (startsWith(text, "v128 i32x4:")) {
    value.type = ValType::V128;
    std::string_view rest = text.substr(11);
    uint64_t lanes[4];
    for (int i = 0; i < 4; ++i) {
      size_t space = rest.find(' ');
      if (!number(rest.substr(0, space), 16, lanes[i]))
        return std::nullopt;
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
    value.lo = lanes[0] | lanes[1] << 32;
    value.hi = lanes[2] | lanes[3] << 32;
    return value;
  }
  for (ValType type : {ValType::FuncRef, ValType::ExternRef}) {
    std::string prefix = std::string(typeName(type)) + ":";
    if (startsWith(text, prefix)) {
      value.type = type;
      value.isNull = text.substr(prefix.size()) == "0";
      return value;
    }
  }
  return std::nullopt;
}

bool sameValue(const Value& expected, const Value& got) {
  if (expected.type != got.type)
    return false;
  if (expected.textOnly || got.textOnly)
    return withoutNanSign(interpText(expected)) == withoutNanSign(interpText(got));
  switch (expected.type) {
  case ValType::I32:
  case ValType::I64: return expected.lo == got.lo;
  case ValType::F32:
    return expected.lo == got.lo || (isNan32(static_cast<uint32_t>(expected.lo)) && isNan32(static_cast<uint32_t>(got.lo)));
  case ValType::F64: return expected.lo == got.lo || (isNan64(expected.lo) && isNan64(got.lo));
  case ValType::V128: {
    if (expected.lo == got.lo && expected.hi == got.hi)
      return true;
    // Unknown lane shape: accept if the lanes agree read as f32x4 or as f64x2.
    uint64_t e[2] = {expected.lo, expected.hi}, g[2] = {got.lo, got.hi};
    bool asF32 = true, asF64 = true;
    for (int i = 0; i < 2; ++i) {
      asF64 &= e[i] == g[i] || (isNan64(e[i]) && isNan64(g[i]));
      for (int half = 0; half < 2; ++half) {
        uint32_t a = static_cast<uint32_t>(e[i] >> (32 * half)), b = static_cast<uint32_t>(g[i] >> (32 * half));
        asF32 &= a == b || (isNan32(a) && isNan32(b));
      }
    }
    return asF32 || asF64;
  }
  case ValType::FuncRef:
  case ValType::ExternRef: return expected.isNull == got.isNull;
  }
  return false;
}

// ---- serialisation: whitespace-separated tokens, strings in hex ----

namespace {

void putString(std::ostringstream& out, std::string_view text) {
  out << 's';
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char c : text)
    out << kHex[c >> 4] << kHex[c & 15];
  out << ' ';
}

void putValue(std::ostringstream& out, const Value& value) {
  out << static_cast<unsigned>(value.type) << ' ' << value.lo << ' ' << value.hi << ' ' << value.isNull << ' ';
}

class Reader {
public:
  explicit Reader(std::string_view text) : in_(std::string(text)) {}
  bool ok() const { return ok_; }
  uint64_t number() {
    uint64_t value = 0;
    if (!(in_ >> value))
      ok_ = false;
    return value;
  }
  std::string string() {
    std::string token;
    if (!(in_ >> token) || token.empty() || token[0] != 's' || token.size() % 2 == 0) {
      ok_ = false;
      return {};
    }
    std::string out;
    for (size_t i = 1; i + 1 < token.size(); i += 2)
      out += static_cast<char>(std::stoi(token.substr(i, 2), nullptr, 16));
    return out;
  }
  Value value() {
    Value value;
    value.type = static_cast<ValType>(number());
    value.lo = number();
    value.hi = number();
    value.isNull = number() != 0;
    return value;
  }

private:
  std::istringstream in_;
  bool ok_ = true;
};

} // namespace

std::string serialize(const RunLog& log) {
  std::ostringstream out;
  out << static_cast<unsigned>(log.status) << ' ';
  putString(out, log.message);
  out << log.calls.size() << '\n';
  for (const CallRecord& call : log.calls) {
    putString(out, call.exportName);
    out << static_cast<unsigned>(call.trap) << ' ';
    putString(out, call.trapMessage);
    out << call.hostCalls.size() << ' ';
    for (const HostCall& host : call.hostCalls) {
      putString(out, host.name);
      out << host.args.size() << ' ';
      for (const Value& arg : host.args)
        putValue(out, arg);
    }
    out << call.results.size() << ' ';
    for (const Value& result : call.results)
      putValue(out, result);
    out << '\n';
  }
  out << log.memories.size() << '\n';
  for (const MemoryDump& memory : log.memories) {
    putString(out, memory.name);
    out << memory.size << ' ' << memory.pageHashes.size();
    for (uint64_t hash : memory.pageHashes)
      out << ' ' << hash;
    out << '\n';
  }
  out << "end\n";
  return out.str();
}

std::optional<RunLog> deserialize(std::string_view text) {
  Reader in(text);
  RunLog log;
  log.status = static_cast<RunStatus>(in.number());
  log.message = in.string();
  uint64_t calls = in.number();
  for (uint64_t i = 0; i < calls && in.ok(); ++i) {
    CallRecord& call = log.calls.emplace_back();
    call.exportName = in.string();
    call.trap = static_cast<TrapKind>(in.number());
    call.trapMessage = in.string();
    uint64_t hosts = in.number();
    for (uint64_t h = 0; h < hosts && in.ok(); ++h) {
      HostCall& host = call.hostCalls.emplace_back();
      host.name = in.string();
      uint64_t args = in.number();
      for (uint64_t a = 0; a < args && in.ok(); ++a)
        host.args.push_back(in.value());
    }
    uint64_t results = in.number();
    for (uint64_t r = 0; r < results && in.ok(); ++r)
      call.results.push_back(in.value());
  }
  uint64_t memories = in.number();
  for (uint64_t i = 0; i < memories && in.ok(); ++i) {
    MemoryDump& memory = log.memories.emplace_back();
    memory.name = in.string();
    memory.size = in.number();
    uint64_t pages = in.number();
    for (uint64_t p = 0; p < pages && in.ok(); ++p)
      memory.pageHashes.push_back(in.number());
  }
  if (!in.ok() || text.find("end\n") == std::string_view::npos)
    return std::nullopt;
  return log;
}

} // namespace wasmc::fuzz
