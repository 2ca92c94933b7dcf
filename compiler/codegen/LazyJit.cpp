// The lazy JIT (Options::lazy): compileJit compiles only the trampolines and
// tables up front; every defined function is compiled, on its own, the first
// time it is called.
//
//   stubs:         one per function (LazyStubs.h), the function's address
//                  for every caller. Its first call reaches the resolver
//                  below, which compiles the function and points the stub
//                  at the code.
//   module dylib:  the tables object, the libcalls, and each function's
//                  symbol as an absolute symbol for its stub, defined when
//                  a body first refers to it (StubSymbols).
//   bodies dylib:  the functions LLVM compiled, linked against the module
//                  dylib only, so a call from one body to another goes
//                  through the callee's stub, and compiling one function
//                  never drags in its callees. Loop entries (on-stack
//                  replacement) and tier-up's code go there too.
//
// With JitCode::firstCallCode (the baseline tier) the resolver asks it
// first and uses the code it returns.
//
// Trap handling: the JIT recorder reports each body's code (JitCode::
// onCompiled) while JITLink fixes it up, before the stub can lead to it, so
// the trap handler knows the code before it can fault.
//
// LLVM compiles on a helper thread with a big stack (CompileThreads, kept
// for the next compile): the resolver runs on
// the calling wasm thread, whose stack may be nearly used up. What the
// resolver itself needs there comes out of the 128 KiB reserve below every
// wasm frame; LazyStackTest.cpp measures it at the deepest depth a first
// call can happen.

#include "compiler/codegen/CompileThreads.h"
#include "compiler/codegen/FunctionLowering.h"
#include "compiler/codegen/JitPrivate.h"
#include "compiler/codegen/WasmOffsets.h"
#include "compiler/codegen/LazyStubs.h"
#include "compiler/codegen/LlvmError.h"
#include "compiler/codegen/ModuleContext.h"
#include "compiler/codegen/ObjectCompiler.h"

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/Support/MemoryBuffer.h>

#include <array>
#include <charconv>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace wasmc::codegen {

using namespace llvm;
using namespace llvm::orc;

namespace {

/// Stack for compiling one function (see Partition.cpp's compile threads).
constexpr unsigned kCompileStackBytes = 16u << 20;

/// Defines the module dylib's function symbols, each its stub's address,
/// as bodies refer to them: a run defines the few it needs, not 133,398.
class StubSymbols final : public DefinitionGenerator {
public:
  StubSymbols(const wasm::Module& module, const LazyStubs& stubs) : module_(module), stubs_(stubs) {}
  // Both belong to the module's LazyJitCode, which removes the dylib
  // holding this before they go.

  llvm::Error tryToGenerate(LookupState&, LookupKind, JITDylib& dylib, JITDylibLookupFlags,
                            const SymbolLookupSet& symbols) override {
    SymbolMap found;
    for (const auto& [symbol, flags] : symbols) {
      bool loopEntry = false;
      std::optional<uint32_t> index = functionOfSymbol(module_, *symbol, &loopEntry);
      if (index && !loopEntry)
        found[symbol] = ExecutorSymbolDef(ExecutorAddr::fromPtr(stubs_.stubs()[*index]),
                                          JITSymbolFlags::Exported | JITSymbolFlags::Callable);
    }
    if (found.empty())
      return llvm::Error::success();
    return dylib.define(absoluteSymbols(std::move(found)));
  }

private:
  const wasm::Module& module_;
  const LazyStubs& stubs_;
};

class LazyJitCode final : public JitCode {
public:
  LazyJitCode(JitProcess& process, JITDylib& module, JITDylib& bodies, const wasm::Module& wasmModule,
              const Options& options)
      : process_(process), module_(module), bodies_(bodies), wasmModule_(wasmModule), options_(options) {}

  /// The module, compiled function by function long after compileJit
  /// returned; it outlives this (compileJit).
  const wasm::Module& wasmModule() const { return wasmModule_; }
  ~LazyJitCode() override {
    std::lock_guard<std::recursive_mutex> lock(process_.mutex);
    process_.recorder->unwatch(&bodies_);
    if (auto error = process_.jit->getExecutionSession().removeJITDylibs({&module_, &bodies_}))
      consumeError(std::move(error));
    // The stubs go after the code that jumps to them.
    stubs.reset();
  }

  /// LazyStubs::Resolve: a stub's first call.
  static const void* resolve(void* self, uint32_t index) {
    return static_cast<LazyJitCode*>(self)->firstCall(index);
  }

