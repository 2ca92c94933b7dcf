#include "engine/Engine.h"

#include "compiler/wasm/Validator.h"
#include "runtime/Artifact.h"
#include "engine/Aot.h"
#include "engine/CodegenLoader.h"

namespace wasmc::engine {

Expected<std::shared_ptr<const rt::CompiledModule>> compileModule(std::span<const uint8_t> bytes,
                                                                  const codegen::Options& options) {
  // Shared with the lazy JIT, which compiles from it later (compileJit).
  auto module = std::make_shared<const wasm::Module>(WASMC_TRY(wasm::loadModule(bytes, options.features)));
  std::unique_ptr<codegen::JitCode> jit = WASMC_TRY(codegen::compileJit(*module, options));
  rt::CodeTables tables{jit->functions, jit->entries, jit->hostAdapters, jit->codeEnd};
  std::vector<rt::FunctionRange> ranges =
      rt::functionRanges(*module, tables, jit->codeBlocks, std::move(jit->offsets));
  codegen::JitCode* code = jit.get();
  std::shared_ptr<void> owner(jit.release(), [](void* code) { delete static_cast<codegen::JitCode*>(code); });
  auto compiled = std::make_shared<rt::CompiledModule>(std::move(module), tables, std::move(owner), std::move(ranges));
  compiled->setCodeFlags(options.codeFlags());
  // A lazy JIT compiles functions on their first call: the trap handler
  // learns their code then. (The code belongs to `compiled`, so a plain
  // pointer lives long enough.)
  code->onCompiled = [module = compiled.get()](uint32_t funcIndex, uintptr_t start, uintptr_t end, bool loopEntry,
                                               std::vector<abi::PcOffset> offsets) {
    module->addFunctionCode(funcIndex, start, end, loopEntry, std::move(offsets));
  };
  return std::shared_ptr<const rt::CompiledModule>(std::move(compiled));
}

Expected<std::shared_ptr<const rt::CompiledModule>> compileModuleAot(std::span<const uint8_t> bytes,
                                                                     const codegen::Options& options) {
  // Compiled and loaded in this process: a key of its own, not the user's.
  static const rt::ArtifactKey key = rt::ephemeralKey();
  std::vector<uint8_t> artifact = WASMC_TRY(compileArtifact(bytes, options, key));
  return rt::loadArtifactBytes(artifact, {.compilerId = compilerIdentity(), .key = &key});
}

} // namespace wasmc::engine
