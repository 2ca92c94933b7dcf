// The lazy JIT (Options::lazy): compileJit compiles only the trampolines and
// tables up front; every defined function is compiled, on its own, the first
// time it is called. Built from ORC's lazy re-exports:
//
//   module dylib:  the tables object, the libcalls, and one stub per
//                  function under the function's symbol. A stub first
//                  jumps to ORC's resolver, which looks the body up in
//   bodies dylib:  one materialization unit per function, compiling the
//                  function's partition (Partition.h) to an object when
//                  looked up, and linking it; the stub then jumps straight
//                  to the body. With JitCode::firstCallCode (the baseline
//                  tier) the unit asks it first, and resolves the symbol
//                  to the code it returns.
//   tiered dylib:  tier-up's LLVM code for functions whose bodies are
//                  baseline code (compileFunction).
//
// Bodies link against the module dylib only (not their own), so a call from
// one body to another goes through the callee's stub, and compiling one
// function never drags in its callees. The resolver saves every argument
// register (xmm included), so stubs work for any wasm signature.
//
// Trap handling: the JIT recorder reports each body's code (JitCode::
// onCompiled) while JITLink fixes it up, before the stub can lead to it, so
// the trap handler knows the code before it can fault.
//
// The compile runs on a helper thread with a big stack: the resolver runs
// on the calling wasm thread, whose stack may be nearly used up. What the
// resolver itself needs there (about 3 KiB) comes out of the 128 KiB
// reserve below every wasm frame; LazyStackTest.cpp measures it at the
// deepest depth a first call can happen.

#include "compiler/codegen/FunctionLowering.h"
#include "compiler/codegen/JitPrivate.h"
#include "compiler/codegen/LlvmError.h"
#include "compiler/codegen/ModuleContext.h"
#include "compiler/codegen/ObjectCompiler.h"

#include <llvm/ExecutionEngine/Orc/IndirectionUtils.h>
#include <llvm/ExecutionEngine/Orc/LazyReexports.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/thread.h>
#include <llvm/Support/raw_ostream.h>

#include <mutex>
#include <unordered_map>

namespace wasmc::codegen {

using namespace llvm;
using namespace llvm::orc;

namespace {

/// Stack for compiling one function (see Partition.cpp's compile threads).
constexpr unsigned kCompileStackBytes = 16u << 20;

/// Where a stub jumps when its function cannot be compiled. The error was
/// reported by ORC already; the guest cannot continue.
void lazyCompileFailed() {
  fatal("a function could not be compiled on its first call (see the JIT error above)");
}

/// What the function units of one module share. Owned by the module's
/// LazyJitCode; outlives both its dylibs.
struct LazyModule {
  wasm::Module module; // a copy: lowered function by function, long after compileJit returned
  Options options;
  ObjectLayer* linker = nullptr;
  std::unordered_map<std::string, uint32_t> indexOf; // function symbol -> defined function index (0-based)
  JitCode* code = nullptr;                           // for onCompiled

  void compiled(const SymbolStringPtr& symbol, std::vector<CodeRange> ranges) {
    if (!symbol || !code->onCompiled)
      return;
    std::string name = (*symbol).str();
    auto found = indexOf.find(name);
    // A loop entry (loopEntrySymbol) is its function's code too.
    bool loopEntry = false;
    if (size_t osr = name.rfind("$osr"); found == indexOf.end() && osr != std::string::npos) {
      found = indexOf.find(name.substr(0, osr));
      loopEntry = true;
    }
    if (found == indexOf.end())
      return;
    for (const CodeRange& range : ranges)
      code->onCompiled(module.numImportedFuncs + found->second, range.first, range.second, loopEntry);
  }
};

/// One function's body, compiled when first looked up.
class FunctionUnit final : public MaterializationUnit {
public:
  FunctionUnit(LazyModule& lazy, uint32_t index, SymbolStringPtr symbol)
      : MaterializationUnit(interfaceOf(symbol)), lazy_(lazy), index_(index), symbol_(std::move(symbol)) {}

  StringRef getName() const override { return "wasm function"; }

