#pragma once
// A module with its imports resolved against a Linker once, ready to be
// instantiated in any number of stores (Wasmtime's InstancePre): each
// instantiation does no name lookups and builds no host-function closures.
// Only store-independent definitions can be shared by stores, so every
// import must resolve to a host function definition (Linker::defineHostFunc;
// WASI's functions are such definitions).
#include "compiler/wasm/Error.h"
#include "runtime/CompiledModule.h"
#include "runtime/Function.h"
#include "runtime/Trap.h"

#include <memory>
#include <optional>
#include <vector>

namespace wasmc::rt {

class Instance;
class Linker;
class Store;

class InstancePre {
public:
  InstancePre(InstancePre&&) = default; // imports_ points into externs_'s buffer, which a move keeps
  InstancePre& operator=(InstancePre&&) = default;
  InstancePre(const InstancePre&) = delete;
  InstancePre& operator=(const InstancePre&) = delete;

  /// Resolves and type-checks every import of `module` with `linker`. The
  /// definitions are kept alive by the result, not by the linker. Errors
  /// (Unlinkable, at the import's offset): an unknown import, one of the
  /// wrong type, and one that is an object of some store (a memory, table,
  /// global or a store's function), which other stores cannot use.
  static Expected<InstancePre> create(std::shared_ptr<const CompiledModule> module, const Linker& linker);

  /// Instance::instantiate with the imports resolved here: each becomes
  /// `store`'s Function for its definition (Store::hostFunction).
  Expected<Instance*> instantiate(Store& store, std::optional<Trap>* startTrap = nullptr) const;

  const std::shared_ptr<const CompiledModule>& module() const { return module_; }

private:
  InstancePre() = default;

  std::shared_ptr<const CompiledModule> module_;
  std::vector<std::shared_ptr<const HostFuncDef>> definitions_; // per import
  std::vector<Extern> externs_;                                // per import: hostDef set
  std::vector<const Extern*> imports_;                         // &externs_[i]
};

} // namespace wasmc::rt
