#include "compiler/wasm/BodyDecoder.h"

namespace wasmc::wasm {
namespace {

Expected<void> expectZeroByte(ByteReader& reader) {
  uint32_t at = reader.offset();
  uint8_t byte = WASMC_TRY(reader.readByte());
  if (byte != 0)
    return reader.error(at, "zero byte expected");
  return {};
}

Expected<ValType> readRefType(ByteReader& reader) {
  uint32_t at = reader.offset();
  uint8_t byte = WASMC_TRY(reader.readByte());
  if (byte != static_cast<uint8_t>(ValType::FuncRef) && byte != static_cast<uint8_t>(ValType::ExternRef))
    return reader.error(at, "malformed reference type");
  return static_cast<ValType>(byte);
}

Expected<BlockType> readBlockType(ByteReader& reader) {
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

Expected<MemArg> readMemArg(ByteReader& reader) {
  MemArg mem;
  mem.alignLog2 = WASMC_TRY(reader.readU32());
  mem.offset = WASMC_TRY(reader.readU32());
  return mem;
}

} // namespace

Expected<void> decodeInstr(ByteReader& reader, Instr& out, std::vector<uint32_t>& targets) {
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

} // namespace wasmc::wasm
