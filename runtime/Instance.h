#pragma once
// An instance of a compiled module: its VMContext and the objects behind it,
// created by instantiate() in the spec's order (imports, globals, element and
// data segments, start function).

#include "compiler/wasm/Error.h"
#include "runtime/CompiledModule.h"
#include "runtime/Function.h"
#include "runtime/Trap.h"

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wasmc::rt {

class Linker;
class Store;

class Instance {
public:
  /// Resolves imports with `linker`, builds the instance inside `store` and
  /// runs the start function. Errors: Unlinkable ("unknown import",
  /// "incompatible import type"), Uninstantiable (a segment out of bounds, a
  /// trap in the start function: the message is the trap's). As in the spec,
  /// an instance whose segments or start function trapped still exists in
  /// the store, with the effects that happened before the trap.
  static Expected<Instance*> instantiate(Store& store, std::shared_ptr<const CompiledModule> module,
                                         const Linker& linker, std::optional<Trap>* startTrap = nullptr);
  /// The same with the imports given in the module's import order (the
  /// wasm.h C API's way); a null entry is an unknown import. When the start
  /// function traps, its trap goes to `startTrap` too.
  static Expected<Instance*> instantiate(Store& store, std::shared_ptr<const CompiledModule> module,
                                         std::span<const Extern* const> imports,
                                         std::optional<Trap>* startTrap = nullptr);

  /// The trap of a failed start function (after instantiate returned
  /// Uninstantiable), for backtraces.
  const std::optional<Trap>& startTrap() const { return startTrap_; }

  const wasm::Module& module() const { return compiled_->module(); }
  const std::shared_ptr<const CompiledModule>& compiledModule() const { return compiled_; }
  /// The exports in module order, names viewing the module's. Made on first
  /// use (a module exporting hundreds of functions makes their Function
  /// objects only when someone asks), hence the mutable cache behind a
  /// const accessor.
  const std::vector<std::pair<std::string_view, Extern>>& exports() const;
  const Extern* findExport(std::string_view name) const;
  MemoryInstance* memory() const { return memory_; }
  Store& store() const { return store_; }
  abi::VMContext* vmctx() { return &vmctx_; }

  static Instance* fromVmctx(abi::VMContext* vmctx) { return static_cast<Instance*>(vmctx->instance); }
  /// Function `index` (imports first): made on first use for a defined one.
  Function* function(uint32_t index);
  /// The index of the defined function whose FuncRef is `ref` (one of ours).
  uint32_t functionIndexOf(const abi::FuncRef* ref) const {
    return static_cast<uint32_t>(functions_.size() - module().functions.size() + (ref - ownRefs_.get()));
  }

  // --- used by the builtins ---------------------------------------------
  Table* table(uint32_t index) const { return tables_[index]; }
  /// Element segment contents (references), empty once dropped.
  std::vector<void*>& elemSegment(uint32_t index) { return elemSegments_[index]; }
  /// Data segment bytes, empty once dropped.
  std::span<const uint8_t> dataSegment(uint32_t index) const;
  void dropElemSegment(uint32_t index) { elemSegments_[index].clear(); }
  void dropDataSegment(uint32_t index) { dataDropped_[index] = true; }

  Instance(Store& store, std::shared_ptr<const CompiledModule> module);

private:
  Expected<void> resolveImports(std::span<const Extern* const> provided);
  Expected<void> createDefinitions();
  void buildExports() const;
  void evaluate(const wasm::ConstExpr& expr, abi::Slot& out) const;
  /// One instruction of a constant expression (not the arithmetic ones).
  void evaluateOne(const wasm::ConstExpr& expr, abi::Slot& out) const;
  Expected<void> initializeSegments();
  Expected<void> runStart();

  Store& store_;
  std::shared_ptr<const CompiledModule> compiled_;
  abi::VMContext vmctx_{};

  std::unique_ptr<abi::FuncRef[]> ownRefs_;   // defined functions
  std::vector<const abi::FuncRef*> funcRefs_; // VMContext::funcs
  std::vector<Function*> functions_;          // null: a defined function not made yet
  std::vector<Table*> tables_;
  std::vector<abi::TableRecord*> tableRecords_; // VMContext::tables
  std::vector<Global*> globals_;
  std::vector<abi::GlobalCell*> globalCells_;   // VMContext::globals
  MemoryInstance* memory_ = nullptr;
  std::vector<std::vector<void*>> elemSegments_;
  std::vector<bool> dataDropped_;
  mutable std::vector<std::pair<std::string_view, Extern>> exports_;
  mutable bool exportsBuilt_ = false;
  std::optional<Trap> startTrap_;
};

} // namespace wasmc::rt
