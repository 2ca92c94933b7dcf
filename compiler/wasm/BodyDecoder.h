#pragma once
// The one opcode dispatch of wasmc: decodes a function body (or a constant
// expression) instruction by instruction and hands each, immediates decoded,
// to a visitor. The validator and the lowering both walk bodies through this,
// so they cannot disagree about the binary format.

#include "compiler/wasm/ByteReader.h"
#include "compiler/wasm/Opcodes.h"
#include "compiler/wasm/Types.h"

#include <concepts>
#include <span>
#include <vector>

namespace wasmc::wasm {

struct BlockType {
  enum class Kind : uint8_t { Empty, Value, Index };
  Kind kind = Kind::Empty;
  ValType type = ValType::I32; // Value
  TypeIndex index = 0;         // Index
};

struct MemArg {
  uint32_t alignLog2 = 0;
  uint64_t offset = 0;
  MemoryIndex memory = 0;
};

/// One decoded instruction. Which fields are meaningful depends on
/// opcodeInfo(op).imm; see the comments.
struct Instr {
  Opcode op = Opcode::Nop;
  uint32_t offset = 0;      // absolute byte offset of the opcode
  uint32_t index = 0;       // Label, Func, Local, Global, Table, Data, Elem;
                            // CallIndirect: type; TableInit: elem; TableCopy: dst table
  uint32_t index2 = 0;      // CallIndirect and TableInit: table; TableCopy: src table
  BlockType block;          // BlockType
  MemArg mem;               // MemArg, MemArgLane
  uint8_t lane = 0;         // Lane, MemArgLane
  uint8_t v128[16] = {};    // V128 (little-endian) and Shuffle (lane indices)
  uint64_t bits = 0;        // I32 (sign-extended), I64, F32 / F64 bit patterns
  ValType type = ValType::FuncRef; // RefType; SelectTypes: the first type
  uint32_t selectArity = 0; // SelectTypes: how many types were given (valid: 1)
  std::span<const uint32_t> targets; // BrTable: all targets, the default last

