// The JIT: the objects compileToObjects produces, linked into this process
// by ORC's JITLink. One LLJIT per process, one JITDylib per compiled module, so
// dropping a module frees exactly its code. Compiled code sees no process
// symbols: only the libcalls LLVM itself may emit are defined for it.

#include "compiler/codegen/JitPrivate.h"
#include "compiler/codegen/WasmOffsets.h"
#include "compiler/codegen/LlvmError.h"
#include "compiler/codegen/Target.h"

#include <llvm/ExecutionEngine/JITLink/JITLink.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>

namespace wasmc::codegen {

using namespace llvm;
using namespace llvm::orc;

JitCode::~JitCode() = default;

void CodeRangeRecorder::modifyPassConfig(MaterializationResponsibility& responsibility, jitlink::LinkGraph&,
                                         jitlink::PassConfiguration& config) {
  JITDylib* dylib = &responsibility.getTargetJITDylib();
  Watcher watcher;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto found = watchers_.find(dylib); found != watchers_.end())
      watcher = found->second;
  }
  SymbolStringPtr symbol;
  if (!responsibility.getSymbols().empty())
    symbol = responsibility.getSymbols().begin()->first;
  config.PostFixupPasses.push_back([this, dylib, watcher, symbol](jitlink::LinkGraph& graph) -> llvm::Error {
    std::vector<CodeRange> found;
    for (jitlink::Section& section : graph.sections()) {
      if ((section.getMemProt() & MemProt::Exec) == MemProt::None)
        continue;
      for (jitlink::Block* block : section.blocks()) {
        uintptr_t start = block->getAddress().getValue();
        found.emplace_back(start, start + block->getSize());
      }
    }
    if (watcher) {
      watcher(symbol, std::move(found));
      return llvm::Error::success();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    auto& ranges = ranges_[dylib];
    ranges.insert(ranges.end(), found.begin(), found.end());
    return llvm::Error::success();
  });
}

std::vector<CodeRange> CodeRangeRecorder::take(JITDylib* dylib) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto ranges = std::move(ranges_[dylib]);
  ranges_.erase(dylib);
  return ranges;
}

void CodeRangeRecorder::watch(JITDylib* dylib, Watcher watcher) {
  std::lock_guard<std::mutex> lock(mutex_);
  watchers_[dylib] = std::move(watcher);
}

void CodeRangeRecorder::unwatch(JITDylib* dylib) {
  std::lock_guard<std::mutex> lock(mutex_);
  watchers_.erase(dylib);
}

SymbolMap libcallSymbols(ExecutionSession& session) {
  SymbolMap symbols;
  auto add = [&](const char* name, auto* function) {
    symbols[session.intern(name)] =
        ExecutorSymbolDef(ExecutorAddr::fromPtr(reinterpret_cast<void*>(function)), JITSymbolFlags::Exported);
  };
  add("memcpy", &::memcpy);
  add("memmove", &::memmove);
  add("memset", &::memset);
  add("ceil", static_cast<double (*)(double)>(&::ceil));
  add("ceilf", static_cast<float (*)(float)>(&::ceilf));
  add("floor", static_cast<double (*)(double)>(&::floor));
  add("floorf", static_cast<float (*)(float)>(&::floorf));
  add("trunc", static_cast<double (*)(double)>(&::trunc));
  add("truncf", static_cast<float (*)(float)>(&::truncf));
  add("nearbyint", static_cast<double (*)(double)>(&::nearbyint));
  add("nearbyintf", static_cast<float (*)(float)>(&::nearbyintf));
  add("rint", static_cast<double (*)(double)>(&::rint));
  add("rintf", static_cast<float (*)(float)>(&::rintf));
  add("roundeven", static_cast<double (*)(double)>(&::roundeven));
  add("roundevenf", static_cast<float (*)(float)>(&::roundevenf));
  add("fmin", static_cast<double (*)(double, double)>(&::fmin));
  add("fminf", static_cast<float (*)(float, float)>(&::fminf));
  add("fmax", static_cast<double (*)(double, double)>(&::fmax));
  add("fmaxf", static_cast<float (*)(float, float)>(&::fmaxf));
  return symbols;
}

