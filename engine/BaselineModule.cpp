#include "engine/BaselineModule.h"

#include "compiler/baseline/X64Compiler.h"
#include "compiler/wasm/Validator.h"
#include "engine/CodeArena.h"
#include "engine/CodegenLoader.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace wasmc::engine {

namespace {

/// Address space reserved for baseline code per byte of function bodies;
/// the compiler writes about 2.3 bytes per body byte (docs/BENCHMARKS.md).
/// Only what is written is backed by memory.
constexpr uint64_t kCodeReservePerBodyByte = 16;

/// What keeps a baseline module's code alive: the lazy JIT's code (stubs,
/// trampolines, tables, LLVM-compiled functions), the baseline code, and
/// tier-up's worker, which goes first.
struct BaselineCode {
  std::unique_ptr<codegen::JitCode> jit;
  std::unique_ptr<CodeArena> arena;
  std::unique_ptr<TierUp> tierUp;
  std::shared_ptr<const BaselineStats> stats;
  uint32_t functions = 0;
  ~BaselineCode() {
    tierUp.reset(); // prints its line first with WASMC_TIER_STATS
    // With WASMC_TIER_STATS set, what the baseline compiler did.
    if (stats && std::getenv("WASMC_TIER_STATS"))
      std::fprintf(stderr,
                   "baseline: of %u functions, %u compiled, %u left to LLVM; %.1f MB of bodies in %.1f ms "
                   "(%.1f MB/s), %.1f MB of code\n",
                   functions, stats->compiled.load(), stats->refused.load(), stats->bodyBytes.load() / 1e6,
                   stats->compileNs.load() / 1e6,
                   stats->compileNs.load() ? stats->bodyBytes.load() / 1e6 / (stats->compileNs.load() / 1e9) : 0.0,
                   stats->codeBytes.load() / 1e6);
    jit.reset();
  }
};

/// Baseline code placed in the arena, with its pc -> wasm offset table.
struct PlacedCode {
  std::span<const uint8_t> code;
  std::vector<abi::PcOffset> offsets;
};

/// Compiles defined function `index` into the arena and returns its code.
/// Empty when the baseline compiler refuses it or the arena is full: the
/// lazy JIT compiles it then.
PlacedCode compileInto(CodeArena& arena, const wasm::Module& module, uint32_t index,
                       const baseline::CallCounting& counting, BaselineStats& stats) {
  auto start = std::chrono::steady_clock::now();
  std::vector<abi::PcOffset> offsets;
  Expected<std::vector<uint8_t>> body = baseline::compileFunctionX64(module, index, counting, &offsets);
  const uint8_t* code = body ? arena.add(*body) : nullptr;
  stats.compileNs += static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count());
  if (!code) {
    ++stats.refused;
    return {};
  }
  ++stats.compiled;
  stats.bodyBytes += module.functions[index].body.size;
  stats.codeBytes += body->size();
  return {{code, body->size()}, std::move(offsets)};
}

/// The trap handler's record of defined function `index`'s baseline code.
rt::FunctionRange rangeOf(const wasm::Module& module, uint32_t index, PlacedCode placed) {
  wasm::FuncIndex funcIndex = module.numImportedFuncs + index;
  return rt::FunctionRange{reinterpret_cast<uintptr_t>(placed.code.data()),
                           reinterpret_cast<uintptr_t>(placed.code.data() + placed.code.size()),
                           funcIndex,
                           module.funcName(funcIndex),
                           false,
                           std::move(placed.offsets),
                           module.localsOffset(funcIndex)};
}

