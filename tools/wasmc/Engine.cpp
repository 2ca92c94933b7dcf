#include "tools/wasmc/Engine.h"

#include "compiler/wasm/Validator.h"

namespace wasmc::tools {

Expected<std::shared_ptr<const rt::CompiledModule>> compileModule(std::span<const uint8_t> bytes,
                                                                  const codegen::Options& options) {
  wasm::Module module = WASMC_TRY(wasm::loadModule(bytes));
  std::unique_ptr<codegen::JitCode> jit = WASMC_TRY(codegen::compileJit(module, options));
  rt::CodeTables tables{jit->functions, jit->entries, jit->hostAdapters};
  std::vector<rt::FunctionRange> ranges;
  ranges.reserve(jit->ranges.size());
  for (const codegen::FunctionRange& range : jit->ranges)
    ranges.push_back(rt::FunctionRange{range.start, range.end, range.funcIndex, range.name});
  std::shared_ptr<void> owner(jit.release(), [](void* code) { delete static_cast<codegen::JitCode*>(code); });
  return std::shared_ptr<const rt::CompiledModule>(
      std::make_shared<rt::CompiledModule>(std::move(module), tables, std::move(owner), std::move(ranges)));
}

} // namespace wasmc::tools
