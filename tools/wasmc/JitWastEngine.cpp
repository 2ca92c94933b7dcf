#include "tools/wasmc/JitWastEngine.h"

#include "engine/BaselineModule.h"

#include "compiler/wasm/Validator.h"
#include "runtime/Instance.h"
#include "runtime/Invoke.h"
#include "engine/Engine.h"
#include "tools/wasmc/Spectest.h"

#include <cstring>

namespace wasmc::tools {

namespace {

Error scriptError(std::string message) { return makeError(ErrorKind::Usage, kNoOffset, std::move(message)); }

// Externref values cross the script boundary as host ids; in the runtime an
// externref is an opaque pointer, and id N is carried as N + 1 so that
// `ref.extern 0` is not the null reference.
rt::Value toRuntime(const WastValue& value) {
  if (wasm::isRefType(value.type)) {
    if (value.isNull)
      return rt::Value::ref(value.type, nullptr);
    uintptr_t bits = value.type == wasm::ValType::ExternRef ? value.bits[0] + 1 : value.bits[0];
    return rt::Value::ref(value.type, reinterpret_cast<void*>(bits));
  }
  rt::Value out;
  out.type = value.type;
  std::memcpy(out.slot.bytes, value.bits.data(), 16);
  return out;
}

WastValue toScript(const rt::Value& value) {
  WastValue out;
  out.type = value.type;
  if (wasm::isRefType(value.type)) {
    uintptr_t bits = reinterpret_cast<uintptr_t>(value.asRef());
    out.isNull = bits == 0;
    if (bits)
      out.bits[0] = value.type == wasm::ValType::ExternRef ? bits - 1 : bits;
    return out;
  }
  std::memcpy(out.bits.data(), value.slot.bytes, 16);
  // Narrow values occupy the low bytes only.
  if (value.type == wasm::ValType::I32 || value.type == wasm::ValType::F32)
    out.bits = {out.bits[0] & 0xFFFFFFFFu, 0};
  else if (value.type != wasm::ValType::V128)
    out.bits[1] = 0;
  return out;
}

} // namespace

JitWastEngine::JitWastEngine(codegen::Options options, bool aot, std::optional<engine::TierUpOptions> baseline,
                             engine::BaselineCompile when)
    : options_(options), aot_(aot), baseline_(baseline), when_(when), spectest_(defineSpectest(store_, linker_)) {}

JitWastEngine::BaselineTotals JitWastEngine::baselineTotals() const {
  BaselineTotals totals;
  for (const engine::BaselineCoverage& coverage : coverages_) {
    const engine::BaselineStats& stats = *coverage.baseline;
    totals += BaselineTotals{coverage.functions,
                             stats.compiled.load(std::memory_order_relaxed),
                             stats.refused.load(std::memory_order_relaxed),
                             stats.bodyBytes.load(std::memory_order_relaxed),
                             stats.codeBytes.load(std::memory_order_relaxed),
                             stats.compileNs.load(std::memory_order_relaxed)};
  }
  return totals;
}

uint64_t JitWastEngine::tieredUp() const {
  uint64_t total = 0;
  for (const engine::BaselineCoverage& coverage : coverages_)
    if (coverage.tierUp)
      total += coverage.tierUp->installed.load(std::memory_order_relaxed);
  return total;
}

uint64_t JitWastEngine::loopsEntered() const {
  uint64_t total = 0;
  for (const engine::BaselineCoverage& coverage : coverages_)
    if (coverage.tierUp)
      total += coverage.tierUp->loopsEntered.load(std::memory_order_relaxed);
  return total;
}

Expected<void> JitWastEngine::compile(std::span<const uint8_t> bytes) {
  WASMC_TRY(wasm::loadModule(bytes, options_.features));
  return {};
}

Expected<std::shared_ptr<const rt::CompiledModule>> JitWastEngine::compileBaseline(std::span<const uint8_t> bytes) {
  engine::BaselineCoverage coverage;
  auto module = WASMC_TRY(engine::compileModuleBaseline(bytes, options_, *baseline_, &coverage, when_));
  coverages_.push_back(std::move(coverage));
  return module;
}

Expected<InstanceId> JitWastEngine::instantiate(std::span<const uint8_t> bytes) {
  if (!spectest_)
    return spectest_.error();
  std::shared_ptr<const rt::CompiledModule> module =
      WASMC_TRY(aot_ ? engine::compileModuleAot(bytes, options_) : baseline_ ? compileBaseline(bytes) : engine::compileModule(bytes, options_));
  return instantiate(std::move(module));
}

Expected<InstanceId> JitWastEngine::instantiate(std::shared_ptr<const rt::CompiledModule> module) {
  if (!spectest_)
    return spectest_.error();
  rt::Instance* instance = WASMC_TRY(rt::Instance::instantiate(store_, std::move(module), linker_));
  instances_.push_back(instance);
  return static_cast<InstanceId>(instances_.size() - 1);
}

std::shared_ptr<const rt::CompiledModule> JitWastEngine::compiledModule(InstanceId instance) const {
  return instances_.at(instance)->compiledModule();
}

Expected<ActionOutcome> JitWastEngine::invoke(InstanceId id, const std::string& field,
                                              const std::vector<WastValue>& args) {
  const rt::Extern* found = instances_.at(id)->findExport(field);
  if (!found || found->kind != wasm::ExternKind::Func)
    return scriptError("no exported function \"" + field + "\"");
  std::vector<rt::Value> values;
  for (const WastValue& arg : args)
    values.push_back(toRuntime(arg));
  std::string mismatch = rt::checkArguments(found->func->type, values);
  if (!mismatch.empty())
    return scriptError("calling \"" + field + "\": " + mismatch);
  rt::CallResult result = rt::callFunction(store_, *found->func, values);
  ActionOutcome outcome;
  if (result.trap) {
    outcome.trapped = true;
    outcome.trapMessage = result.trap->message();
    return outcome;
  }
  for (const rt::Value& value : result.values)
    outcome.values.push_back(toScript(value));
  return outcome;
}

Expected<WastValue> JitWastEngine::getGlobal(InstanceId id, const std::string& field) {
  const rt::Extern* found = instances_.at(id)->findExport(field);
  if (!found || found->kind != wasm::ExternKind::Global)
    return scriptError("no exported global \"" + field + "\"");
  rt::Value value;
  value.type = found->global->type.type;
  std::memcpy(value.slot.bytes, found->global->cell.bytes, 16);
  return toScript(value);
}

Expected<void> JitWastEngine::registerAs(InstanceId id, const std::string& moduleName) {
  linker_.defineInstance(moduleName, *instances_.at(id));
  return {};
}

void JitWastEngine::defineHostFunction(const std::string& module, const std::string& name,
                                       wasm::FuncType type, rt::HostFn fn) {
  rt::Function* function = store_.createHostFunction(std::move(type), std::move(fn));
  linker_.define(module, name, rt::Extern{wasm::ExternKind::Func, function});
}

Expected<std::span<const uint8_t>> JitWastEngine::exportedMemory(InstanceId id, const std::string& field) {
  const rt::Extern* found = instances_.at(id)->findExport(field);
  if (!found || found->kind != wasm::ExternKind::Memory)
    return scriptError("no exported memory \"" + field + "\"");
  const rt::Memory& memory = *found->memory->memory;
  return std::span<const uint8_t>(memory.base(), memory.sizeBytes());
}

} // namespace wasmc::tools
