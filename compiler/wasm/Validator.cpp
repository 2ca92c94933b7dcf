// Module-level validation rules of WebAssembly 2.0 and the 3.0 features
// implemented; bodies go to TypeChecker.

#include "compiler/wasm/Validator.h"

#include "compiler/wasm/Decoder.h"
#include "compiler/wasm/TypeChecker.h"

#include <algorithm>
#include <thread>
#include <unordered_set>
#include <vector>

namespace wasmc::wasm {
namespace {

Error invalid(uint64_t offset, std::string message) {
  return makeError(ErrorKind::Invalid, offset, std::move(message));
}

/// Bodies validate at about 55 MB/s on one thread; a thread more pays for
/// itself from a megabyte or so (clang.wasm has 65 MB of bodies).
constexpr uint64_t kBytesPerValidationThread = 1 << 20;
constexpr unsigned kMaxValidationThreads = 8;

std::string indexed(const char* what, uint32_t index) {
  return std::string(what) + " " + std::to_string(index);
}

class ModuleValidator {
public:
  /// `decodesBodies`: the decoder left the bodies undecoded (BodyDecoding::
  /// ByValidator), so checking a body also checks it ends where its size
  /// says.
  ModuleValidator(const Module& module, bool decodesBodies, const Features& features)
      : module_(module), context_{module, {}, features}, decodesBodies_(decodesBodies), features_(features) {}

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
    for (size_t i = 0; i < module_.globals.size(); ++i) {
      // 2.0: imported globals only; with gc, also those defined before this one.
      auto visible = static_cast<uint32_t>(module_.numImportedGlobals + (features_.gc ? i : 0));
      WASMC_TRY(checkConstExpr(module_.globals[i].init, module_.globals[i].type.type, visible));
    }
    WASMC_TRY(checkExports());
    WASMC_TRY(checkStart());
    for (const ElemSegment& seg : module_.elems)
      WASMC_TRY(checkElem(seg));
    for (const DataSegment& seg : module_.datas)
      WASMC_TRY(checkData(seg));
    return checkFunctions();
  }

private:
  void collectDeclaredRefs() {
    auto addRefs = [&](const ConstExpr& expr) {
      if (expr.kind == ConstExpr::Kind::RefFunc)
        context_.declaredRefs.insert(expr.index);
      for (const ConstExpr& instr : expr.rest)
        if (instr.kind == ConstExpr::Kind::RefFunc)
          context_.declaredRefs.insert(instr.index);
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

  /// A constant expression of type `expected`, whose global.get may name
  /// the first `visibleGlobals` globals (2.0: the imported ones only; with
  /// gc, those defined before, or all of them in a segment).
  Expected<void> checkConstExpr(const ConstExpr& expr, ValType expected, uint32_t visibleGlobals) {
    const uint32_t at = expr.range.offset;
    if (!expr.allConstant)
      return invalid(expr.nonConstOffset, "constant expression required");
    std::vector<ValType> stack;
    auto pop = [&](ValType type) {
      if (stack.empty() || stack.back() != type)
        return false;
      stack.pop_back();
      return true;
    };
    auto step = [&](const ConstExpr& instr) -> Expected<void> {
      using K = ConstExpr::Kind;
      switch (instr.kind) {
      case K::I32: stack.push_back(ValType::I32); break;
      case K::I64: stack.push_back(ValType::I64); break;
      case K::F32: stack.push_back(ValType::F32); break;
      case K::F64: stack.push_back(ValType::F64); break;
      case K::V128: stack.push_back(ValType::V128); break;
      case K::RefNull: stack.push_back(instr.refType); break;
      case K::RefFunc:
        if (instr.index >= module_.funcTypes.size())
          return invalid(at, indexed("unknown function", instr.index));
        stack.push_back(ValType::FuncRef);
        break;
      case K::GlobalGet: {
        if (instr.index >= visibleGlobals) {
          bool gcWouldAllow = !features_.gc && instr.index < module_.globalTypes.size();
          return invalid(at, indexed("unknown global", instr.index) +
                                 (gcWouldAllow ? " (global.get of a global the module defines needs --wasm gc=y)" : ""));
        }
        if (module_.globalTypes[instr.index].isMutable)
          return invalid(at, "constant expression required");
        stack.push_back(module_.globalTypes[instr.index].type);
        break;
      }
      case K::I32Add:
      case K::I32Sub:
      case K::I32Mul:
      case K::I64Add:
      case K::I64Sub:
      case K::I64Mul: {
        if (!features_.extendedConst)
          return invalid(instr.instrOffset, "constant expression required (arithmetic in one needs "
                                            "--wasm extended-const=y)");
        bool is32 = instr.kind == K::I32Add || instr.kind == K::I32Sub || instr.kind == K::I32Mul;
        ValType type = is32 ? ValType::I32 : ValType::I64;
        if (!pop(type) || !pop(type))
          return invalid(at, "type mismatch");
        stack.push_back(type);
        break;
      }
      }
      return {};
    };
    if (expr.numInstrs > 0)
      WASMC_TRY(step(expr));
    for (const ConstExpr& instr : expr.rest)
      WASMC_TRY(step(instr));
    if (stack.size() != 1 || stack.back() != expected)
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

  /// Globals a segment's constant expressions may read.
  uint32_t segmentGlobals() const {
    return features_.gc ? static_cast<uint32_t>(module_.globalTypes.size()) : module_.numImportedGlobals;
  }

  Expected<void> checkElem(const ElemSegment& seg) {
    if (seg.mode == SegmentMode::Active) {
      if (seg.table >= module_.tables.size())
        return invalid(seg.sectionOffset, indexed("unknown table", seg.table));
      WASMC_TRY(checkConstExpr(seg.offset, ValType::I32, segmentGlobals()));
      if (module_.tables[seg.table].elemType != seg.elemType)
        return invalid(seg.sectionOffset, "type mismatch");
    }
    for (const ConstExpr& item : seg.items)
      WASMC_TRY(checkConstExpr(item, seg.elemType, segmentGlobals()));
    return {};
  }

  Expected<void> checkData(const DataSegment& seg) {
    if (seg.mode != SegmentMode::Active)
      return {};
    if (seg.memory >= module_.memories.size())
      return invalid(seg.sectionOffset, indexed("unknown memory", seg.memory));
    return checkConstExpr(seg.offset, ValType::I32, segmentGlobals());
  }

  /// Every function body, in parallel for a big module: the bodies are
  /// independent once the module-level rules hold, and the context is
  /// read-only. The error is the one of the first invalid function, as
  /// one thread would find it.
  Expected<void> checkFunctions() {
    const auto count = static_cast<uint32_t>(module_.functions.size());
    uint64_t codeBytes = 0;
    for (const Function& func : module_.functions)
      codeBytes += func.body.size;
    const unsigned threads = static_cast<unsigned>(std::clamp<uint64_t>(
        std::min<uint64_t>(std::max(1u, std::thread::hardware_concurrency()), kMaxValidationThreads), 1,
        codeBytes / kBytesPerValidationThread));
    if (threads <= 1)
      return checkRange(0, count);
    // Contiguous ranges of about equal body bytes.
    std::vector<uint32_t> bounds{0};
    uint64_t done = 0;
    for (uint32_t i = 0; i < count && bounds.size() < threads; ++i) {
      done += module_.functions[i].body.size;
      if (done * threads >= codeBytes * bounds.size())
        bounds.push_back(i + 1);
    }
    bounds.push_back(count);
    std::vector<Expected<void>> results(bounds.size() - 1);
    {
      std::vector<std::jthread> helpers;
      for (size_t part = 1; part + 1 < bounds.size(); ++part)
        helpers.emplace_back([&, part] { results[part] = checkRange(bounds[part], bounds[part + 1]); });
      results[0] = checkRange(bounds[0], bounds[1]);
    }
    for (Expected<void>& result : results)
      if (!result)
        return std::move(result).error();
    return {};
  }

  /// Defined functions [begin, end), stopping at the first invalid one.
  Expected<void> checkRange(uint32_t begin, uint32_t end) const {
    for (uint32_t i = begin; i < end; ++i)
      WASMC_TRY(checkFunction(module_.numImportedFuncs + i));
    return {};
  }

  Expected<void> checkFunction(FuncIndex index) const {
    const Function& func = module_.definedFunc(index);
    ByteReader reader(module_.slice(func.body), func.body.offset);
    TypeChecker checker(context_, index);
    auto result = decodeBody(reader, checker);
    if (!result) {
      result.error().function = index;
      return std::move(result).error();
    }
    if (decodesBodies_ && !reader.atEnd())
      return reader.error("section size mismatch");
    return {};
  }

  const Module& module_;
  ValidationContext context_;
  bool decodesBodies_;
  Features features_;
};

} // namespace

Expected<void> validateModule(const Module& module, const Features& features) {
  return ModuleValidator(module, false, features).validate();
}

Expected<Module> loadModule(std::span<const uint8_t> bytes, const Features& features) {
  return loadModule(std::vector<uint8_t>(bytes.begin(), bytes.end()), features);
}

Expected<Module> loadModule(std::vector<uint8_t>&& bytes, const Features& features) {
  // One pass over each body: the validator decodes it as it types it.
  Module module = WASMC_TRY(decodeModule(std::move(bytes), BodyDecoding::ByValidator));
  Expected<void> valid = ModuleValidator(module, true, features).validate();
  if (valid)
    return module;
  // The module is rejected; report the error decoding first, then
  // validating, finds (a malformed body before an invalid one, the data
  // count section before an unknown data segment), exactly as before.
  WASMC_TRY(checkBodies(module));
  WASMC_TRY(validateModule(module, features));
  return std::move(valid).error(); // not reached: both passes agree
}

} // namespace wasmc::wasm
