#include "engine/BaselineModule.h"

#include <chrono>

#include "compiler/baseline/X64Compiler.h"
#include "compiler/wasm/Validator.h"
#include "engine/CodegenLoader.h"

#include <sys/mman.h>

#include <cstring>

namespace wasmc::engine {

namespace {

/// What keeps a baseline module's code alive: the lazy JIT's code (stubs,
/// trampolines, tables, LLVM-compiled functions), the baseline code block,
/// and tier-up's worker, which goes first.
/// Address space reserved for baseline code per byte of function bodies;
/// the compiler writes about 2.3 bytes per body byte (docs/BENCHMARKS.md).
constexpr uint64_t kCodeReservePerBodyByte = 16;

struct BaselineCode {
  std::unique_ptr<codegen::JitCode> jit;
  void* block = MAP_FAILED;
  size_t blockSize = 0;
  std::unique_ptr<TierUp> tierUp;
  ~BaselineCode() {
    tierUp.reset();
    jit.reset();
    if (block != MAP_FAILED)
      munmap(block, blockSize);
  }
};

} // namespace

Expected<std::shared_ptr<const rt::CompiledModule>> compileModuleBaseline(std::span<const uint8_t> bytes,
                                                                          const codegen::Options& options,
                                                                          const TierUpOptions& tierUp,
                                                                          BaselineCoverage* coverage) {
  wasm::Module module = WASMC_TRY(wasm::loadModule(bytes));
  codegen::Options lazy = options;
  lazy.lazy = true;
  auto code = std::make_shared<BaselineCode>();
  code->jit = WASMC_TRY(codegen::compileJit(module, lazy));
  const uint32_t count = static_cast<uint32_t>(module.functions.size());
  baseline::CallCounting counting;
  if (tierUp.afterCalls > 0) {
    code->tierUp = std::make_unique<TierUp>(*code->jit, module, tierUp);
    counting = code->tierUp->counting();
  }
  counting.pollInterrupts = options.interruptible;
  counting.consumeFuel = options.fuel;

  // Every function the baseline compiler covers, laid out in one block as
  // it is compiled: a reservation of address space that only the code
  // written to it occupies, so that no function's code is held twice
  // (each function's own buffer is freed at once). clang.wasm has about
  // 160 MB of baseline code. A function that does not fit is left to the
  // lazy JIT.
  uint64_t allBodyBytes = 0;
  for (const wasm::Function& function : module.functions)
    allBodyBytes += function.body.size;
  code->blockSize = (allBodyBytes * kCodeReservePerBodyByte + (1u << 20) + 4095) & ~uint64_t(4095);
  code->block = mmap(nullptr, code->blockSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                     -1, 0);
  if (code->block == MAP_FAILED)
    return makeError(ErrorKind::Io, kNoOffset, "cannot reserve memory for baseline code");
  auto* base = static_cast<uint8_t*>(code->block);
  rt::CodeTables tables{code->jit->functions, code->jit->entries, code->jit->hostAdapters, code->jit->codeEnd};
  std::vector<rt::FunctionRange> ranges = rt::functionRanges(module, tables, code->jit->codeBlocks);
  std::vector<std::pair<uint32_t, const uint8_t*>> placed;
  size_t at = 0;
  uint64_t bodyBytes = 0, codeBytes = 0;
  auto compileStart = std::chrono::steady_clock::now();
  for (uint32_t i = 0; i < count; ++i) {
    Expected<std::vector<uint8_t>> body = baseline::compileFunctionX64(module, i, counting);
    if (!body || at + body->size() > code->blockSize)
      continue;
    std::memcpy(base + at, body->data(), body->size());
    placed.emplace_back(i, base + at);
    wasm::FuncIndex index = module.numImportedFuncs + i;
    // Registered with the trap handler with the module (below), before any
    // of it can run.
    ranges.push_back(rt::FunctionRange{reinterpret_cast<uintptr_t>(base + at),
                                       reinterpret_cast<uintptr_t>(base + at + body->size()), index,
                                       module.funcName(index)});
    at += (body->size() + 15) & ~size_t(15);
    bodyBytes += module.functions[i].body.size;
    codeBytes += body->size();
  }
  uint64_t compileNs = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - compileStart).count());
  // Only the code stays mapped.
  size_t used = (at + 4095) & ~size_t(4095);
  if (used < code->blockSize)
    munmap(base + used, code->blockSize - used);
  code->blockSize = used;
  if (used == 0) {
    code->block = MAP_FAILED;
  } else if (mprotect(code->block, code->blockSize, PROT_READ | PROT_EXEC) != 0) {
    return makeError(ErrorKind::Io, kNoOffset, "cannot make baseline code executable");
  }
  // Every call reaches a function through its stub (FuncRefs, tables and
  // the LLVM-compiled functions' calls alike), so pointing the stubs at the
  // baseline code makes it the code of every call; tier-up points them at
  // LLVM's later.
  for (const auto& [i, start] : placed)
    WASMC_TRY(code->jit->redirect(i, start));
  const auto covered = static_cast<uint32_t>(placed.size());
  if (coverage)
    *coverage = BaselineCoverage{covered,   count,     code->tierUp ? code->tierUp->stats() : nullptr,
                                 bodyBytes, codeBytes, compileNs};

  codegen::JitCode* jit = code->jit.get();
  auto compiled = std::make_shared<rt::CompiledModule>(std::move(module), tables, code, std::move(ranges));
  compiled->setCodeFlags(options.codeFlags());
  jit->onCompiled = [module = compiled.get()](uint32_t funcIndex, uintptr_t start, uintptr_t end,
                                                     bool loopEntry) {
    module->addCode({rt::FunctionRange{start, end, funcIndex, module->module().funcName(funcIndex), loopEntry}});
  };
  return std::shared_ptr<const rt::CompiledModule>(std::move(compiled));
}

} // namespace wasmc::engine
