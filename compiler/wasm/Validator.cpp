// Module-level validation rules of WebAssembly 2.0; bodies go to TypeChecker.

#include "compiler/wasm/Validator.h"

#include "compiler/wasm/Decoder.h"
#include "compiler/wasm/TypeChecker.h"

#include <unordered_set>

namespace wasmc::wasm {
namespace {

Error invalid(uint64_t offset, std::string message) {
  return makeError(ErrorKind::Invalid, offset, std::move(message));
}

std::string indexed(const char* what, uint32_t index) {
  return std::string(what) + " " + std::to_string(index);
}

class ModuleValidator {
public:
  explicit ModuleValidator(const Module& module) : module_(module), context_{module, {}} {}

  Expected<void> validate() {
    collectDeclaredRefs();
    for (const Import& import : module_.imports)
      WASMC_TRY(checkImport(import));
    for (size_t i = module_.numImportedFuncs; i < module_.funcTypes.size(); ++i)
      if (module_.funcTypes[i] >= module_.types.size())
        return invalid(kNoOffset, indexed("unknown type", module_.funcTypes[i]));
    for (const TableType& table : module_.tables)
      WASMC_TRY(checkLimits(table.limits, UINT32_MAX, kNoOffset, "table size"));
    if (module_.memories.size() > 1)
      return invalid(kNoOffset, "multiple memories");
    for (const MemoryType& memory : module_.memories)
      WASMC_TRY(checkMemoryLimits(memory.limits, kNoOffset));
    for (const Global& global : module_.globals)
      WASMC_TRY(checkConstExpr(global.init, global.type.type));
    WASMC_TRY(checkExports());
    WASMC_TRY(checkStart());
    for (const ElemSegment& seg : module_.elems)
      WASMC_TRY(checkElem(seg));
    for (const DataSegment& seg : module_.datas)
      WASMC_TRY(checkData(seg));
    for (uint32_t i = 0; i < module_.functions.size(); ++i)
      WASMC_TRY(checkFunction(module_.numImportedFuncs + i));
    return {};
  }

private:
  void collectDeclaredRefs() {
    auto addRefs = [&](const ConstExpr& expr) {
      if (expr.kind == ConstExpr::Kind::RefFunc)
        context_.declaredRefs.insert(expr.index);
    };
    for (const Global& global : module_.globals)
      addRefs(global.init);
    for (const ElemSegment& seg : module_.elems)
      for (const ConstExpr& item : seg.items)
        addRefs(item);
    for (const Export& exp : module_.exports)
      if (exp.kind == ExternKind::Func)
        context_.declaredRefs.insert(exp.index);
  }

  Expected<void> checkLimits(const Limits& limits, uint64_t bound, uint64_t offset, const char* what) {
    if (limits.min > bound || (limits.hasMax && limits.max > bound))
      return invalid(offset, std::string(what) + " out of range");
    if (limits.hasMax && limits.min > limits.max)
      return invalid(offset, "size minimum must not be greater than maximum");
    return {};
  }

  Expected<void> checkMemoryLimits(const Limits& limits, uint64_t offset) {
    if (limits.min > kMaxPages || (limits.hasMax && limits.max > kMaxPages))
      return invalid(offset, "memory size must be at most 65536 pages (4GiB)");
    return checkLimits(limits, kMaxPages, offset, "memory size");
  }

  Expected<void> checkImport(const Import& import) {
    switch (import.kind) {
    case ExternKind::Func:
      if (import.funcType >= module_.types.size())
        return invalid(import.offset, indexed("unknown type", import.funcType));
      return {};
    case ExternKind::Table: return checkLimits(import.table.limits, UINT32_MAX, import.offset, "table size");
    case ExternKind::Memory: return checkMemoryLimits(import.memory.limits, import.offset);
    case ExternKind::Global: return {};
    }
    return {};
  }

