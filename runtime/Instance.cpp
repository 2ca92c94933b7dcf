#include "runtime/Instance.h"

#include "runtime/Builtins.h"
#include "runtime/Invoke.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"

#include <cstring>

namespace wasmc::rt {

namespace {

Error unlinkable(const wasm::Import& import, const char* what) {
  return makeError(ErrorKind::Unlinkable, import.offset,
                   std::string(what) + ": " + import.module + "." + import.name);
}

/// Import matching of limits: the provided object must be at least as large
/// and, if the import declares a maximum, have one no larger.
bool limitsMatch(uint64_t actualMin, bool actualHasMax, uint64_t actualMax, const wasm::Limits& wanted) {
  if (actualMin < wanted.min)
    return false;
  if (!wanted.hasMax)
    return true;
  return actualHasMax && actualMax <= wanted.max;
}

} // namespace

Instance::Instance(Store& store, std::shared_ptr<const CompiledModule> module)
    : store_(store), compiled_(std::move(module)) {}

const std::vector<std::pair<std::string_view, Extern>>& Instance::exports() const {
  if (!exportsBuilt_)
    buildExports();
  return exports_;
}

const Extern* Instance::findExport(std::string_view name) const {
  for (const auto& [exportName, value] : exports())
    if (exportName == name)
      return &value;
  return nullptr;
}

Function* Instance::function(uint32_t index) {
  Function*& slot = functions_[index];
  if (!slot) {
    const size_t defined = index - (functions_.size() - module().functions.size());
    Function* func = store_.createFunction();
    func->type = module().types[module().functions[defined].type];
    func->instance = this;
    func->ref = &ownRefs_[defined];
    func->ref->function = func;
    slot = func;
  }
  return slot;
}

Function* Function::fromRef(const void* funcRef) {
  if (!funcRef)
    return nullptr;
  auto* ref = static_cast<abi::FuncRef*>(const_cast<void*>(funcRef));
  if (ref->function)
    return static_cast<Function*>(ref->function);
  // A wasm function whose instance has made no Function for it yet.
  Instance* instance = Instance::fromVmctx(static_cast<abi::VMContext*>(ref->vmctx));
  return instance->function(instance->functionIndexOf(ref));
}

std::span<const uint8_t> Instance::dataSegment(uint32_t index) const {
  if (dataDropped_[index])
    return {};
  return module().slice(module().datas[index].bytes);
}

Expected<void> Instance::resolveImports(std::span<const Extern* const> provided) {
  const wasm::Module& m = module();
  const CodeTables& code = compiled_->code();
  for (size_t i = 0; i < m.imports.size(); ++i) {
    const wasm::Import& import = m.imports[i];
    const Extern* found = provided[i];
    if (!found)
      return unlinkable(import, "unknown import");
    if (found->kind != import.kind)
      return unlinkable(import, "incompatible import type");
    switch (import.kind) {
    case wasm::ExternKind::Func: {
      // Canonical signature ids are equal exactly when the types are.
      Function* func = found->hostDef ? store_.hostFunction(*found->hostDef) : found->func;
      if (func->ref->sigId != compiled_->signatureIds()[import.funcType])
        return unlinkable(import, "incompatible import type");
      if (func->isHost() && !func->ref->code)
        func->ref->code = code.hostAdapters[import.funcType];
      functions_.push_back(func);
      break;
    }
    case wasm::ExternKind::Table: {
      Table* table = found->table;
      if (table->type().elemType != import.table.elemType ||
          !limitsMatch(table->size(), table->type().limits.hasMax, table->type().limits.max, import.table.limits))
        return unlinkable(import, "incompatible import type");
      tables_.push_back(table);
      break;
    }
    case wasm::ExternKind::Memory: {
      MemoryInstance* memory = found->memory;
      if (!limitsMatch(memory->memory->pages(), memory->declared.hasMax, memory->declared.max,
                       import.memory.limits))
        return unlinkable(import, "incompatible import type");
      memory_ = memory;
      break;
    }
    case wasm::ExternKind::Global: {
      Global* global = found->global;
      if (!(global->type == import.global))
        return unlinkable(import, "incompatible import type");
      globals_.push_back(global);
      break;
    }
    }
  }
  return {};
}

void Instance::evaluateOne(const wasm::ConstExpr& expr, abi::Slot& out) const {
  out = abi::Slot{};
  switch (expr.kind) {
  case wasm::ConstExpr::Kind::RefNull: break;
  case wasm::ConstExpr::Kind::RefFunc: {
    const void* ref = funcRefs_[expr.index];
    std::memcpy(out.bytes, &ref, sizeof ref);
    break;
  }
  case wasm::ConstExpr::Kind::GlobalGet: std::memcpy(out.bytes, globals_[expr.index]->cell.bytes, 16); break;
  default: std::memcpy(out.bytes, expr.bits.data(), 16); break;
  }
}

void Instance::evaluate(const wasm::ConstExpr& expr, abi::Slot& out) const {
  if (expr.rest.empty())
    return evaluateOne(expr, out);
  // An extended constant (validated: it leaves one value): a stack machine
  // over constants, global.get and wrapping i32/i64 add, sub and mul.
  std::vector<abi::Slot> stack(1);
  evaluateOne(expr, stack.back());
  for (const wasm::ConstExpr& instr : expr.rest) {
    using K = wasm::ConstExpr::Kind;
    const K kind = instr.kind;
    if (kind < K::I32Add) {
      evaluateOne(instr, stack.emplace_back());
      continue;
    }
    abi::Slot right = stack.back();
    stack.pop_back();
    abi::Slot& left = stack.back();
    auto apply = [&]<class T>(T) {
      T a, b;
      std::memcpy(&a, left.bytes, sizeof a);
      std::memcpy(&b, right.bytes, sizeof b);
      T result = kind == K::I32Add || kind == K::I64Add   ? T(a + b)
                 : kind == K::I32Sub || kind == K::I64Sub ? T(a - b)
                                                          : T(a * b);
      left = abi::Slot{};
      std::memcpy(left.bytes, &result, sizeof result);
    };
    if (kind == K::I32Add || kind == K::I32Sub || kind == K::I32Mul)
      apply(uint32_t{});
    else
      apply(uint64_t{});
  }
  out = stack.back();
}

Expected<void> Instance::createDefinitions() {
  const wasm::Module& m = module();
  const CodeTables& code = compiled_->code();
  const std::vector<uint32_t>& sigIds = compiled_->signatureIds();

  // A FuncRef per defined function, in one block; their Function objects
  // only when something needs one (Instance::function): a module of
  // thousands of functions that exports a few makes a few.
  const size_t imported = functions_.size();
  const size_t defined = m.functions.size();
  ownRefs_ = std::make_unique_for_overwrite<abi::FuncRef[]>(defined);
  funcRefs_.reserve(imported + defined);
  for (Function* func : functions_)
    funcRefs_.push_back(func->ref);
  for (uint32_t i = 0; i < defined; ++i) {
    wasm::TypeIndex type = m.functions[i].type;
    ownRefs_[i] = abi::FuncRef{code.functions[i], &vmctx_, sigIds[type], 0,
                               reinterpret_cast<void*>(code.entries[type]), nullptr};
    funcRefs_.push_back(&ownRefs_[i]);
  }
  functions_.resize(imported + defined, nullptr);

  for (size_t i = m.numImportedTables; i < m.tables.size(); ++i)
    tables_.push_back(WASMC_TRY(store_.createTable(m.tables[i])));
  for (Table* table : tables_)
    tableRecords_.push_back(table->record());

  if (m.memories.size() > m.numImportedMemories)
    memory_ = WASMC_TRY(store_.createMemory(m.memories[m.numImportedMemories], compiled_->memoryPool()));

  for (const wasm::Global& global : m.globals) {
    Value initial;
    initial.type = global.type.type;
    evaluate(global.init, initial.slot);
    globals_.push_back(store_.createGlobal(global.type, initial));
  }
  for (Global* global : globals_)
    globalCells_.push_back(&global->cell);

  vmctx_.memoryBase = memory_ ? memory_->memory->base() : nullptr;
  vmctx_.memory = memory_ ? memory_->memory->record() : nullptr;
  store_.addContext(&vmctx_);
  vmctx_.builtins = &builtinTable();
  vmctx_.tables = tableRecords_.data();
  vmctx_.globals = globalCells_.data();
  vmctx_.funcs = funcRefs_.data();
  vmctx_.sigIds = sigIds.data();
  vmctx_.instance = this;
  vmctx_.fuel = &store_.record()->fuel;
  return {};
}

void Instance::buildExports() const {
  exportsBuilt_ = true;
  exports_.reserve(module().exports.size());
  for (const wasm::Export& exp : module().exports) {
    Extern value;
    value.kind = exp.kind;
    switch (exp.kind) {
    case wasm::ExternKind::Func: value.func = const_cast<Instance*>(this)->function(exp.index); break;
    case wasm::ExternKind::Table: value.table = tables_[exp.index]; break;
    case wasm::ExternKind::Memory: value.memory = memory_; break;
    case wasm::ExternKind::Global: value.global = globals_[exp.index]; break;
    }
    exports_.emplace_back(exp.name, value);
  }
}

Expected<void> Instance::initializeSegments() {
  const wasm::Module& m = module();
  elemSegments_.resize(m.elems.size());
  for (uint32_t i = 0; i < m.elems.size(); ++i) {
    const wasm::ElemSegment& seg = m.elems[i];
    std::vector<void*>& refs = elemSegments_[i];
    refs.reserve(seg.items.size());
    for (const wasm::ConstExpr& item : seg.items) {
      abi::Slot slot;
      evaluate(item, slot);
      void* ref;
      std::memcpy(&ref, slot.bytes, sizeof ref);
      refs.push_back(ref);
    }
  }
  dataDropped_.assign(m.datas.size(), false);

  // Active segments are table.init / memory.init followed by a drop, in
  // module order; a trap stops instantiation with earlier writes kept.
  auto trapError = [](abi::TrapCode code) {
    return makeError(ErrorKind::Uninstantiable, kNoOffset, trapMessage(code));
  };
  for (uint32_t i = 0; i < m.elems.size(); ++i) {
    const wasm::ElemSegment& seg = m.elems[i];
    if (seg.mode == wasm::SegmentMode::Active) {
      abi::Slot offset;
      evaluate(seg.offset, offset);
      uint32_t dst;
      std::memcpy(&dst, offset.bytes, 4);
      uint32_t count = static_cast<uint32_t>(elemSegments_[i].size());
      if (auto code = builtinTableInit(this, seg.table, i, dst, 0, count); code != abi::TrapCode::None)
        return trapError(code);
    }
    if (seg.mode != wasm::SegmentMode::Passive)
      dropElemSegment(i);
  }
  // Every active data segment at once from the module's image, when it
  // has one: it holds exactly what the loop below would write, and none of
  // them can trap (MemoryImage::of checked that they fit the minimum size).
  if (std::shared_ptr<const MemoryImage> image = memory_ ? compiled_->memoryImageForInstance() : nullptr;
      image && memory_->memory->mapImage(std::move(image))) {
    for (uint32_t i = 0; i < m.datas.size(); ++i)
      if (m.datas[i].mode == wasm::SegmentMode::Active)
        dropDataSegment(i);
    return {};
  }
  for (uint32_t i = 0; i < m.datas.size(); ++i) {
    const wasm::DataSegment& seg = m.datas[i];
    if (seg.mode != wasm::SegmentMode::Active)
      continue;
    abi::Slot offset;
    evaluate(seg.offset, offset);
    uint32_t dst;
    std::memcpy(&dst, offset.bytes, 4);
    if (auto code = builtinMemoryInit(this, i, dst, 0, seg.bytes.size); code != abi::TrapCode::None)
      return trapError(code);
    dropDataSegment(i);
  }
  return {};
}

Expected<void> Instance::runStart() {
  if (!module().start)
    return {};
  CallResult result = callFunction(store_, *function(*module().start), {});
  if (result.trap) {
    startTrap_ = std::move(result.trap);
    return makeError(ErrorKind::Uninstantiable, kNoOffset, startTrap_->message());
  }
  return {};
}

Expected<Instance*> Instance::instantiate(Store& store, std::shared_ptr<const CompiledModule> module,
                                          const Linker& linker, std::optional<Trap>* startTrap) {
  std::vector<const Extern*> provided;
  provided.reserve(module->module().imports.size());
  for (const wasm::Import& import : module->module().imports)
    provided.push_back(linker.find(import.module, import.name));
  return instantiate(store, std::move(module), provided, startTrap);
}

Expected<Instance*> Instance::instantiate(Store& store, std::shared_ptr<const CompiledModule> module,
                                          std::span<const Extern* const> imports, std::optional<Trap>* startTrap) {
  if (imports.size() != module->module().imports.size())
    return makeError(ErrorKind::Unlinkable, kNoOffset,
                     "the module has " + std::to_string(module->module().imports.size()) + " imports, " +
                         std::to_string(imports.size()) + " were provided");
  WASMC_TRY(store.checkInstanceLimit());
  auto owned = std::make_unique<Instance>(store, std::move(module));
  WASMC_TRY(owned->resolveImports(imports));
  // From here on the instance belongs to the store even if a later step
  // fails: its functions may already sit in tables shared with others.
  Instance* instance = store.adoptInstance(std::move(owned));
  store.addHostAdapters(*instance->compiled_);
  WASMC_TRY(instance->createDefinitions());
  WASMC_TRY(instance->initializeSegments());
  if (Expected<void> started = instance->runStart(); !started) {
    if (startTrap)
      *startTrap = instance->startTrap_;
    return std::move(started).error();
  }
  return instance;
}

} // namespace wasmc::rt
