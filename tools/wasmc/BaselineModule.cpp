#include "tools/wasmc/BaselineModule.h"

#include "compiler/baseline/X64Compiler.h"
#include "compiler/wasm/Validator.h"
#include "tools/wasmc/CodegenLoader.h"

#include <sys/mman.h>

#include <cstring>

namespace wasmc::tools {

namespace {

/// What keeps a baseline module's code alive: the lazy JIT's code, the
/// baseline code block and the function table that points into both.
struct BaselineCode {
  std::unique_ptr<codegen::JitCode> jit;
  void* block = MAP_FAILED;
  size_t blockSize = 0;
  std::vector<void*> functions;
  ~BaselineCode() {
    if (block != MAP_FAILED)
      munmap(block, blockSize);
  }
};

} // namespace

Expected<std::shared_ptr<const rt::CompiledModule>> compileModuleBaseline(std::span<const uint8_t> bytes,
                                                                          const codegen::Options& options,
                                                                          BaselineCoverage* coverage) {
  wasm::Module module = WASMC_TRY(wasm::loadModule(bytes));
  codegen::Options lazy = options;
  lazy.lazy = true;
  auto code = std::make_shared<BaselineCode>();
  code->jit = WASMC_TRY(codegen::compileJit(module, lazy));

  // Every function the baseline compiler covers, laid out in one block.
  const uint32_t count = static_cast<uint32_t>(module.functions.size());
  std::vector<std::vector<uint8_t>> bodies(count);
  size_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    Expected<std::vector<uint8_t>> body = baseline::compileFunctionX64(module, i);
    if (body) {
      bodies[i] = std::move(*body);
      total += (bodies[i].size() + 15) & ~size_t(15);
    }
  }
  code->functions.assign(code->jit->functions, code->jit->functions + count);
  std::vector<rt::CodeBlock> blocks = code->jit->codeBlocks;
  uint32_t covered = 0;
  if (total > 0) {
    code->blockSize = (total + 4095) & ~size_t(4095);
    code->block = mmap(nullptr, code->blockSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code->block == MAP_FAILED)
      return makeError(ErrorKind::Io, kNoOffset, "cannot map memory for baseline code");
    auto* base = static_cast<uint8_t*>(code->block);
    size_t at = 0;
    for (uint32_t i = 0; i < count; ++i) {
      if (bodies[i].empty())
        continue;
      std::memcpy(base + at, bodies[i].data(), bodies[i].size());
      code->functions[i] = base + at;
      at += (bodies[i].size() + 15) & ~size_t(15);
      ++covered;
    }
    if (mprotect(code->block, code->blockSize, PROT_READ | PROT_EXEC) != 0)
      return makeError(ErrorKind::Io, kNoOffset, "cannot make baseline code executable");
    blocks.push_back({reinterpret_cast<uintptr_t>(base), reinterpret_cast<uintptr_t>(base + at)});
  }
  if (coverage)
    *coverage = BaselineCoverage{covered, count};

  rt::CodeTables tables{code->functions.data(), code->jit->entries, code->jit->hostAdapters, code->jit->codeEnd};
  // Ranges from the table: baseline functions run to the next one (or the
  // end of the block), so faults in them are traps of the right function.
  std::vector<rt::FunctionRange> ranges = rt::functionRanges(module, tables, blocks);
  codegen::JitCode* jit = code->jit.get();
  auto compiled = std::make_shared<rt::CompiledModule>(std::move(module), tables, code, std::move(ranges));
  jit->onCompiled = [module = compiled.get()](uint32_t funcIndex, uintptr_t start, uintptr_t end) {
    module->addCode({rt::FunctionRange{start, end, funcIndex, module->module().funcName(funcIndex)}});
  };
  return std::shared_ptr<const rt::CompiledModule>(std::move(compiled));
}

} // namespace wasmc::tools
