#pragma once
// The spec-script engine on wasmc's JIT: one store per script, the spectest
// module and registered instances in its linker.

#include "compiler/codegen/Codegen.h"
#include "runtime/CompiledModule.h"
#include "runtime/Function.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "engine/BaselineModule.h"
#include "engine/TierUp.h"
#include "tools/wasmc/WastEngine.h"

#include <memory>
#include <optional>
#include <vector>

namespace wasmc::rt {
class Instance;
}

namespace wasmc::tools {

class JitWastEngine final : public WastEngine {
public:
  /// `aot`: every module goes through a .cwasm and the artifact loader;
  /// `baseline`: the baseline tier where it covers a function, the lazy JIT
  /// elsewhere, with that tier-up (BaselineModule.h).
  /// `when`: the baseline compiler's functions on their first calls, or
  /// every one at the module's compile.
  JitWastEngine(codegen::Options options, bool aot, std::optional<engine::TierUpOptions> baseline = {},
                engine::BaselineCompile when = engine::BaselineCompile::OnFirstCall);
  /// With the baseline tier: what it compiled so far, summed over every
  /// module.
  struct BaselineTotals {
    uint64_t functions = 0, compiled = 0, refused = 0, bodyBytes = 0, codeBytes = 0, compileNs = 0;
    BaselineTotals& operator+=(const BaselineTotals& other) {
      functions += other.functions;
      compiled += other.compiled;
      refused += other.refused;
      bodyBytes += other.bodyBytes;
      codeBytes += other.codeBytes;
      compileNs += other.compileNs;
      return *this;
    }
  };
  BaselineTotals baselineTotals() const;
  /// With tier-up: functions LLVM recompiled so far, over every module.
  uint64_t tieredUp() const;
  /// With tier-up: times a running call went on in LLVM code at a loop.
  uint64_t loopsEntered() const;

  Expected<void> compile(std::span<const uint8_t> bytes) override;
  Expected<InstanceId> instantiate(std::span<const uint8_t> bytes) override;
  /// A module compiled before (by this engine or another with the same
  /// options), instantiated in this engine's store.
  Expected<InstanceId> instantiate(std::shared_ptr<const rt::CompiledModule> module);
  /// The compiled module of an instance.
  std::shared_ptr<const rt::CompiledModule> compiledModule(InstanceId instance) const;
  Expected<ActionOutcome> invoke(InstanceId instance, const std::string& field,
                                 const std::vector<WastValue>& args) override;
  Expected<WastValue> getGlobal(InstanceId instance, const std::string& field) override;
  Expected<void> registerAs(InstanceId instance, const std::string& moduleName) override;

  /// Makes a host function importable as (module, name) by the modules
  /// instantiated afterwards (the differential fuzzer's dummy imports). `fn`
  /// runs on the thread that calls into wasm and must return, never longjmp.
  void defineHostFunction(const std::string& module, const std::string& name, wasm::FuncType type,
                          rt::HostFn fn);

  /// The current bytes of exported memory `field`; valid until the memory
  /// grows or the engine is destroyed. Errors: no such exported memory.
  Expected<std::span<const uint8_t>> exportedMemory(InstanceId instance, const std::string& field);

  std::optional<int64_t> fuel() const override {
    return options_.fuel ? std::optional<int64_t>(store_.fuel()) : std::nullopt;
  }
  void setFuel(int64_t fuel) override { store_.setFuel(fuel); }
  /// Limits and fuel for the store every script's modules live in.
  void configureStore(const rt::StoreLimits& limits, uint64_t fuel) {
    store_.setLimits(limits);
    store_.setFuel(static_cast<int64_t>(std::min<uint64_t>(fuel, INT64_MAX)));
  }

private:
  codegen::Options options_;
  Expected<std::shared_ptr<const rt::CompiledModule>> compileBaseline(std::span<const uint8_t> bytes);

  bool aot_;
  std::optional<engine::TierUpOptions> baseline_;
  engine::BaselineCompile when_;
  std::vector<engine::BaselineCoverage> coverages_; // one per module compiled for the baseline tier
  rt::Store store_;
  rt::Linker linker_;
  Expected<void> spectest_;
  std::vector<rt::Instance*> instances_;
};

} // namespace wasmc::tools
