#include "tools/wasmc/WastCompare.h"

#include <algorithm>
#include <bit>
#include <cinttypes>
#include <cstdio>

namespace wasmc::tools {

namespace {

using wasm::ValType;

constexpr uint32_t kF32Sign = 0x80000000u;
constexpr uint32_t kF32Exponent = 0x7f800000u;
constexpr uint32_t kF32Quiet = 0x00400000u;
constexpr uint64_t kF64Sign = 0x8000000000000000ull;
constexpr uint64_t kF64Exponent = 0x7ff0000000000000ull;
constexpr uint64_t kF64Quiet = 0x0008000000000000ull;

bool isFloatLane(LaneType lane) { return lane == LaneType::F32 || lane == LaneType::F64; }

const char* laneName(LaneType lane) {
  switch (lane) {
  case LaneType::I8: return "i8x16";
  case LaneType::I16: return "i16x8";
  case LaneType::I32: return "i32x4";
  case LaneType::I64: return "i64x2";
  case LaneType::F32: return "f32x4";
  case LaneType::F64: return "f64x2";
  case LaneType::None: break;
  }
  return "v128";
}

std::string formatFloat(uint64_t bits, bool isF64) {
  char buffer[64];
  bool isNan = isF64 ? (bits & ~kF64Sign) > kF64Exponent
                     : (static_cast<uint32_t>(bits) & ~kF32Sign) > kF32Exponent;
  if (isNan) {
    std::snprintf(buffer, sizeof buffer, isF64 ? "nan:0x%016" PRIx64 : "nan:0x%08" PRIx64, bits);
  } else if (isF64) {
    std::snprintf(buffer, sizeof buffer, "%.17g", std::bit_cast<double>(bits));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.9g",
                  static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(bits))));
  }
  return buffer;
}

std::string formatBits(const ExpectedBits& bits, bool isFloat, bool isF64) {
  if (bits.nan == NanPattern::Canonical)
    return "nan:canonical";
  if (bits.nan == NanPattern::Arithmetic)
    return "nan:arithmetic";
  return isFloat ? formatFloat(bits.bits, isF64) : std::to_string(bits.bits);
}

const char* refKind(ValType type) { return type == ValType::FuncRef ? "func" : "extern"; }

} // namespace

unsigned laneCount(LaneType lane) {
  unsigned width = laneWidth(lane);
  return width ? 128 / width : 0;
}

unsigned laneWidth(LaneType lane) {
  switch (lane) {
  case LaneType::I8: return 8;
  case LaneType::I16: return 16;
  case LaneType::I32:
  case LaneType::F32: return 32;
  case LaneType::I64:
  case LaneType::F64: return 64;
  case LaneType::None: break;
  }
  return 0;
}

uint64_t extractLane(const WastValue& value, LaneType lane, unsigned index) {
  unsigned width = laneWidth(lane);
  unsigned bit = index * width;
  uint64_t word = value.bits[bit / 64] >> (bit % 64);
  return width == 64 ? word : word & ((uint64_t(1) << width) - 1);
}

bool floatBitsMatch(const ExpectedBits& expected, uint64_t actual, bool isF64) {
  if (!isF64)
    actual &= 0xffffffffu;
  switch (expected.nan) {
  case NanPattern::None: return actual == expected.bits;
  case NanPattern::Canonical:
    // Exponent all ones, only the quiet bit in the payload, either sign.
    return isF64 ? (actual & ~kF64Sign) == (kF64Exponent | kF64Quiet)
                 : (actual & ~kF32Sign) == (kF32Exponent | kF32Quiet);
  case NanPattern::Arithmetic:
    // Exponent all ones and the quiet bit set: a NaN whatever the rest holds.
    return isF64 ? (actual & (kF64Exponent | kF64Quiet)) == (kF64Exponent | kF64Quiet)
                 : (actual & (kF32Exponent | kF32Quiet)) == (kF32Exponent | kF32Quiet);
  }
  return false;
}