  /// The recorder's report of code linked into the bodies dylib.
  void compiled(const SymbolStringPtr& symbol, std::vector<CodeRange> ranges) {
    if (!symbol || !onCompiled)
      return;
    bool loopEntry = false;
    std::optional<uint32_t> index = functionOfSymbol(wasmModule_, *symbol, &loopEntry);
    if (!index)
      return;
    std::vector<abi::PcOffset> offsets;
    {
      std::lock_guard<std::mutex> lock(pendingOffsetsMutex_);
      if (auto found = pendingOffsets_.find(std::string(*symbol)); found != pendingOffsets_.end()) {
        offsets = std::move(found->second);
        pendingOffsets_.erase(found);
      }
    }
    for (const CodeRange& range : ranges)
      onCompiled(wasmModule_.numImportedFuncs + *index, range.first, range.second, loopEntry, offsets);
  }

  Expected<void> redirect(uint32_t index, const void* target) override {
    WASMC_TRY(checkIndex(index));
    stubs->setTarget(index, target);
    return {};
  }

  Expected<const void*> compileFunction(uint32_t index) override {
    WASMC_TRY(checkIndex(index));
    // With firstCallCode, the stub may lead to baseline code: LLVM's is
    // compiled here (tier-up asks only for functions on baseline code).
    if (firstCallCode)
      return llvmBody(index, "tier-up");
    return firstCall(index);
  }

  Expected<const void*> compileLoopEntry(uint32_t index, uint32_t loopOffset) override {
    WASMC_TRY(checkIndex(index));
    std::lock_guard<std::mutex> lock(loopEntriesMutex_);
    const uint64_t key = (uint64_t(index) << 32) | loopOffset;
    if (auto found = loopEntries_.find(key); found != loopEntries_.end())
      return found->second;
    std::string symbol = loopEntrySymbol(wasmModule_, wasmModule_.numImportedFuncs + index, loopOffset);
    const void* code = WASMC_TRY(compileAndLink(index, loopOffset, symbol, "loop entry"));
    loopEntries_.emplace(key, code);
    return code;
  }

  std::unique_ptr<LazyStubs> stubs;

private:
  /// Compiles defined function `index` (firstCallCode's, or LLVM's) and
  /// points its stub there, once: racing first calls wait for the first.
  /// First calls of other functions go on beside it (unless they share
  /// its lock of kFirstCallLocks): one thread's LLVM compile of a function
  /// the baseline compiler refuses does not hold up the rest.
  const void* firstCall(uint32_t index) {
    std::lock_guard<std::mutex> lock(firstCallMutexes_[index % kFirstCallLocks]);
    if (!stubs->unresolved(index))
      return stubs->target(index);
    const void* code = firstCallCode ? firstCallCode(index) : nullptr;
    if (!code) {
      Expected<const void*> body = llvmBody(index, "first call");
      if (!body)
        fatal(("a function could not be compiled on its first call: " + body.error().describe()).c_str());
      code = *body;
    }
    stubs->setTarget(index, code);
    return code;
  }

  /// LLVM's code for defined function `index`, compiled on the first ask.
  Expected<const void*> llvmBody(uint32_t index, const char* what) {
    {
      std::lock_guard<std::mutex> lock(bodiesMutex_);
      if (auto found = llvmBodies_.find(index); found != llvmBodies_.end())
        return found->second;
    }
    // Not under the lock: tier-up's compile in the background must not
    // hold up a first call on a wasm thread.
    const void* code =
        WASMC_TRY(compileAndLink(index, std::nullopt, functionSymbol(wasmModule_, wasmModule_.numImportedFuncs + index), what));
    std::lock_guard<std::mutex> lock(bodiesMutex_);
    llvmBodies_.emplace(index, code);
    return code;
  }

  /// Compiles defined function `index` (or its entry at `loopOffset`) to an
  /// object, links it into the bodies dylib and returns the code of
  /// `symbol` in it. The recorder reports the code while it is linked.
  Expected<const void*> compileAndLink(uint32_t index, std::optional<uint32_t> loopOffset, const std::string& symbol,
                                       const char* what) {
    Partition partition{index, index + 1, /*split=*/true, /*tables=*/false,
                        isBigFunction(wasmModule_, index, options_.optLevel), loopOffset};
    // On a big stack (LLVM recurses deeply, and so does JITLink's lookup),
    // off the wasm thread's.
    Expected<const void*> code = Error{};
    compileThreads_.run([&] {
      Expected<std::vector<char>> object = compilePartitionObject(wasmModule_, options_, partition);
      if (!object) {
        code = std::move(object).error();
        return;
      }
      // Kept until the recorder reports the code (compiled, below).
      auto tables = readOffsetTables(*object);
      if (auto found = tables.find(symbol); found != tables.end()) {
        std::lock_guard<std::mutex> lock(pendingOffsetsMutex_);
        pendingOffsets_[symbol] = std::move(found->second);
      }
      auto buffer = MemoryBuffer::getMemBufferCopy(StringRef(object->data(), object->size()), symbol + ".o");
      if (auto error = process_.jit->addObjectFile(bodies_, std::move(buffer))) {
        code = toError(std::move(error), what);
        return;
      }
      ExecutionSession& session = process_.jit->getExecutionSession();
      auto found = session.lookup(makeJITDylibSearchOrder({&bodies_}, JITDylibLookupFlags::MatchAllSymbols),
                                  session.intern(symbol));
      if (!found)
        code = toError(found.takeError(), what);
      else
        code = found->getAddress().toPtr<const void*>();
    });
    if (!code)
      return withFunction(std::move(code).error(), index);
    return code;
  }

