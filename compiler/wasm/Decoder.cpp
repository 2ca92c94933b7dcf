// Module-level binary decoding. Each section gets a reader bounded by its
// declared size; bodies and constant expressions are walked once here for
// their binary well-formedness (so every "malformed" verdict comes from the
// decoder), and typed later by the validator; or, for loadModule, bodies
// are decoded only by the validator, in the same pass that types them.

#include "compiler/wasm/Decoder.h"

#include "compiler/wasm/BodyDecoder.h"
#include "compiler/wasm/NameSection.h"

namespace wasmc::wasm {
namespace {

enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElement = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
};

/// Position of each known section in the required order (data count sits
/// between element and code).
int sectionRank(uint8_t id) {
  static constexpr int kRanks[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
  return kRanks[id];
}

/// Checks the structure of a body without typing it, and notes the first
/// memory.init or data.drop (they need the data count section).
struct StructureVisitor {
  std::optional<uint32_t>& firstDataUse;
  Expected<void> visit(const Instr& instr) {
    if (!firstDataUse && (instr.op == Opcode::MemoryInit || instr.op == Opcode::DataDrop))
      firstDataUse = instr.offset;
    return {};
  }
};

/// Defined function `i`'s body as the binary format requires it: decoded
/// from its start with the module's bytes to its end behind it (as the
/// reference interpreter reads a section), so a body whose final `end`
/// comes late is diagnosed where it is read; noting the first memory.init
/// or data.drop.
Expected<void> checkBodyStructure(const Module& module, uint32_t i, std::optional<uint32_t>& firstDataUse) {
  const Function& func = module.functions[i];
  ByteReader reader(std::span<const uint8_t>(module.bytes).subspan(func.body.offset), func.body.offset);
  StructureVisitor visitor{firstDataUse};
  auto checked = decodeBody(reader, visitor);
  if (!checked) {
    checked.error().function = module.numImportedFuncs + i;
    return std::move(checked).error();
  }
  if (reader.position() != func.body.size)
    return reader.error("section size mismatch");
  return {};
}

/// Records what the validator and instantiation need of a constant expression.
struct ConstExprVisitor {
  ConstExpr& expr;
  Expected<void> visit(const Instr& instr) {
    if (instr.op == Opcode::End)
      return {};
    ConstExpr::Kind kind;
    switch (instr.op) {
    case Opcode::I32Const: kind = ConstExpr::Kind::I32; break;
    case Opcode::I64Const: kind = ConstExpr::Kind::I64; break;
    case Opcode::F32Const: kind = ConstExpr::Kind::F32; break;
    case Opcode::F64Const: kind = ConstExpr::Kind::F64; break;
    case Opcode::V128Const: kind = ConstExpr::Kind::V128; break;
    case Opcode::RefNull: kind = ConstExpr::Kind::RefNull; break;
    case Opcode::RefFunc: kind = ConstExpr::Kind::RefFunc; break;
    case Opcode::GlobalGet: kind = ConstExpr::Kind::GlobalGet; break;
    case Opcode::I32Add: kind = ConstExpr::Kind::I32Add; break;
    case Opcode::I32Sub: kind = ConstExpr::Kind::I32Sub; break;
    case Opcode::I32Mul: kind = ConstExpr::Kind::I32Mul; break;
    case Opcode::I64Add: kind = ConstExpr::Kind::I64Add; break;
    case Opcode::I64Sub: kind = ConstExpr::Kind::I64Sub; break;
    case Opcode::I64Mul: kind = ConstExpr::Kind::I64Mul; break;
    default:
      if (expr.allConstant) {
        expr.allConstant = false;
        expr.nonConstOffset = instr.offset;
      }
      ++expr.numInstrs;
      return {};
    }
    ConstExpr* into = &expr;
    if (expr.numInstrs++ > 0)
      into = &expr.rest.emplace_back();
    into->kind = kind;
    into->index = instr.index;
    into->refType = instr.type;
    into->instrOffset = instr.offset;
    if (kind == ConstExpr::Kind::V128) {
      for (int i = 0; i < 16; ++i)
        into->bits[i] = instr.v128[i];
    } else {
      for (int i = 0; i < 8; ++i)
        into->bits[i] = static_cast<uint8_t>(instr.bits >> (8 * i));
    }
    return {};
  }
};

class ModuleDecoder {
public:
  ModuleDecoder(std::vector<uint8_t>&& bytes, BodyDecoding bodies) : decodeBodies_(bodies == BodyDecoding::Now) {
    module_.bytes = std::move(bytes);
  }

  Expected<Module> decode() {
    Expected<Module> decoded = decodeSections();
    // Decoding the bodies as the code section is read, a malformed body
    // comes before every error after it: find it now.
    if (!decoded && !decodeBodies_) {
      std::optional<uint32_t> firstDataUse;
      for (uint32_t i = 0; i < module_.functions.size(); ++i)
        if (Expected<void> body = checkBodyStructure(module_, i, firstDataUse); !body)
          return std::move(body).error();
    }
    return decoded;
  }

private:
  Expected<Module> decodeSections() {
    ByteReader reader(module_.bytes);
    WASMC_TRY(readHeader(reader));
    int lastRank = 0;
    while (!reader.atEnd()) {
      uint32_t idAt = reader.offset();
      uint8_t id = WASMC_TRY(reader.readByte());
      if (id > kDataCount)
        return reader.error(idAt, "malformed section id");
      uint32_t size = WASMC_TRY(reader.readLength());
      if (id != kCustom) {
        if (sectionRank(id) <= lastRank)
          return reader.error(idAt, "unexpected content after last section");
        lastRank = sectionRank(id);
      }
      // Like the reference interpreter, a section's contents are read up to
      // the end of the module and the declared size is checked afterwards, so
      // an item that overruns its section is diagnosed as that item's error.
      ByteReader section(reader.bytes().subspan(reader.position()), reader.offset());
      WASMC_TRY(readSection(id, section, size));
      if (section.position() != size)
        return section.error("section size mismatch");
      reader.skip(size);
    }
    if (module_.functions.size() != functionCount_ && !sawCode_)
      return reader.error("function and code section have inconsistent lengths");
    if (module_.dataCount && *module_.dataCount != module_.datas.size())
      return reader.error("data count and data section have inconsistent lengths");
    // Code naming data segments needs the data count section. wabt leaves the
    // section out when there are no data segments at all; then every data
    // index is simply unknown, which the validator reports as invalid.
    if (firstDataUse_ && !module_.dataCount && !module_.datas.empty())
      return reader.error(*firstDataUse_, "data count section required");
    return std::move(module_);
  }

  Expected<void> readHeader(ByteReader& reader) {
    static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
    if (reader.remaining() < 4)
      return reader.error("unexpected end");
    for (uint8_t expected : kMagic)
      if (WASMC_TRY(reader.readByte()) != expected)
        return reader.error(0, "magic header not detected");
    if (reader.remaining() < 4)
      return reader.error("unexpected end");
    uint32_t version = WASMC_TRY(reader.readFixed32());
    if (version != 1)
      return reader.error(4, "unknown binary version");
    return {};
  }

  Expected<void> readSection(uint8_t id, ByteReader& r, uint32_t size) {
    switch (id) {
    case kCustom: return readCustom(r, size);
    case kType: return readTypes(r);
    case kImport: return readImports(r);
    case kFunction: return readFunctions(r);
    case kTable: return readTables(r);
    case kMemory: return readMemories(r);
    case kGlobal: return readGlobals(r);
    case kExport: return readExports(r);
    case kStart:
      module_.startOffset = r.offset();
      module_.start = WASMC_TRY(r.readU32());
      return {};
    case kElement: return readElems(r);
    case kCode: return readCode(r);
    case kData: return readDatas(r);
    case kDataCount: module_.dataCount = WASMC_TRY(r.readU32()); return {};
    }
    return {};
  }

  Expected<void> readCustom(ByteReader& r, uint32_t size) {
    ByteReader bounded(r.bytes().first(size), r.offset());
    std::string name = WASMC_TRY(bounded.readName());
    CustomSection custom{std::move(name),
                         ByteRange{bounded.offset(), static_cast<uint32_t>(bounded.remaining())}};
    if (custom.name == "name")
      module_.names = parseNameSection(module_.slice(custom.contents), custom.contents.offset);
    r.skip(size);
    module_.customs.push_back(std::move(custom));
    return {};
  }

  Expected<ValType> readValType(ByteReader& r) {
    uint32_t at = r.offset();
    uint8_t byte = WASMC_TRY(r.readByte());
    if (!isValTypeByte(byte))
      return r.error(at, "malformed value type");
    return static_cast<ValType>(byte);
  }

  Expected<ValType> readRefType(ByteReader& r) {
    uint32_t at = r.offset();
    ValType type = WASMC_TRY(readValType(r));
    if (!isRefType(type))
      return r.error(at, "malformed reference type");
    return type;
  }

  Expected<std::vector<ValType>> readResultTypes(ByteReader& r) {
    uint32_t count = WASMC_TRY(r.readCount());
    std::vector<ValType> types;
    types.reserve(count);
    for (uint32_t i = 0; i < count; ++i)
      types.push_back(WASMC_TRY(readValType(r)));
    return types;
  }

  Expected<void> readTypes(ByteReader& r) {
    uint32_t count = WASMC_TRY(r.readCount());
    module_.types.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t at = r.offset();
      if (WASMC_TRY(r.readByte()) != 0x60)
        return r.error(at, "integer representation too long");
      FuncType type;
      type.params = WASMC_TRY(readResultTypes(r));
      type.results = WASMC_TRY(readResultTypes(r));
      module_.types.push_back(std::move(type));
    }
    return {};
  }

  Expected<Limits> readLimits(ByteReader& r) {
    uint8_t flags = WASMC_TRY(r.readFlag());
    Limits limits;
    limits.min = WASMC_TRY(r.readU32());
    if (flags == 1) {
      limits.hasMax = true;
      limits.max = WASMC_TRY(r.readU32());
    }
    return limits;
  }

  Expected<TableType> readTableType(ByteReader& r) {
    TableType table;
    table.elemType = WASMC_TRY(readRefType(r));
    table.limits = WASMC_TRY(readLimits(r));
    return table;
  }

  Expected<GlobalType> readGlobalType(ByteReader& r) {
    GlobalType global;
    global.type = WASMC_TRY(readValType(r));
    uint32_t at = r.offset();
    uint8_t mut = WASMC_TRY(r.readByte());
    if (mut > 1)
      return r.error(at, "malformed mutability");
    global.isMutable = mut == 1;
    return global;
  }

  Expected<void> readImports(ByteReader& r) {
    uint32_t count = WASMC_TRY(r.readCount());
    for (uint32_t i = 0; i < count; ++i) {
      Import import;
      import.offset = r.offset();
      import.module = WASMC_TRY(r.readName());
      import.name = WASMC_TRY(r.readName());
      uint32_t kindAt = r.offset();
      uint8_t kind = WASMC_TRY(r.readByte());
      switch (kind) {
      case 0:
        import.kind = ExternKind::Func;
        import.funcType = WASMC_TRY(r.readU32());
        module_.funcTypes.push_back(import.funcType);
        ++module_.numImportedFuncs;
        break;
      case 1:
        import.kind = ExternKind::Table;
        import.table = WASMC_TRY(readTableType(r));
        module_.tables.push_back(import.table);
        ++module_.numImportedTables;
        break;
      case 2:
        import.kind = ExternKind::Memory;
        import.memory.limits = WASMC_TRY(readLimits(r));
        module_.memories.push_back(import.memory);
        ++module_.numImportedMemories;
        break;
      case 3:
        import.kind = ExternKind::Global;
        import.global = WASMC_TRY(readGlobalType(r));
        module_.globalTypes.push_back(import.global);
        ++module_.numImportedGlobals;
        break;
      default: return r.error(kindAt, "malformed import kind");
      }
      module_.imports.push_back(std::move(import));
    }
    return {};
  }

  Expected<void> readFunctions(ByteReader& r) {
    uint32_t count = WASMC_TRY(r.readCount());
    functionCount_ = count;
    for (uint32_t i = 0; i < count; ++i)
      module_.funcTypes.push_back(WASMC_TRY(r.readU32()));
    return {};
  }

  Expected<void> readTables(ByteReader& r) {
    uint32_t count = WASMC_TRY(r.readCount());
    for (uint32_t i = 0; i < count; ++i)
      module_.tables.push_back(WASMC_TRY(readTableType(r)));
    return {};
  }

  Expected<void> readMemories(ByteReader& r) {
    uint32_t count = WASMC_TRY(r.readCount());
    for (uint32_t i = 0; i < count; ++i)
      module_.memories.push_back(MemoryType{WASMC_TRY(readLimits(r))});
    return {};
  }

  Expected<ConstExpr> readConstExpr(ByteReader& r) {
    ConstExpr expr;
    uint32_t start = r.offset();
    ConstExprVisitor visitor{expr};
    WASMC_TRY(decodeBody(r, visitor));
    expr.range = ByteRange{start, r.offset() - start};
    return expr;
  }

  Expected<void> readGlobals(ByteReader& r) {
    uint32_t count = WASMC_TRY(r.readCount());
    for (uint32_t i = 0; i < count; ++i) {
      Global global;
      global.type = WASMC_TRY(readGlobalType(r));
      global.init = WASMC_TRY(readConstExpr(r));
      module_.globalTypes.push_back(global.type);
      module_.globals.push_back(std::move(global));
    }
    return {};
  }

  Expected<void> readExports(ByteReader& r) {
    uint32_t count = WASMC_TRY(r.readCount());
    for (uint32_t i = 0; i < count; ++i) {
      Export exp;
      exp.offset = r.offset();
      exp.name = WASMC_TRY(r.readName());
      uint32_t kindAt = r.offset();
      uint8_t kind = WASMC_TRY(r.readByte());
      if (kind > 3)
        return r.error(kindAt, "malformed export kind");
      exp.kind = static_cast<ExternKind>(kind);
      exp.index = WASMC_TRY(r.readU32());
      module_.exports.push_back(std::move(exp));
    }
    return {};
  }

  Expected<void> readElemKind(ByteReader& r) {
    uint32_t at = r.offset();
    if (WASMC_TRY(r.readByte()) != 0x00)
      return r.error(at, "malformed elements segment kind");
    return {};
  }

  Expected<void> readElems(ByteReader& r) {
    uint32_t count = WASMC_TRY(r.readCount());
    for (uint32_t i = 0; i < count; ++i) {
      ElemSegment seg;
      seg.sectionOffset = r.offset();
      uint32_t flags = WASMC_TRY(r.readU32());
      if (flags > 7)
        return r.error(seg.sectionOffset, "malformed elements segment kind");
      const bool passiveOrDeclarative = flags & 1;
      const bool explicitTable = flags & 2;
      const bool usesExprs = flags & 4;
      if (passiveOrDeclarative)
        seg.mode = explicitTable ? SegmentMode::Declarative : SegmentMode::Passive;
      else {
        seg.mode = SegmentMode::Active;
        if (explicitTable)
          seg.table = WASMC_TRY(r.readU32());
        seg.offset = WASMC_TRY(readConstExpr(r));
      }
      // Flags 0 and 4 imply funcref; the others name the kind or type.
      if (passiveOrDeclarative || explicitTable) {
        if (usesExprs)
          seg.elemType = WASMC_TRY(readRefType(r));
        else
          WASMC_TRY(readElemKind(r));
      }
      uint32_t items = WASMC_TRY(r.readCount());
      seg.items.reserve(items);
      for (uint32_t j = 0; j < items; ++j) {
        if (usesExprs) {
          seg.items.push_back(WASMC_TRY(readConstExpr(r)));
        } else {
          ConstExpr item;
          uint32_t at = r.offset();
          item.kind = ConstExpr::Kind::RefFunc;
          item.index = WASMC_TRY(r.readU32());
          item.numInstrs = 1;
          item.range = ByteRange{at, r.offset() - at};
          seg.items.push_back(item);
        }
      }
      module_.elems.push_back(std::move(seg));
    }
    return {};
  }

  Expected<void> readCode(ByteReader& r) {
    sawCode_ = true;
    uint32_t count = WASMC_TRY(r.readCount());
    if (count != functionCount_)
      return r.error("function and code section have inconsistent lengths");
    module_.functions.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
      Function func;
      func.entryOffset = r.offset();
      func.type = module_.funcTypes[module_.numImportedFuncs + i];
      uint32_t size = WASMC_TRY(r.readLength());
      ByteReader entry(r.bytes().subspan(r.position()), r.offset());
      uint32_t localsAt = entry.offset();
      uint32_t groups = WASMC_TRY(entry.readCount());
      for (uint32_t g = 0; g < groups; ++g) {
        LocalDecl decl;
        decl.count = WASMC_TRY(entry.readU32());
        decl.type = WASMC_TRY(readValType(entry));
        func.numLocals += decl.count;
        if (func.numLocals > UINT32_MAX)
          return entry.error(localsAt, "too many locals");
        func.locals.push_back(decl);
      }
      if (entry.position() > size)
        return entry.error("section size mismatch");
      func.body = ByteRange{entry.offset(), static_cast<uint32_t>(size - entry.position())};
      r.skip(size);
      module_.functions.push_back(std::move(func));
      if (decodeBodies_)
        WASMC_TRY(checkBodyStructure(module_, i, firstDataUse_));
    }
    return {};
  }