Expected<std::shared_ptr<const rt::CompiledModule>> compileLoaded(Expected<wasm::Module> loaded,
                                                                  const codegen::Options& options,
                                                                  const TierUpOptions& tierUp,
                                                                  BaselineCoverage* coverage, BaselineCompile when) {
  // Shared with the lazy JIT, which compiles from it later (compileJit).
  auto shared = std::make_shared<const wasm::Module>(WASMC_TRY(std::move(loaded)));
  const wasm::Module& module = *shared;
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

  // One arena for all of the module's baseline code, so that no function's
  // code is held twice (each function's own buffer is freed at once).
  // clang.wasm would have about 160 MB of it if every function were called.
  uint64_t allBodyBytes = 0;
  for (const wasm::Function& function : module.functions)
    allBodyBytes += function.body.size;
  code->arena = WASMC_TRY(CodeArena::create(allBodyBytes * kCodeReservePerBodyByte + (1u << 20)));
  auto stats = std::make_shared<BaselineStats>();
  code->stats = stats;
  code->functions = count;
  rt::CodeTables tables{code->jit->functions, code->jit->entries, code->jit->hostAdapters, code->jit->codeEnd};
  std::vector<rt::FunctionRange> ranges = rt::functionRanges(module, tables, code->jit->codeBlocks);

  std::vector<std::pair<uint32_t, const void*>> placed;
  if (when == BaselineCompile::Ahead) {
    // Registered with the module, before any of it can run.
    for (uint32_t i = 0; i < count; ++i) {
      PlacedCode body = compileInto(*code->arena, module, i, counting, *stats);
      if (body.code.empty())
        continue;
      placed.emplace_back(i, body.code.data());
      ranges.push_back(rangeOf(module, i, std::move(body)));
    }
  }
  // Every call reaches a function through its stub (FuncRefs, tables and
  // the LLVM-compiled functions' calls alike), so pointing the stubs at the
  // baseline code makes it the code of every call; tier-up points them at
  // LLVM's later.
  for (const auto& [i, start] : placed)
    WASMC_TRY(code->jit->redirect(i, start));
  if (coverage)
    *coverage = BaselineCoverage{count, stats, code->tierUp ? code->tierUp->stats() : nullptr};

  codegen::JitCode* jit = code->jit.get();
  CodeArena* arena = code->arena.get();
  auto compiled = std::make_shared<rt::CompiledModule>(std::move(shared), tables, code, std::move(ranges));
  compiled->setCodeFlags(options.codeFlags());
  rt::CompiledModule* self = compiled.get();
  jit->onCompiled = [self](uint32_t funcIndex, uintptr_t start, uintptr_t end, bool loopEntry,
                           std::vector<abi::PcOffset> offsets) {
    self->addFunctionCode(funcIndex, start, end, loopEntry, std::move(offsets));
  };
  if (when == BaselineCompile::OnFirstCall) {
    // The stub's first call lands here (LazyJit.cpp, FunctionUnit), on the
    // calling wasm thread; the code is known to the trap handler before
    // the stub can lead to it.
    jit->firstCallCode = [self, arena, counting, stats](uint32_t index) -> const void* {
      PlacedCode body = compileInto(*arena, self->module(), index, counting, *stats);
      if (body.code.empty())
        return nullptr;
      const void* start = body.code.data();
      self->addCode({rangeOf(self->module(), index, std::move(body))});
      return start;
    };
  }
  return std::shared_ptr<const rt::CompiledModule>(std::move(compiled));
}

} // namespace

Expected<std::shared_ptr<const rt::CompiledModule>> compileModuleBaseline(std::span<const uint8_t> bytes,
                                                                          const codegen::Options& options,
                                                                          const TierUpOptions& tierUp,
                                                                          BaselineCoverage* coverage,
                                                                          BaselineCompile when) {
  return compileLoaded(wasm::loadModule(bytes, options.features), options, tierUp, coverage, when);
}

Expected<std::shared_ptr<const rt::CompiledModule>> compileModuleBaseline(std::vector<uint8_t>&& bytes,
                                                                          const codegen::Options& options,
                                                                          const TierUpOptions& tierUp,
                                                                          BaselineCoverage* coverage,
                                                                          BaselineCompile when) {
  return compileLoaded(wasm::loadModule(std::move(bytes), options.features), options, tierUp, coverage, when);
}

} // namespace wasmc::engine
