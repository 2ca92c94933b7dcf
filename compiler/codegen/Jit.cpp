// The JIT: the objects compileToObjects produces, linked into this process
// by ORC's JITLink. One LLJIT per process, one JITDylib per compiled module, so
// dropping a module frees exactly its code. Compiled code sees no process
// symbols: only the libcalls LLVM itself may emit are defined for it.

#include "compiler/codegen/Codegen.h"
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

namespace {

/// Records the executable memory each JITDylib's code landed in, as JITLink
/// fixes up the graph. (Function symbols are local and do not survive into
/// the link graph by name, so function boundaries come from wasmc_functions.)
class CodeRangeRecorder : public ObjectLinkingLayer::Plugin {
public:
  void modifyPassConfig(MaterializationResponsibility& responsibility, jitlink::LinkGraph&,
                        jitlink::PassConfiguration& config) override {
    JITDylib* dylib = &responsibility.getTargetJITDylib();
    config.PostFixupPasses.push_back([this, dylib](jitlink::LinkGraph& graph) -> llvm::Error {
      std::vector<std::pair<uintptr_t, uintptr_t>> found;
      for (jitlink::Section& section : graph.sections()) {
        if ((section.getMemProt() & MemProt::Exec) == MemProt::None)
          continue;
        for (jitlink::Block* block : section.blocks()) {
          uintptr_t start = block->getAddress().getValue();
          found.emplace_back(start, start + block->getSize());
        }
      }
      std::lock_guard<std::mutex> lock(mutex_);
      auto& ranges = ranges_[dylib];
      ranges.insert(ranges.end(), found.begin(), found.end());
      return llvm::Error::success();
    });
  }

  llvm::Error notifyFailed(MaterializationResponsibility&) override { return llvm::Error::success(); }
  llvm::Error notifyRemovingResources(JITDylib&, ResourceKey) override { return llvm::Error::success(); }
  void notifyTransferringResources(JITDylib&, ResourceKey, ResourceKey) override {}

  std::vector<std::pair<uintptr_t, uintptr_t>> take(JITDylib* dylib) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto ranges = std::move(ranges_[dylib]);
    ranges_.erase(dylib);
    return ranges;
  }

private:
  std::mutex mutex_;
  std::map<JITDylib*, std::vector<std::pair<uintptr_t, uintptr_t>>> ranges_;
};

/// Functions LLVM may call on its own (memcpy for big copies, libm for
/// rounding on CPUs without SSE4.1). Nothing else of the process is visible.
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

struct JitProcess {
  std::unique_ptr<LLJIT> jit;
  std::shared_ptr<CodeRangeRecorder> recorder;
  // Recursive: a JitCode destroyed on an error path of compileJit removes
  // its dylib while compileJit still holds the lock.
  std::recursive_mutex mutex;
  uint64_t nextDylib = 0;
};

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

Expected<std::unique_ptr<JitCode>> compileJit(const wasm::Module& module, const Options& options) {
  ObjectFiles objects = WASMC_TRY(compileToObjects(module, options));
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

  auto lookup = [&](const char* name) -> Expected<void*> {
    auto address = jit.lookup(*dylib, name);
    if (!address)
      return toError(address.takeError(), "JIT symbol lookup");
    return address->toPtr<void*>();
  };
  code->functions = static_cast<void* const*>(WASMC_TRY(lookup(abi::kFunctionsSymbol)));
  code->entries = static_cast<const abi::EntryTrampoline*>(WASMC_TRY(lookup(abi::kEntriesSymbol)));
  code->hostAdapters = static_cast<void* const*>(WASMC_TRY(lookup(abi::kHostAdaptersSymbol)));
  code->codeEnd = WASMC_TRY(lookup(abi::kCodeEndSymbol));
  code->codeBlocks = process->recorder->take(&*dylib);
  return std::unique_ptr<JitCode>(std::move(code));
}

} // namespace wasmc::codegen
