#pragma once
// Resolves imports by (module, name) to externs: host functions and
// objects defined by the embedder, and the exports of registered instances.

#include "runtime/Function.h"

#include <map>
#include <string>

namespace wasmc::rt {

class Instance;

class Linker {
public:
  void define(const std::string& module, const std::string& name, Extern value);
  /// Makes every export of `instance` importable as (module, export name).
  void defineInstance(const std::string& module, const Instance& instance);
  /// The extern for (module, name), or null.
  const Extern* find(const std::string& module, const std::string& name) const;

private:
  std::map<std::pair<std::string, std::string>, Extern> externs_;
};

} // namespace wasmc::rt