  /// A constant expression of type `expected`. In 2.0 global.get may only
  /// name an immutable imported global.
  Expected<void> checkConstExpr(const ConstExpr& expr, ValType expected) {
    const uint32_t at = expr.range.offset;
    if (!expr.allConstant)
      return invalid(expr.nonConstOffset, "constant expression required");
    if (expr.numInstrs != 1)
      return invalid(at, "type mismatch");
    ValType actual = ValType::I32;
    switch (expr.kind) {
    case ConstExpr::Kind::I32: actual = ValType::I32; break;
    case ConstExpr::Kind::I64: actual = ValType::I64; break;
    case ConstExpr::Kind::F32: actual = ValType::F32; break;
    case ConstExpr::Kind::F64: actual = ValType::F64; break;
    case ConstExpr::Kind::V128: actual = ValType::V128; break;
    case ConstExpr::Kind::RefNull: actual = expr.refType; break;
    case ConstExpr::Kind::RefFunc:
      if (expr.index >= module_.funcTypes.size())
        return invalid(at, indexed("unknown function", expr.index));
      actual = ValType::FuncRef;
      break;
    case ConstExpr::Kind::GlobalGet:
      if (expr.index >= module_.numImportedGlobals)
        return invalid(at, indexed("unknown global", expr.index));
      if (module_.globalTypes[expr.index].isMutable)
        return invalid(at, "constant expression required");
      actual = module_.globalTypes[expr.index].type;
      break;
    }
    if (actual != expected)
      return invalid(at, "type mismatch");
    return {};
  }

  Expected<void> checkExports() {
    std::unordered_set<std::string_view> names;
    for (const Export& exp : module_.exports) {
      size_t bound = 0;
      const char* what = "";
      switch (exp.kind) {
      case ExternKind::Func: bound = module_.funcTypes.size(), what = "unknown function"; break;
      case ExternKind::Table: bound = module_.tables.size(), what = "unknown table"; break;
      case ExternKind::Memory: bound = module_.memories.size(), what = "unknown memory"; break;
      case ExternKind::Global: bound = module_.globalTypes.size(), what = "unknown global"; break;
      }
      if (exp.index >= bound)
        return invalid(exp.offset, indexed(what, exp.index));
      if (!names.insert(exp.name).second)
        return invalid(exp.offset, "duplicate export name");
    }
    return {};
  }

  Expected<void> checkStart() {
    if (!module_.start)
      return {};
    if (*module_.start >= module_.funcTypes.size())
      return invalid(module_.startOffset, indexed("unknown function", *module_.start));
    const FuncType& type = module_.funcType(*module_.start);
    if (!type.params.empty() || !type.results.empty())
      return invalid(module_.startOffset, "start function");
    return {};
  }

  Expected<void> checkElem(const ElemSegment& seg) {
    if (seg.mode == SegmentMode::Active) {
      if (seg.table >= module_.tables.size())
        return invalid(seg.sectionOffset, indexed("unknown table", seg.table));
      WASMC_TRY(checkConstExpr(seg.offset, ValType::I32));
      if (module_.tables[seg.table].elemType != seg.elemType)
        return invalid(seg.sectionOffset, "type mismatch");
    }
    for (const ConstExpr& item : seg.items)
      WASMC_TRY(checkConstExpr(item, seg.elemType));
    return {};
  }

  Expected<void> checkData(const DataSegment& seg) {
    if (seg.mode != SegmentMode::Active)
      return {};
    if (seg.memory >= module_.memories.size())
      return invalid(seg.sectionOffset, indexed("unknown memory", seg.memory));
    return checkConstExpr(seg.offset, ValType::I32);
  }

  Expected<void> checkFunction(FuncIndex index) {
    const Function& func = module_.definedFunc(index);
    ByteReader reader(module_.slice(func.body), func.body.offset);
    TypeChecker checker(context_, index);
    auto result = decodeBody(reader, checker);
    if (!result) {
      result.error().function = index;
      return std::move(result).error();
    }
    return {};
  }

  const Module& module_;
  ValidationContext context_;
};

} // namespace

Expected<void> validateModule(const Module& module) { return ModuleValidator(module).validate(); }

Expected<Module> loadModule(std::span<const uint8_t> bytes) {
  Module module = WASMC_TRY(decodeModule(bytes));
  WASMC_TRY(validateModule(module));
  return module;
}

Expected<Module> loadModule(std::vector<uint8_t>&& bytes) {
  Module module = WASMC_TRY(decodeModule(std::move(bytes)));
  WASMC_TRY(validateModule(module));
  return module;
}

} // namespace wasmc::wasm
