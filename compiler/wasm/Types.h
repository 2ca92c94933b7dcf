#pragma once
// The WebAssembly 2.0 type grammar as plain data: value, reference, function,
// table, memory and global types, and the index spaces' typedefs.

#include <cstdint>
#include <string>
#include <vector>

namespace wasmc::wasm {

/// Value types, numbered by their binary encoding.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

bool isValTypeByte(uint8_t byte);
bool isRefType(ValType type);
bool isNumType(ValType type);
const char* valTypeName(ValType type);

using TypeIndex = uint32_t;
using FuncIndex = uint32_t;
using TableIndex = uint32_t;
using MemoryIndex = uint32_t;
using GlobalIndex = uint32_t;
using LocalIndex = uint32_t;
using ElemIndex = uint32_t;
using DataIndex = uint32_t;
using LabelIndex = uint32_t;

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;

  bool operator==(const FuncType&) const = default;
  /// "(i32, i64) -> (f32)", for messages.
  std::string toString() const;
};

/// Limits of a table (in elements) or memory (in 64 KiB pages).
struct Limits {
  uint32_t min = 0;
  uint32_t max = 0;
  bool hasMax = false;
};

struct TableType {
  ValType elemType = ValType::FuncRef; // always a reference type
  Limits limits;
};

struct MemoryType {
  Limits limits;
};

struct GlobalType {
  ValType type = ValType::I32;
  bool isMutable = false;

  bool operator==(const GlobalType&) const = default;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* externKindName(ExternKind kind);

inline constexpr uint32_t kPageSize = 65536;
inline constexpr uint32_t kMaxPages = 65536;

} // namespace wasmc::wasm
