#pragma once
// Resolves imports by (module, name) to externs: host functions and
// objects defined by the embedder, and the exports of registered instances.

#include "runtime/Function.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wasmc::rt {

class Instance;

class Linker {
public:
  void define(const std::string& module, const std::string& name, Extern value);
  /// A host function for every store that links through this linker: its
  /// Extern carries `def` (Extern::hostDef), which the linker keeps alive.
  void defineHostFunc(const std::string& module, const std::string& name, std::shared_ptr<const HostFuncDef> def);
  /// Makes every export of `instance` importable as (module, export name).
  void defineInstance(const std::string& module, const Instance& instance);
  /// The extern for (module, name), or null.
  const Extern* find(const std::string& module, const std::string& name) const;

private:
  std::map<std::pair<std::string, std::string>, Extern> externs_;
  std::vector<std::shared_ptr<const HostFuncDef>> hostDefs_;
};

} // namespace wasmc::rt
