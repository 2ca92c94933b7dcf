#pragma once
// The decoded module as plain data. Function bodies stay byte ranges into
// Module::bytes until a consumer (validator, lowering) walks them with
// BodyDecoder. No LLVM and no runtime types in here.

#include "compiler/wasm/Types.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wasmc::wasm {

/// A half-open range of Module::bytes.
struct ByteRange {
  uint32_t offset = 0;
  uint32_t size = 0;
};

/// A constant expression. In 2.0 a valid one is exactly one constant
/// instruction, held in the fields below; with extended constants (3.0)
/// the instructions after the first are in `rest`, each in the same fields
/// (the arithmetic kinds use none of them). `range` keeps the raw bytes
/// (for diagnostics), the decoded form is what instantiation evaluates.
struct ConstExpr {
  enum class Kind : uint8_t {
    I32, I64, F32, F64, V128, RefNull, RefFunc, GlobalGet,
    I32Add, I32Sub, I32Mul, I64Add, I64Sub, I64Mul, // extended constants
  };
  Kind kind = Kind::I32;
  ValType refType = ValType::FuncRef;  // RefNull
  uint32_t index = 0;                  // RefFunc (function) or GlobalGet (global)
  std::array<uint8_t, 16> bits{};      // little-endian value bits for the numeric kinds
  ByteRange range;
  // What the validator needs to judge the expression: how many instructions
  // preceded the final `end`, and the first one that is not constant.
  uint32_t numInstrs = 0;
  uint32_t nonConstOffset = 0;
  bool allConstant = true;
  uint32_t instrOffset = 0;    // where this instruction is, for messages
  std::vector<ConstExpr> rest; // instructions 2.. of an extended constant

  /// One constant instruction, as 2.0 allows (what a memory image can use).
  bool isSingle() const { return numInstrs == 1 && rest.empty(); }

  uint32_t i32() const;
  uint64_t i64() const;
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  TypeIndex funcType = 0; // Func
  TableType table;        // Table
  MemoryType memory;      // Memory
  GlobalType global;      // Global
  uint32_t offset = 0;    // byte offset of the import entry, for diagnostics
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
  uint32_t offset = 0; // byte offset of the export entry, for diagnostics
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  TableIndex table = 0;
  ConstExpr offset;                // Active only
  ValType elemType = ValType::FuncRef;
  std::vector<ConstExpr> items;    // each ref.func x or ref.null t (or global.get)
  uint32_t sectionOffset = 0;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active; // never Declarative
  MemoryIndex memory = 0;
  ConstExpr offset;                // Active only
  ByteRange bytes;
  uint32_t sectionOffset = 0;
};

struct LocalDecl {
  uint32_t count = 0;
  ValType type = ValType::I32;
};

/// A function defined in the module (imports have no body).
struct Function {
  TypeIndex type = 0;
  std::vector<LocalDecl> locals;  // run-length as encoded
  uint64_t numLocals = 0;         // sum of locals[].count (params not included)
  ByteRange body;                 // the instruction bytes, after the local declarations
  uint32_t entryOffset = 0;       // offset of the code entry's size field
};

struct CustomSection {
  std::string name;
  ByteRange contents;
};

/// The "name" custom section, kept for backtraces. Parsed leniently: a broken
/// name section is ignored as the spec allows.
struct Names {
  std::string module;
  std::map<FuncIndex, std::string> functions;
  std::map<FuncIndex, std::map<LocalIndex, std::string>> locals;
};

struct Module {
  std::vector<uint8_t> bytes; // the whole binary; ByteRanges point into it

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<TypeIndex> funcTypes;  // every function's type index, imports first
  std::vector<TableType> tables;     // imports first
  std::vector<MemoryType> memories;  // imports first
  std::vector<GlobalType> globalTypes; // imports first
  std::vector<Global> globals;       // defined globals only
  std::vector<Export> exports;
  std::optional<FuncIndex> start;
  uint32_t startOffset = 0;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> dataCount;
  std::vector<Function> functions;   // defined functions only
  std::vector<CustomSection> customs;
  Names names;

  uint32_t numImportedFuncs = 0;
  uint32_t numImportedTables = 0;
  uint32_t numImportedMemories = 0;
  uint32_t numImportedGlobals = 0;

  std::span<const uint8_t> slice(ByteRange range) const {
    return std::span<const uint8_t>(bytes).subspan(range.offset, range.size);
  }
  const FuncType& funcType(FuncIndex index) const { return types[funcTypes[index]]; }
  bool isImportedFunc(FuncIndex index) const { return index < numImportedFuncs; }
  /// The defined function for a function index (index >= numImportedFuncs).
  const Function& definedFunc(FuncIndex index) const { return functions[index - numImportedFuncs]; }
  /// Name from the name section, or "" when it has none.
  std::string funcName(FuncIndex index) const;
  /// Module byte offset where defined function `index`'s code entry starts
  /// after its size: its local declarations. Offsets within a function
  /// (wasm_frame_func_offset) count from here, as Wasmtime's and V8's do.
  uint32_t localsOffset(FuncIndex index) const;
};

} // namespace wasmc::wasm
