#include "runtime/CompiledModule.h"

#include "runtime/Signatures.h"

namespace wasmc::rt {

CompiledModule::CompiledModule(wasm::Module module, CodeTables code, std::shared_ptr<void> owner,
                               std::vector<FunctionRange> ranges)
    : module_(std::move(module)), code_(code), owner_(std::move(owner)) {
  if (!ranges.empty())
    registration_ = registerCode(std::move(ranges));
  sigIds_.reserve(module_.types.size());
  for (const wasm::FuncType& type : module_.types)
    sigIds_.push_back(canonicalSignature(type));
}

CompiledModule::~CompiledModule() {
  // The trap handler must stop claiming this code before it is unmapped.
  if (registration_)
    unregisterCode(registration_);
  owner_.reset();
}

} // namespace wasmc::rt
