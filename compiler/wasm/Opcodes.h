#pragma once
// Opcode enumeration and per-opcode facts, all generated from Opcodes.def,
// the single opcode table.

#include <cstdint>

namespace wasmc::wasm {

/// The kind of immediate that follows an opcode (see Opcodes.def).
enum class ImmKind : uint8_t {
  None,
  BlockType,
  Label,
  BrTable,
  Func,
  CallIndirect,
  Local,
  Global,
  Table,
  MemArg,
  MemIdx,
  I32,
  I64,
  F32,
  F64,
  V128,
  Shuffle,
  Lane,
  MemArgLane,
  SelectTypes,
  RefType,
  MemoryInit,
  Data,
  MemoryCopy,
  TableInit,
  Elem,
  TableCopy,
};

enum class Opcode : uint16_t {
#define WASMC_OPCODE(prefix, code, name, text, imm, sig, size) name,
#include "compiler/wasm/Opcodes.def"
};

inline constexpr uint16_t kNumOpcodes = 0
#define WASMC_OPCODE(prefix, code, name, text, imm, sig, size) +1
#include "compiler/wasm/Opcodes.def"
    ;

struct OpcodeInfo {
  uint8_t prefix;   // 0 for single-byte opcodes, else 0xFC / 0xFD
  uint32_t code;    // the byte, or the sub-opcode after the prefix
  const char* text; // spec text-format name
  ImmKind imm;
  const char* sig;  // "params:results" (i l f d v), or "" when typed by hand
  uint8_t size;     // access bytes for memory ops, lane count for lane ops
};

namespace detail {

// The tables, here so that the decoder's per-instruction lookups inline
// (they were calls, 6% of validating a module).
inline constexpr OpcodeInfo kOpcodeInfos[] = {
#define WASMC_OPCODE(prefix, code, name, text, imm, sig, size) {prefix, code, text, ImmKind::imm, sig, size},
#include "compiler/wasm/Opcodes.def"
};
static_assert(sizeof(kOpcodeInfos) / sizeof(kOpcodeInfos[0]) == kNumOpcodes);

inline constexpr uint16_t kNoOpcode = 0xFFFF;
inline constexpr uint32_t kPrefixedSpan = 512; // every 0xFC/0xFD sub-opcode is below 512 (relaxed SIMD: 0x100..0x113)

struct OpcodeLookup {
  uint16_t single[256];
  uint16_t fc[kPrefixedSpan];
  uint16_t fd[kPrefixedSpan];

  constexpr OpcodeLookup() : single(), fc(), fd() {
    for (uint32_t i = 0; i < 256; ++i)
      single[i] = kNoOpcode;
    for (uint32_t i = 0; i < kPrefixedSpan; ++i)
      fc[i] = fd[i] = kNoOpcode;
    for (uint16_t i = 0; i < kNumOpcodes; ++i) {
      const OpcodeInfo& info = kOpcodeInfos[i];
      if (info.prefix == 0)
        single[info.code] = i;
      else if (info.prefix == 0xFC)
        fc[info.code] = i;
      else
        fd[info.code] = i;
    }
  }
};

inline constexpr OpcodeLookup kOpcodeLookup;

} // namespace detail

inline const OpcodeInfo& opcodeInfo(Opcode op) { return detail::kOpcodeInfos[static_cast<uint16_t>(op)]; }
inline const char* opcodeName(Opcode op) { return opcodeInfo(op).text; }

/// Looks up an encoded opcode; false when the encoding is not an opcode.
inline bool lookupOpcode(uint8_t prefix, uint32_t code, Opcode& outOp) {
  uint16_t index = detail::kNoOpcode;
  if (prefix == 0)
    index = code < 256 ? detail::kOpcodeLookup.single[code] : detail::kNoOpcode;
  else if (prefix == 0xFC)
    index = code < detail::kPrefixedSpan ? detail::kOpcodeLookup.fc[code] : detail::kNoOpcode;
  else if (prefix == 0xFD)
    index = code < detail::kPrefixedSpan ? detail::kOpcodeLookup.fd[code] : detail::kNoOpcode;
  if (index == detail::kNoOpcode)
    return false;
  outOp = static_cast<Opcode>(index);
  return true;
}

} // namespace wasmc::wasm