  void materialize(std::unique_ptr<MaterializationResponsibility> responsibility) override {
    // On the wasm thread, in the stack reserve: the baseline compiler's
    // frames are small (LazyStackTest measures them).
    if (lazy_.code->firstCallCode) {
      if (const void* code = lazy_.code->firstCallCode(index_)) {
        SymbolMap resolved;
        resolved[symbol_] = ExecutorSymbolDef(ExecutorAddr::fromPtr(code), JITSymbolFlags::Callable);
        if (auto error = responsibility->notifyResolved(resolved)) {
          responsibility->getExecutionSession().reportError(std::move(error));
          responsibility->failMaterialization();
          return;
        }
        if (auto error = responsibility->notifyEmitted({})) {
          responsibility->getExecutionSession().reportError(std::move(error));
          responsibility->failMaterialization();
        }
        return;
      }
    }
    const wasm::Module& module = lazy_.module;
    Partition partition{index_, index_ + 1, /*split=*/true, /*tables=*/false,
                        isBigFunction(module, index_, lazy_.options.optLevel), /*loopEntry=*/std::nullopt};
    // Compiling and linking (JITLink, the code recorder) both run on the
    // helper thread: only the resolver's own frames use the wasm thread.
    thread compiler(std::optional<unsigned>(kCompileStackBytes), [&] {
      Expected<std::vector<char>> object = compilePartitionObject(module, lazy_.options, partition);
      if (!object) {
        ExecutionSession& session = responsibility->getExecutionSession();
        session.reportError(make_error<StringError>(object.error().describe(), inconvertibleErrorCode()));
        responsibility->failMaterialization();
        return;
      }
      lazy_.linker->emit(std::move(responsibility),
                         MemoryBuffer::getMemBufferCopy(StringRef(object->data(), object->size()),
                                                        "wasm_function_" + std::to_string(index_) + ".o"));
    });
    compiler.join();
  }

private:
  static Interface interfaceOf(const SymbolStringPtr& symbol) {
    SymbolFlagsMap flags;
    flags[symbol] = JITSymbolFlags::Callable; // hidden in the object: not exported
    return Interface(std::move(flags), nullptr);
  }

  void discard(const JITDylib&, const SymbolStringPtr&) override {}

  LazyModule& lazy_;
  uint32_t index_;
  SymbolStringPtr symbol_;
};

class LazyJitCode final : public JitCode {
public:
  LazyJitCode(JitProcess& process, JITDylib& module, JITDylib& bodies, JITDylib& tiered)
      : process_(process), module_(module), bodies_(bodies), tiered_(tiered) {}
  ~LazyJitCode() override {
    std::lock_guard<std::recursive_mutex> lock(process_.mutex);
    process_.recorder->unwatch(&bodies_);
    process_.recorder->unwatch(&tiered_);
    if (auto error = process_.jit->getExecutionSession().removeJITDylibs({&module_, &bodies_, &tiered_}))
      consumeError(std::move(error));
    // The stubs and the resolver go after the code that jumps to them.
    stubs.reset();
    callThrough.reset();
  }

  Expected<void> redirect(uint32_t index, const void* target) override {
    WASMC_TRY(checkIndex(index));
    // A pointer-sized store under the stubs manager's lock: a stub jumps
    // through the old or the new pointer, never a torn one.
    if (auto error = stubs->updatePointer(symbolOf(index), ExecutorAddr::fromPtr(target)))
      return withFunction(toError(std::move(error), "tier-up"), index);
    return {};
  }

  Expected<const void*> compileFunction(uint32_t index) override {
    WASMC_TRY(checkIndex(index));
    if (firstCallCode)
      return compileTiered(index);
    ExecutionSession& session = process_.jit->getExecutionSession();
    // Materialises the body (FunctionUnit) unless the stub's resolver did.
    // Bodies are not exported (FunctionUnit): only their stubs are.
    auto body = session.lookup(makeJITDylibSearchOrder({&bodies_}, JITDylibLookupFlags::MatchAllSymbols),
                               session.intern(symbolOf(index)));
    if (!body)
      return withFunction(toError(body.takeError(), "tier-up"), index);
    return body->getAddress().toPtr<const void*>();
  }