  uint32_t i32() const { return static_cast<uint32_t>(bits); }
};

template <class V>
concept InstrVisitor = requires(V& visitor, const Instr& instr) {
  { visitor.visit(instr) } -> std::same_as<Expected<void>>;
};


namespace detail {

// Immediates the decoder reads; inline with decodeInstr, which runs once
// per instruction of every function the validator and the compilers see.

inline Expected<void> expectZeroByte(ByteReader& reader) {
  uint32_t at = reader.offset();
  uint8_t byte = WASMC_TRY(reader.readByte());
  if (byte != 0)
    return reader.error(at, "zero byte expected");
  return {};
}

inline Expected<ValType> readRefType(ByteReader& reader) {
  uint32_t at = reader.offset();
  uint8_t byte = WASMC_TRY(reader.readByte());
  if (byte != static_cast<uint8_t>(ValType::FuncRef) && byte != static_cast<uint8_t>(ValType::ExternRef))
    return reader.error(at, "malformed reference type");
  return static_cast<ValType>(byte);
}

inline Expected<BlockType> readBlockType(ByteReader& reader) {
  uint32_t at = reader.offset();
  uint8_t first = WASMC_TRY(reader.peekByte());
  BlockType block;
  if (first == 0x40) {
    reader.skip(1);
    block.kind = BlockType::Kind::Empty;
    return block;
  }
  if (isValTypeByte(first)) {
    reader.skip(1);
    block.kind = BlockType::Kind::Value;
    block.type = static_cast<ValType>(first);
    return block;
  }
  int64_t index = WASMC_TRY(reader.readS33());
  if (index < 0)
    return reader.error(at, "malformed block type");
  block.kind = BlockType::Kind::Index;
  block.index = static_cast<uint32_t>(index);
  return block;
}

inline Expected<MemArg> readMemArg(ByteReader& reader) {
  MemArg mem;
  mem.alignLog2 = WASMC_TRY(reader.readU32());
  mem.offset = WASMC_TRY(reader.readU32());
  return mem;
}

} // namespace detail

/// Reads one instruction at the reader's position. `targets` is scratch
/// storage for br_table targets (reused to avoid an allocation per branch).
inline Expected<void> decodeInstr(ByteReader& reader, Instr& out, std::vector<uint32_t>& targets) {
  using namespace detail;
  out.offset = reader.offset();
  uint8_t first = WASMC_TRY(reader.readByte());
  uint8_t prefix = 0;
  uint32_t code = first;
  if (first == 0xFC || first == 0xFD) {
    prefix = first;
    code = WASMC_TRY(reader.readU32());
  }
  if (!lookupOpcode(prefix, code, out.op))
    return reader.error(out.offset, "illegal opcode");

  switch (opcodeInfo(out.op).imm) {
  case ImmKind::None: break;
  case ImmKind::BlockType: out.block = WASMC_TRY(readBlockType(reader)); break;
  case ImmKind::Label:
  case ImmKind::Func:
  case ImmKind::Local:
  case ImmKind::Global:
  case ImmKind::Table:
  case ImmKind::Data:
  case ImmKind::Elem: out.index = WASMC_TRY(reader.readU32()); break;
  case ImmKind::BrTable: {
    uint32_t count = WASMC_TRY(reader.readCount());
    targets.clear();
    targets.reserve(count + 1);
    for (uint32_t i = 0; i <= count; ++i)
      targets.push_back(WASMC_TRY(reader.readU32()));
    out.targets = targets;
    break;
  }
  case ImmKind::CallIndirect:
  case ImmKind::TableInit:
  case ImmKind::TableCopy:
    out.index = WASMC_TRY(reader.readU32());
    out.index2 = WASMC_TRY(reader.readU32());
    break;
  case ImmKind::MemArg: out.mem = WASMC_TRY(readMemArg(reader)); break;
  case ImmKind::MemArgLane:
    out.mem = WASMC_TRY(readMemArg(reader));
    out.lane = WASMC_TRY(reader.readByte());
    break;
  case ImmKind::MemIdx: WASMC_TRY(expectZeroByte(reader)); break;
  case ImmKind::MemoryInit:
    out.index = WASMC_TRY(reader.readU32());
    WASMC_TRY(expectZeroByte(reader));
    break;
  case ImmKind::MemoryCopy:
    WASMC_TRY(expectZeroByte(reader));
    WASMC_TRY(expectZeroByte(reader));
    break;
  case ImmKind::I32:
    out.bits = static_cast<uint64_t>(static_cast<int64_t>(WASMC_TRY(reader.readS32())));
    break;
  case ImmKind::I64: out.bits = static_cast<uint64_t>(WASMC_TRY(reader.readS64())); break;
  case ImmKind::F32: out.bits = WASMC_TRY(reader.readFixed32()); break;
  case ImmKind::F64: out.bits = WASMC_TRY(reader.readFixed64()); break;
  case ImmKind::V128:
  case ImmKind::Shuffle: {
    auto raw = WASMC_TRY(reader.readBytes(16));
    for (int i = 0; i < 16; ++i)
      out.v128[i] = raw[i];
    break;
  }
  case ImmKind::Lane: out.lane = WASMC_TRY(reader.readByte()); break;
  case ImmKind::SelectTypes: {
    out.selectArity = WASMC_TRY(reader.readCount());
    for (uint32_t i = 0; i < out.selectArity; ++i) {
      uint32_t at = reader.offset();
      uint8_t byte = WASMC_TRY(reader.readByte());
      if (!isValTypeByte(byte))
        return reader.error(at, "malformed value type");
      if (i == 0)
        out.type = static_cast<ValType>(byte);
    }
    break;
  }
  case ImmKind::RefType: out.type = WASMC_TRY(readRefType(reader)); break;
  }
  return {};
}

/// Decodes instructions until the `end` that closes the outermost block
/// (the function body or constant expression); that `end` is visited too.
/// Fails with "END opcode expected" / "unexpected end" for bodies that stop
/// early, and leaves the reader just after the final `end`.
template <InstrVisitor V>
Expected<void> decodeBody(ByteReader& reader, V& visitor) {
  std::vector<uint32_t> targets;
  // One entry per open block: true while it is an `if` that may still take
  // an `else`. An `else` anywhere else is a structural (binary) error.
  std::vector<bool> elseAllowed{false};
  Instr instr;
  while (true) {
    if (reader.atEnd())
      return reader.error("unexpected end of section or function");
    WASMC_TRY(decodeInstr(reader, instr, targets));
    switch (instr.op) {
    case Opcode::Block:
    case Opcode::Loop: elseAllowed.push_back(false); break;
    case Opcode::If: elseAllowed.push_back(true); break;
    case Opcode::Else:
      if (!elseAllowed.back())
        return reader.error(instr.offset, "END opcode expected");
      elseAllowed.back() = false;
      break;
    case Opcode::End: elseAllowed.pop_back(); break;
    default: break;
    }
    WASMC_TRY(visitor.visit(instr));
    if (elseAllowed.empty())
      return {};
  }
}

} // namespace wasmc::wasm