  Expected<void> checkIndex(uint32_t index) const {
    if (index >= wasmModule_.functions.size())
      return Error{ErrorKind::Usage, kNoOffset, "no defined function " + std::to_string(index), kNoFunction};
    return {};
  }
  Error withFunction(Error error, uint32_t index) const {
    error.function = wasmModule_.numImportedFuncs + index;
    return error;
  }

  JitProcess& process_;
  JITDylib& module_;
  JITDylib& bodies_;
  const wasm::Module& wasmModule_;
  Options options_;
  CompileThreads compileThreads_{kCompileStackBytes};
  static constexpr size_t kFirstCallLocks = 64;
  std::array<std::mutex, kFirstCallLocks> firstCallMutexes_;
  std::mutex bodiesMutex_;
  std::unordered_map<uint32_t, const void*> llvmBodies_; // LLVM's code per defined function
  std::mutex loopEntriesMutex_;
  std::unordered_map<uint64_t, const void*> loopEntries_; // (index << 32 | offset) -> code
  std::mutex pendingOffsetsMutex_;
  std::unordered_map<std::string, std::vector<abi::PcOffset>> pendingOffsets_; // by symbol, until linked
};

} // namespace

Expected<std::unique_ptr<JitCode>> compileJitLazy(const wasm::Module& module, const Options& options) {
  for (uint32_t i = 0; i < module.functions.size(); ++i)
    WASMC_TRY(checkFunctionLimits(module, module.numImportedFuncs + i));
  // Only the trampolines and tables now (lazy: without the table of
  // functions, which is the stubs), with LLVM's -O0 code generator: two
  // trampolines per function type are glue around a call and run once per
  // call between host and wasm, and at -O2 they took 1.3 s of a first run
  // for clang.wasm's types (0.13 s at -O0).
  Partition tables{0, 0, /*split=*/true, /*tables=*/true, /*big=*/false, /*loopEntry=*/std::nullopt};
  Options tablesOptions = options;
  tablesOptions.optLevel = 0;
  std::vector<char> tablesObject = WASMC_TRY(compilePartitionObject(module, tablesOptions, tables));

  JitProcess* process = WASMC_TRY(jitProcess());
  std::lock_guard<std::recursive_mutex> lock(process->mutex);
  LLJIT& jit = *process->jit;
  ExecutionSession& session = jit.getExecutionSession();
  std::string name = "wasm_module_" + std::to_string(process->nextDylib++);
  auto moduleDylib = session.createJITDylib(name);
  if (!moduleDylib)
    return toError(moduleDylib.takeError(), "JIT");
  auto bodies = session.createJITDylib(name + "_bodies");
  if (!bodies) {
    consumeError(session.removeJITDylib(*moduleDylib));
    return toError(bodies.takeError(), "JIT");
  }
  auto code = std::make_unique<LazyJitCode>(*process, *moduleDylib, *bodies, module, options);
  code->stubs = WASMC_TRY(LazyStubs::create(static_cast<uint32_t>(module.functions.size()), &LazyJitCode::resolve,
                                            code.get()));
  if (auto error = moduleDylib->define(absoluteSymbols(libcallSymbols(session))))
    return toError(std::move(error), "JIT");
  moduleDylib->addGenerator(std::make_unique<StubSymbols>(code->wasmModule(), *code->stubs));
  bodies->setLinkOrder({{&*moduleDylib, JITDylibLookupFlags::MatchExportedSymbolsOnly}},
                       /*LinkAgainstThisJITDylibFirst=*/false);
  process->recorder->watch(&*bodies, [code = code.get()](const SymbolStringPtr& symbol, std::vector<CodeRange> ranges) {
    code->compiled(symbol, std::move(ranges));
  });
  auto buffer =
      MemoryBuffer::getMemBufferCopy(StringRef(tablesObject.data(), tablesObject.size()), "wasm_tables.o");
  if (auto error = jit.addObjectFile(*moduleDylib, std::move(buffer)))
    return toError(std::move(error), "JIT");

  WASMC_TRY(findCodeTables(*process, *moduleDylib, *code, /*functionTable=*/false));
  code->functions = code->stubs->stubs();
  return std::unique_ptr<JitCode>(std::move(code));
}

} // namespace wasmc::codegen
