#pragma once
// Private to compiler/codegen: the process's one LLJIT, shared by the eager
// JIT (Jit.cpp) and the lazy one (LazyJit.cpp).

#include "compiler/codegen/Codegen.h"

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h>

#include <functional>
#include <map>
#include <mutex>

namespace wasmc::codegen {

/// A code range, [first, second).
using CodeRange = std::pair<uintptr_t, uintptr_t>;

/// Records the executable memory each JITDylib's code landed in, as JITLink
/// fixes up the graph. (Function symbols are local and do not survive into
/// the link graph by name, so function boundaries come from wasmc_functions.)
/// A watched JITDylib instead reports each graph's code as it is fixed up,
/// before any of it can run (the lazy JIT's function bodies).
class CodeRangeRecorder : public llvm::orc::ObjectLinkingLayer::Plugin {
public:
  /// Called with the materialization's first symbol and its code.
  using Watcher = std::function<void(const llvm::orc::SymbolStringPtr& symbol, std::vector<CodeRange> code)>;

  void modifyPassConfig(llvm::orc::MaterializationResponsibility& responsibility, llvm::jitlink::LinkGraph& graph,
                        llvm::jitlink::PassConfiguration& config) override;
  llvm::Error notifyFailed(llvm::orc::MaterializationResponsibility&) override { return llvm::Error::success(); }
  llvm::Error notifyRemovingResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey) override {
    return llvm::Error::success();
  }
  void notifyTransferringResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey, llvm::orc::ResourceKey) override {}

  /// The code recorded for `dylib` so far, forgetting it.
  std::vector<CodeRange> take(llvm::orc::JITDylib* dylib);
  void watch(llvm::orc::JITDylib* dylib, Watcher watcher);
  void unwatch(llvm::orc::JITDylib* dylib);

private:
  std::mutex mutex_;
  std::map<llvm::orc::JITDylib*, std::vector<CodeRange>> ranges_;
  std::map<llvm::orc::JITDylib*, Watcher> watchers_;
};

struct JitProcess {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::shared_ptr<CodeRangeRecorder> recorder;
  // Recursive: a JitCode destroyed on an error path of compileJit removes
  // its dylib while compileJit still holds the lock.
  std::recursive_mutex mutex;
  uint64_t nextDylib = 0;
};

/// The process's JIT, started on first use. Thread-safe.
Expected<JitProcess*> jitProcess();

/// Functions LLVM may call on its own (memcpy for big copies, libm for
/// rounding on CPUs without SSE4.1). Nothing else of the process is visible.
llvm::orc::SymbolMap libcallSymbols(llvm::orc::ExecutionSession& session);

/// Looks up the code tables and wasmc_code_end in `dylib` (linking whatever
/// defines them) and takes the code blocks recorded for it; the table of
/// functions only if `functionTable` (the lazy JIT builds its own).
Expected<void> findCodeTables(JitProcess& process, llvm::orc::JITDylib& dylib, JitCode& code,
                              bool functionTable = true);

/// compileJit with options.lazy.
Expected<std::unique_ptr<JitCode>> compileJitLazy(const wasm::Module& module, const Options& options);

} // namespace wasmc::codegen
