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

const OpcodeInfo& opcodeInfo(Opcode op);
inline const char* opcodeName(Opcode op) { return opcodeInfo(op).text; }

/// Looks up an encoded opcode; false when the encoding is not an opcode.
bool lookupOpcode(uint8_t prefix, uint32_t code, Opcode& outOp);

} // namespace wasmc::wasm
