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

/// Reads one instruction at the reader's position. `targets` is scratch
/// storage for br_table targets (reused to avoid an allocation per branch).
Expected<void> decodeInstr(ByteReader& reader, Instr& out, std::vector<uint32_t>& targets);

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
