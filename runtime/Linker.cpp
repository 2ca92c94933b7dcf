#include "runtime/Linker.h"

#include "runtime/Instance.h"

namespace wasmc::rt {

void Linker::define(const std::string& module, const std::string& name, Extern value) {
  externs_[{module, name}] = value;
}

void Linker::defineInstance(const std::string& module, const Instance& instance) {
  for (const auto& [name, value] : instance.exports())
    define(module, name, value);
}

const Extern* Linker::find(const std::string& module, const std::string& name) const {
  auto it = externs_.find({module, name});
  return it == externs_.end() ? nullptr : &it->second;
}

} // namespace wasmc::rt