  Expected<void> readDatas(ByteReader& r) {
    uint32_t count = WASMC_TRY(r.readCount());
    if (module_.dataCount && *module_.dataCount != count)
      return r.error("data count and data section have inconsistent lengths");
    for (uint32_t i = 0; i < count; ++i) {
      DataSegment seg;
      seg.sectionOffset = r.offset();
      uint32_t flags = WASMC_TRY(r.readU32());
      if (flags > 2)
        return r.error(seg.sectionOffset, "malformed data segment kind");
      if (flags == 1) {
        seg.mode = SegmentMode::Passive;
      } else {
        if (flags == 2)
          seg.memory = WASMC_TRY(r.readU32());
        seg.offset = WASMC_TRY(readConstExpr(r));
      }
      uint32_t size = WASMC_TRY(r.readU32());
      seg.bytes = ByteRange{r.offset(), size};
      WASMC_TRY(r.readBytes(size));
      module_.datas.push_back(std::move(seg));
    }
    return {};
  }

  Module module_;
  bool decodeBodies_;
  uint32_t functionCount_ = 0;
  bool sawCode_ = false;
  std::optional<uint32_t> firstDataUse_;
};

} // namespace

Expected<Module> decodeModule(std::span<const uint8_t> bytes) {
  if (bytes.size() > UINT32_MAX)
    return makeError(ErrorKind::Malformed, 0, "module larger than 4 GiB");
  return ModuleDecoder(std::vector<uint8_t>(bytes.begin(), bytes.end()), BodyDecoding::Now).decode();
}

Expected<Module> decodeModule(std::vector<uint8_t>&& bytes, BodyDecoding bodies) {
  if (bytes.size() > UINT32_MAX)
    return makeError(ErrorKind::Malformed, 0, "module larger than 4 GiB");
  return ModuleDecoder(std::move(bytes), bodies).decode();
}

Expected<void> checkBodies(const Module& module) {
  std::optional<uint32_t> firstDataUse;
  for (uint32_t i = 0; i < module.functions.size(); ++i)
    WASMC_TRY(checkBodyStructure(module, i, firstDataUse));
  if (firstDataUse && !module.dataCount && !module.datas.empty())
    return makeError(ErrorKind::Malformed, *firstDataUse, "data count section required");
  return {};
}

} // namespace wasmc::wasm
