#pragma once
// The artifact form of the pc -> wasm offset tables (abi::kOffsetsSymbol):
// written by the compiler (compiler/codegen/WasmOffsets.cpp), read by the
// loader (runtime/Artifact.cpp). Header-only, with no state, so that the
// codegen plugin and the runtime share it without sharing a library.
//
//   abi::OffsetTables { functions, bytes }
//   uint32_t first[functions + 1]   function i's rows are bytes [first[i], first[i + 1])
//   uint8_t rows[bytes]             per row: ULEB128 pc - previous pc,
//                                   SLEB128 offset - previous offset
//                                   (each function starts from pc 0, offset 0)
//
// About 2.5 bytes a row instead of 8: sqlite3's tables are 0.25 MB.

#include "runtime/Abi.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

namespace wasmc::rt {

using OffsetTableList = std::vector<std::vector<abi::PcOffset>>;

namespace detail {

inline void appendUleb(std::vector<uint8_t>& out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    out.push_back(value ? byte | 0x80 : byte);
  } while (value);
}

inline void appendSleb(std::vector<uint8_t>& out, int64_t value) {
  while (true) {
    uint8_t byte = value & 0x7f;
    value >>= 7; // arithmetic
    bool done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
    out.push_back(done ? byte : byte | 0x80);
    if (done)
      return;
  }
}

/// Reads a LEB128 at `at` (advancing it) within `end`; nullopt if it runs
/// past the end or over 64 bits.
inline std::optional<uint64_t> readLeb(const uint8_t*& at, const uint8_t* end, bool isSigned) {
  uint64_t value = 0;
  unsigned shift = 0;
  while (at < end && shift < 64) {
    uint8_t byte = *at++;
    value |= uint64_t(byte & 0x7f) << shift;
    shift += 7;
    if (!(byte & 0x80)) {
      if (isSigned && shift < 64 && (byte & 0x40))
        value |= ~uint64_t(0) << shift;
      return value;
    }
  }
  return std::nullopt;
}

} // namespace detail

/// The artifact form of `tables` (one per defined function).
inline std::vector<uint8_t> encodeOffsetTables(const OffsetTableList& tables) {
  std::vector<uint8_t> rows;
  std::vector<uint32_t> first{0};
  for (const std::vector<abi::PcOffset>& table : tables) {
    abi::PcOffset previous{0, 0};
    for (const abi::PcOffset& row : table) {
      detail::appendUleb(rows, row.pc - previous.pc);
      detail::appendSleb(rows, int64_t(row.offset) - int64_t(previous.offset));
      previous = row;
    }
    first.push_back(static_cast<uint32_t>(rows.size()));
  }
  abi::OffsetTables header{static_cast<uint32_t>(tables.size()), static_cast<uint32_t>(rows.size())};
  std::vector<uint8_t> out(sizeof header + first.size() * sizeof(uint32_t));
  std::memcpy(out.data(), &header, sizeof header);
  std::memcpy(out.data() + sizeof header, first.data(), first.size() * sizeof(uint32_t));
  out.insert(out.end(), rows.begin(), rows.end());
  return out;
}

/// The tables in `bytes` if they are well-formed and for `functions`
/// functions; nullopt otherwise (nothing past `bytes` is read).
inline std::optional<OffsetTableList> decodeOffsetTables(std::span<const uint8_t> bytes, size_t functions) {
  abi::OffsetTables header;
  if (bytes.size() < sizeof header)
    return std::nullopt;
  std::memcpy(&header, bytes.data(), sizeof header);
  const size_t indexBytes = (size_t(header.functions) + 1) * sizeof(uint32_t);
  if (header.functions != functions || bytes.size() != sizeof header + indexBytes + header.bytes)
    return std::nullopt;
  std::vector<uint32_t> first(header.functions + 1);
  std::memcpy(first.data(), bytes.data() + sizeof header, indexBytes);
  const uint8_t* rows = bytes.data() + sizeof header + indexBytes;
  OffsetTableList tables(functions);
  for (size_t i = 0; i < functions; ++i) {
    if (first[i] > first[i + 1] || first[i + 1] > header.bytes)
      return std::nullopt;
    const uint8_t* at = rows + first[i];
    const uint8_t* end = rows + first[i + 1];
    int64_t pc = 0, offset = 0;
    while (at < end) {
      std::optional<uint64_t> pcDelta = detail::readLeb(at, end, false);
      std::optional<uint64_t> offsetDelta = detail::readLeb(at, end, true);
      if (!pcDelta || !offsetDelta)
        return std::nullopt;
      pc += int64_t(*pcDelta);
      offset += int64_t(*offsetDelta);
      if (pc < 0 || pc > UINT32_MAX || offset < 0 || offset > UINT32_MAX)
        return std::nullopt;
      tables[i].push_back({static_cast<uint32_t>(pc), static_cast<uint32_t>(offset)});
    }
  }
  return tables;
}

} // namespace wasmc::rt