Expected<JitProcess*> jitProcess() {
  static JitProcess process;
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    initializeLlvm();
    process.recorder = std::make_shared<CodeRangeRecorder>();
    auto recorder = process.recorder;
    auto jit = LLJITBuilder()
                   .setLinkProcessSymbolsByDefault(false)
                   // No ORC platform: our objects need no initialisers,
                   // TLS or process symbols.
                   .setPlatformSetUp(setUpInactivePlatform)
                   .setObjectLinkingLayerCreator(
                       [recorder](ExecutionSession& session, const Triple&) -> llvm::Expected<std::unique_ptr<ObjectLayer>> {
                         auto layer = std::make_unique<ObjectLinkingLayer>(session);
                         layer->addPlugin(recorder);
                         return layer;
                       })
                   .create();
    if (!jit) {
      failure = toString(jit.takeError());
      return;
    }
    process.jit = std::move(*jit);
  });
  if (!process.jit)
    return makeError(ErrorKind::Unsupported, kNoOffset, "cannot start the JIT: " + failure);
  return &process;
}

namespace {

class JitCodeImpl final : public JitCode {
public:
  JitCodeImpl(JitProcess& process, JITDylib& dylib) : process_(process), dylib_(dylib) {}
  ~JitCodeImpl() override {
    std::lock_guard<std::recursive_mutex> lock(process_.mutex);
    if (auto error = process_.jit->getExecutionSession().removeJITDylib(dylib_))
      consumeError(std::move(error));
  }

private:
  JitProcess& process_;
  JITDylib& dylib_;
};

} // namespace

Expected<void> findCodeTables(JitProcess& process, JITDylib& dylib, JitCode& code, bool functionTable) {
  auto lookup = [&](const char* name) -> Expected<void*> {
    auto address = process.jit->lookup(dylib, name);
    if (!address)
      return toError(address.takeError(), "JIT symbol lookup");
    return address->toPtr<void*>();
  };
  if (functionTable)
    code.functions = static_cast<void* const*>(WASMC_TRY(lookup(abi::kFunctionsSymbol)));
  code.entries = static_cast<const abi::EntryTrampoline*>(WASMC_TRY(lookup(abi::kEntriesSymbol)));
  code.hostAdapters = static_cast<void* const*>(WASMC_TRY(lookup(abi::kHostAdaptersSymbol)));
  code.codeEnd = WASMC_TRY(lookup(abi::kCodeEndSymbol));
  code.codeBlocks = process.recorder->take(&dylib);
  return {};
}

Expected<std::unique_ptr<JitCode>> compileJit(const wasm::Module& module, const Options& options) {
  if (options.lazy)
    return compileJitLazy(module, options);
  ObjectFiles objects = WASMC_TRY(compileToObjects(module, options));
  std::vector<std::vector<abi::PcOffset>> offsets = functionOffsetTables(module, objects);
  JitProcess* process = WASMC_TRY(jitProcess());
  std::lock_guard<std::recursive_mutex> lock(process->mutex);
  LLJIT& jit = *process->jit;
  ExecutionSession& session = jit.getExecutionSession();

  auto dylib = session.createJITDylib("wasm_module_" + std::to_string(process->nextDylib++));
  if (!dylib)
    return toError(dylib.takeError(), "JIT");
  auto code = std::make_unique<JitCodeImpl>(*process, *dylib);
  if (auto error = dylib->define(absoluteSymbols(libcallSymbols(session))))
    return toError(std::move(error), "JIT");
  // All partitions in one JITDylib, where their hidden function symbols
  // resolve against each other. Looking up the tables below links the last
  // object, which references every function, and so every other object.
  for (size_t i = 0; i < objects.size(); ++i) {
    auto buffer = MemoryBuffer::getMemBufferCopy(StringRef(objects[i].data(), objects[i].size()),
                                                 "wasm" + std::to_string(i) + ".o");
    if (auto error = jit.addObjectFile(*dylib, std::move(buffer)))
      return toError(std::move(error), "JIT");
  }

  WASMC_TRY(findCodeTables(*process, *dylib, *code));
  code->offsets = std::move(offsets);
  return std::unique_ptr<JitCode>(std::move(code));
}

} // namespace wasmc::codegen
