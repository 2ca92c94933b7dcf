#include "runtime/Linker.h"

#include "runtime/Instance.h"
#include "runtime/Signatures.h"

namespace wasmc::rt {

void Linker::define(const std::string& module, const std::string& name, Extern value) {
  externs_[{module, name}] = value;
}

std::shared_ptr<const HostFuncDef> HostFuncDef::make(wasm::FuncType type, Callback callback) {
  uint32_t sigId = canonicalSignature(type);
  return std::make_shared<const HostFuncDef>(std::move(type), sigId, std::move(callback));
}

void Linker::defineHostFunc(const std::string& module, const std::string& name,
                            std::shared_ptr<const HostFuncDef> def) {
  Extern value;
  value.kind = wasm::ExternKind::Func;
  value.hostDef = def.get();
  define(module, name, value);
  hostDefs_.push_back(std::move(def));
}

void Linker::defineInstance(const std::string& module, const Instance& instance) {
  for (const auto& [name, value] : instance.exports())
    define(module, std::string(name), value);
}

const Extern* Linker::find(const std::string& module, const std::string& name) const {
  auto it = externs_.find({module, name});
  return it == externs_.end() ? nullptr : &it->second;
}

} // namespace wasmc::rt