  Expected<const void*> compileLoopEntry(uint32_t index, uint32_t loopOffset) override {
    WASMC_TRY(checkIndex(index));
    std::lock_guard<std::mutex> lock(loopEntriesMutex_);
    const uint64_t key = (uint64_t(index) << 32) | loopOffset;
    if (auto found = loopEntries_.find(key); found != loopEntries_.end())
      return found->second;
    const wasm::Module& module = lazy.module;
    std::string symbol = loopEntrySymbol(module, module.numImportedFuncs + index, loopOffset);
    const void* code = WASMC_TRY(compileAndLink(index, loopOffset, bodies_, symbol, "loop entry"));
    loopEntries_.emplace(key, code);
    return code;
  }

  LazyModule lazy;
  std::vector<void*> functionTable; // JitCode::functions: the stubs
  std::unique_ptr<LazyCallThroughManager> callThrough;
  std::unique_ptr<IndirectStubsManager> stubs;

private:
  /// Tier-up's LLVM code for a function whose stub leads to its baseline
  /// code, in its own dylib (the bodies dylib has the symbol already).
  Expected<const void*> compileTiered(uint32_t index) {
    return compileAndLink(index, std::nullopt, tiered_, symbolOf(index), "tier-up");
  }

  /// Compiles defined function `index` (or its entry at `loopOffset`) to an
  /// object, links it into `dylib` and returns the code of `symbol` in it.
  /// Both dylibs link against the module's stubs only: calls in the code,
  /// even to its own function, go through stubs. The recorder reports the
  /// code (LazyModule::compiled) while it is linked.
  Expected<const void*> compileAndLink(uint32_t index, std::optional<uint32_t> loopOffset, JITDylib& dylib,
                                       const std::string& symbol, const char* what) {
    const wasm::Module& module = lazy.module;
    Partition partition{index, index + 1, /*split=*/true, /*tables=*/false,
                        isBigFunction(module, index, lazy.options.optLevel), loopOffset};
    // On a big stack, as FunctionUnit compiles (LLVM recurses deeply).
    Expected<std::vector<char>> object = Error{};
    thread compiler(std::optional<unsigned>(kCompileStackBytes),
                    [&] { object = compilePartitionObject(module, lazy.options, partition); });
    compiler.join();
    if (!object)
      return withFunction(std::move(object).error(), index);
    auto buffer = MemoryBuffer::getMemBufferCopy(StringRef(object->data(), object->size()), symbol + ".o");
    if (auto error = process_.jit->addObjectFile(dylib, std::move(buffer)))
      return withFunction(toError(std::move(error), what), index);
    ExecutionSession& session = process_.jit->getExecutionSession();
    auto found = session.lookup(makeJITDylibSearchOrder({&dylib}, JITDylibLookupFlags::MatchAllSymbols),
                                session.intern(symbol));
    if (!found)
      return withFunction(toError(found.takeError(), what), index);
    return found->getAddress().toPtr<const void*>();
  }

  std::string symbolOf(uint32_t index) const {
    return functionSymbol(lazy.module, lazy.module.numImportedFuncs + index);
  }
  Expected<void> checkIndex(uint32_t index) const {
    if (index >= lazy.module.functions.size())
      return Error{ErrorKind::Usage, kNoOffset, "no defined function " + std::to_string(index), kNoFunction};
    return {};
  }
  Error withFunction(Error error, uint32_t index) const {
    error.function = lazy.module.numImportedFuncs + index;
    return error;
  }

