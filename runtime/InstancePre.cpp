#include "runtime/InstancePre.h"

#include "runtime/Instance.h"
#include "runtime/Linker.h"

namespace wasmc::rt {

Expected<InstancePre> InstancePre::create(std::shared_ptr<const CompiledModule> module, const Linker& linker) {
  InstancePre pre;
  const wasm::Module& m = module->module();
  pre.definitions_.reserve(m.imports.size());
  pre.externs_.reserve(m.imports.size());
  for (const wasm::Import& import : m.imports) {
    auto fail = [&](const std::string& why) {
      return makeError(ErrorKind::Unlinkable, import.offset, why + ": " + import.module + "." + import.name);
    };
    const Extern* found = linker.find(import.module, import.name);
    if (!found)
      return fail("unknown import");
    if (found->kind != import.kind)
      return fail("incompatible import type");
    if (!found->hostDef)
      return fail("cannot pre-link an object of one store (only host function definitions are shared by stores)");
    if (found->hostDef->sigId != module->signatureIds()[import.funcType])
      return fail("incompatible import type");
    pre.definitions_.push_back(found->hostDef->shared_from_this());
    pre.externs_.push_back(*found);
  }
  for (const Extern& value : pre.externs_)
    pre.imports_.push_back(&value);
  pre.module_ = std::move(module);
  return pre;
}

Expected<Instance*> InstancePre::instantiate(Store& store, std::optional<Trap>* startTrap) const {
  return Instance::instantiate(store, module_, imports_, startTrap);
}

} // namespace wasmc::rt
