#pragma once
// The spec-script engine on wasmc's JIT: one store per script, the spectest
// module and registered instances in its linker.

#include "compiler/codegen/Codegen.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "tools/wasmc/WastEngine.h"

#include <memory>
#include <vector>

namespace wasmc::rt {
class Instance;
}

namespace wasmc::tools {

class JitWastEngine final : public WastEngine {
public:
  /// `aot`: every module goes through a .cwasm and the artifact loader.
  JitWastEngine(codegen::Options options, bool aot);

  Expected<void> compile(std::span<const uint8_t> bytes) override;
  Expected<InstanceId> instantiate(std::span<const uint8_t> bytes) override;
  Expected<ActionOutcome> invoke(InstanceId instance, const std::string& field,
                                 const std::vector<WastValue>& args) override;
  Expected<WastValue> getGlobal(InstanceId instance, const std::string& field) override;
  Expected<void> registerAs(InstanceId instance, const std::string& moduleName) override;

private:
  codegen::Options options_;
  bool aot_;
  rt::Store store_;
  rt::Linker linker_;
  Expected<void> spectest_;
  std::vector<rt::Instance*> instances_;
};

} // namespace wasmc::tools