  JitProcess& process_;
  JITDylib& module_;
  JITDylib& bodies_;
  JITDylib& tiered_;
  std::mutex loopEntriesMutex_;
  std::unordered_map<uint64_t, const void*> loopEntries_; // (index << 32 | offset) -> code
};

} // namespace

Expected<std::unique_ptr<JitCode>> compileJitLazy(const wasm::Module& module, const Options& options) {
  for (uint32_t i = 0; i < module.functions.size(); ++i)
    WASMC_TRY(checkFunctionLimits(module, module.numImportedFuncs + i));
  // Only the trampolines and tables now (lazy: without the table of
  // functions, which is built from the stubs below), with LLVM's -O0 code
  // generator: two trampolines per function type are glue around a call
  // and run once per call between host and wasm, and at -O2 they took
  // 1.3 s of a first run for clang.wasm's types (0.13 s at -O0).
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
  auto tiered = session.createJITDylib(name + "_tiered");
  if (!tiered) {
    consumeError(session.removeJITDylibs({&*moduleDylib, &*bodies}));
    return toError(tiered.takeError(), "JIT");
  }
  auto code = std::make_unique<LazyJitCode>(*process, *moduleDylib, *bodies, *tiered);
  code->lazy.module = module;
  code->lazy.options = options;
  code->lazy.linker = &jit.getObjLinkingLayer();
  code->lazy.code = code.get();

  const Triple& triple = jit.getTargetTriple();
  auto callThrough = createLocalLazyCallThroughManager(
      triple, session, ExecutorAddr::fromPtr(reinterpret_cast<void*>(&lazyCompileFailed)));
  if (!callThrough)
    return toError(callThrough.takeError(), "lazy JIT");
  code->callThrough = std::move(*callThrough);
  code->stubs = createLocalIndirectStubsManagerBuilder(triple)();

  if (auto error = moduleDylib->define(absoluteSymbols(libcallSymbols(session))))
    return toError(std::move(error), "JIT");
  for (JITDylib* dylib : {&*bodies, &*tiered})
    dylib->setLinkOrder({{&*moduleDylib, JITDylibLookupFlags::MatchExportedSymbolsOnly}},
                        /*LinkAgainstThisJITDylibFirst=*/false);
  // The stubs go in batches of kStubsPerBatch: ORC's local stubs manager
  // numbers the stubs of one block with 16 bits, so one block of more than
  // 65,536 stubs (clang.wasm has 133,398 functions) made stubs share
  // numbers, and calls reached other functions' bodies (issue 15's lazy-JIT
  // bug; LazyStubsTest). Each batch reserves its own block.
  constexpr uint32_t kStubsPerBatch = 1u << 15;
  SymbolAliasMap stubs;
  SymbolLookupSet stubSymbols;
  std::vector<SymbolStringPtr> symbols; // per defined function
  symbols.reserve(module.functions.size());
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    std::string symbolName = functionSymbol(module, module.numImportedFuncs + i);
    SymbolStringPtr symbol = session.intern(symbolName);
    stubSymbols.add(symbol);
    symbols.push_back(symbol);
    code->lazy.indexOf.emplace(symbolName, i);
    if (auto error = bodies->define(std::make_unique<FunctionUnit>(code->lazy, i, symbol)))
      return toError(std::move(error), "lazy JIT");
    stubs[symbol] = SymbolAliasMapEntry(symbol, JITSymbolFlags::Exported | JITSymbolFlags::Callable);
    if (stubs.size() == kStubsPerBatch || i + 1 == module.functions.size()) {
      if (auto error =
              moduleDylib->define(lazyReexports(*code->callThrough, *code->stubs, *bodies, std::move(stubs))))
        return toError(std::move(error), "lazy JIT");
      stubs = SymbolAliasMap();
    }
  }
  for (JITDylib* dylib : {&*bodies, &*tiered})
    process->recorder->watch(dylib, [lazy = &code->lazy](const SymbolStringPtr& symbol,
                                                         std::vector<CodeRange> ranges) {
      lazy->compiled(symbol, std::move(ranges));
    });
  auto buffer =
      MemoryBuffer::getMemBufferCopy(StringRef(tablesObject.data(), tablesObject.size()), "wasm_tables.o");
  if (auto error = jit.addObjectFile(*moduleDylib, std::move(buffer)))
    return toError(std::move(error), "JIT");

  WASMC_TRY(findCodeTables(*process, *moduleDylib, *code, /*functionTable=*/false));
  // The table of functions: each function's stub, in one lookup.
  auto stubAddresses = session.lookup(makeJITDylibSearchOrder(&*moduleDylib), std::move(stubSymbols));
  if (!stubAddresses)
    return toError(stubAddresses.takeError(), "lazy JIT");
  code->functionTable.resize(module.functions.size());
  for (uint32_t i = 0; i < module.functions.size(); ++i)
    code->functionTable[i] = (*stubAddresses)[symbols[i]].getAddress().toPtr<void*>();
  code->functions = code->functionTable.data();
  return std::unique_ptr<JitCode>(std::move(code));
}

} // namespace wasmc::codegen