bool valueMatches(const ExpectedValue& expected, const WastValue& actual) {
  if (!expected.either.empty())
    return std::any_of(expected.either.begin(), expected.either.end(),
                       [&](const ExpectedValue& alternative) { return valueMatches(alternative, actual); });
  if (expected.type != actual.type)
    return false;
  switch (expected.type) {
  case ValType::I32:
    return expected.lanes.size() == 1 && (actual.bits[0] & 0xffffffffu) == expected.lanes[0].bits;
  case ValType::I64:
    return expected.lanes.size() == 1 && actual.bits[0] == expected.lanes[0].bits;
  case ValType::F32:
  case ValType::F64:
    return expected.lanes.size() == 1 &&
           floatBitsMatch(expected.lanes[0], actual.bits[0], expected.type == ValType::F64);
  case ValType::V128: {
    unsigned count = laneCount(expected.laneType);
    if (count == 0 || expected.lanes.size() != count)
      return false;
    for (unsigned i = 0; i < count; ++i) {
      uint64_t lane = extractLane(actual, expected.laneType, i);
      bool match = isFloatLane(expected.laneType)
                       ? floatBitsMatch(expected.lanes[i], lane, expected.laneType == LaneType::F64)
                       : lane == expected.lanes[i].bits;
      if (!match)
        return false;
    }
    return true;
  }
  case ValType::FuncRef:
  case ValType::ExternRef:
    if (expected.isNull)
      return actual.isNull;
    if (actual.isNull)
      return false;
    if (expected.anyRef)
      return true;
    return expected.lanes.size() == 1 && actual.bits[0] == expected.lanes[0].bits;
  }
  return false;
}

std::string formatValue(const WastValue& value, LaneType laneHint) {
  switch (value.type) {
  case ValType::I32: return "i32:" + std::to_string(value.bits[0] & 0xffffffffu);
  case ValType::I64: return "i64:" + std::to_string(value.bits[0]);
  case ValType::F32: return "f32:" + formatFloat(value.bits[0] & 0xffffffffu, false);
  case ValType::F64: return "f64:" + formatFloat(value.bits[0], true);
  case ValType::V128: {
    if (laneHint == LaneType::None) {
      char buffer[40];
      std::snprintf(buffer, sizeof buffer, "v128:0x%016" PRIx64 "%016" PRIx64, value.bits[1],
                    value.bits[0]);
      return buffer;
    }
    std::string out = std::string("v128:") + laneName(laneHint) + "[";
    for (unsigned i = 0; i < laneCount(laneHint); ++i) {
      uint64_t lane = extractLane(value, laneHint, i);
      if (i)
        out += ' ';
      out += isFloatLane(laneHint) ? formatFloat(lane, laneHint == LaneType::F64)
                                   : std::to_string(lane);
    }
    return out + "]";
  }
  case ValType::FuncRef:
  case ValType::ExternRef:
    if (value.isNull)
      return std::string("ref.null ") + refKind(value.type);
    return std::string("ref.") + refKind(value.type) + " " + std::to_string(value.bits[0]);
  }
  return "?";
}

std::string formatExpected(const ExpectedValue& expected) {
  if (!expected.either.empty()) {
    std::string out = "either(";
    for (size_t i = 0; i < expected.either.size(); ++i)
      out += (i ? " | " : "") + formatExpected(expected.either[i]);
    return out + ")";
  }
  switch (expected.type) {
  case ValType::I32:
  case ValType::I64:
  case ValType::F32:
  case ValType::F64: {
    if (expected.lanes.size() != 1)
      return "?";
    bool isFloat = expected.type == ValType::F32 || expected.type == ValType::F64;
    return std::string(wasm::valTypeName(expected.type)) + ":" +
           formatBits(expected.lanes[0], isFloat, expected.type == ValType::F64);
  }
  case ValType::V128: {
    std::string out = std::string("v128:") + laneName(expected.laneType) + "[";
    for (size_t i = 0; i < expected.lanes.size(); ++i) {
      if (i)
        out += ' ';
      out += formatBits(expected.lanes[i], isFloatLane(expected.laneType),
                        expected.laneType == LaneType::F64);
    }
    return out + "]";
  }
  case ValType::FuncRef:
  case ValType::ExternRef:
    if (expected.isNull)
      return std::string("ref.null ") + refKind(expected.type);
    if (expected.anyRef || expected.lanes.empty())
      return std::string("ref.") + refKind(expected.type);
    return std::string("ref.") + refKind(expected.type) + " " +
           std::to_string(expected.lanes[0].bits);
  }
  return "?";
}

std::string formatValues(const std::vector<WastValue>& values,
                         const std::vector<ExpectedValue>& hints) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i)
      out += ", ";
    LaneType hint = i < hints.size() ? hints[i].laneType : LaneType::None;
    out += formatValue(values[i], hint);
  }
  return out + ")";
}

std::string formatExpectedValues(const std::vector<ExpectedValue>& values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i)
      out += ", ";
    out += formatExpected(values[i]);
  }
  return out + ")";
}

} // namespace wasmc::tools
