#pragma once
// A validated module together with its native code, however that code was
// produced (JIT in this process, or a loaded .cwasm). Immutable and shared
// by every instance made from it.

#include "compiler/wasm/Module.h"
#include "runtime/Abi.h"
#include "runtime/CodeRegistry.h"
#include "runtime/OffsetTableFormat.h"
#include "runtime/MemoryImage.h"
#include "runtime/MemoryPool.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace wasmc::rt {

/// The three arrays every compiled object exports (runtime/Abi.h).
struct CodeTables {
  void* const* functions = nullptr;           // per defined function
  const abi::EntryTrampoline* entries = nullptr; // per type index
  void* const* hostAdapters = nullptr;        // per type index
  const void* codeEnd = nullptr;              // abi::kCodeEndSymbol
};

/// An executable address range holding compiled code: [first, second).
using CodeBlock = std::pair<uintptr_t, uintptr_t>;

/// Per-function code ranges for the trap handler and backtraces: each
/// function runs from its entry to the next entry of any function or
/// trampoline, or to the end of the code block holding it. (Function symbols
/// are local, so boundaries come from the code tables, for JIT and AOT alike.)
/// `offsets`, when not empty, holds each defined function's pc -> wasm
/// offset table (FunctionRange::offsets), moved into the ranges.
std::vector<FunctionRange> functionRanges(const wasm::Module& module, const CodeTables& code,
                                          const std::vector<CodeBlock>& blocks, OffsetTableList offsets = {});

class CompiledModule {
public:
  /// `owner` keeps the code mapped (a JIT session, a dlopen handle); it is
  /// released after the code is unregistered from the trap handler.
  CompiledModule(wasm::Module module, CodeTables code, std::shared_ptr<void> owner,
                 std::vector<FunctionRange> ranges);
  /// The same for a module the code refers to (a lazy JIT compiles its
  /// functions later): the module lives as long as `owner`.
  CompiledModule(std::shared_ptr<const wasm::Module> module, CodeTables code, std::shared_ptr<void> owner,
                 std::vector<FunctionRange> ranges);
  ~CompiledModule();
  CompiledModule(const CompiledModule&) = delete;
  CompiledModule& operator=(const CompiledModule&) = delete;

  const wasm::Module& module() const { return *module_; }
  /// How the code was instrumented (abi::kCode* flags).
  uint64_t codeFlags() const { return codeFlags_; }
  void setCodeFlags(uint64_t flags) { codeFlags_ = flags; }
  /// Loop headers check for interrupts (codegen::Options::interruptible):
  /// Store::interrupt stops loops, not only calls.
  bool interruptible() const { return codeFlags_ & abi::kCodeInterruptible; }
  /// The code consumes the store's fuel (codegen::Options::fuel).
  bool consumesFuel() const { return codeFlags_ & abi::kCodeFuel; }
  const CodeTables& code() const { return code_; }
  /// Registers code compiled after construction (functions a lazy JIT
  /// compiles on first call) with the trap handler, before it can run.
  /// Thread-safe.
  void addCode(std::vector<FunctionRange> ranges) const;
  /// addCode for one function of this module (function index counting
  /// imports), code [start, end), with its pc -> wasm offset table.
  void addFunctionCode(uint32_t funcIndex, uintptr_t start, uintptr_t end, bool loopEntry,
                       std::vector<abi::PcOffset> offsets) const;
  /// Canonical signature id per type index.
  const std::vector<uint32_t>& signatureIds() const { return sigIds_; }
  /// The image instances map their memory's initial contents from
  /// (MemoryImage.h), made on the first ask; null when the data segments
  /// cannot be imaged (or images are off). Thread-safe.
  const std::shared_ptr<const MemoryImage>& memoryImage() const;
  /// What an instantiation maps: null for the module's first (it copies
  /// its segments, which costs less than making the image: flite's 21 MB
  /// took 85 ms more on its one run), memoryImage() from the second on.
  std::shared_ptr<const MemoryImage> memoryImageForInstance() const;
  /// Where this module's instances take their memory from and give it back
  /// (MemoryPool.h), made on the first ask; null when pooling is off or the
  /// module defines no memory. Thread-safe.
  std::shared_ptr<MemoryPool> memoryPool() const;
  /// How many memories this module keeps for its next instances (an
  /// engine's choice, wasmc_config_memory_pool_set); unset, the process's
  /// (setMemoryPoolCapacity). Before its first instantiation.
  void setMemoryPoolCapacity(size_t capacity) const { poolCapacity_.store(int64_t(capacity)); }

private:
  std::shared_ptr<const wasm::Module> module_;
  CodeTables code_;
  std::shared_ptr<void> owner_;
  uint64_t registration_ = 0;
  std::vector<uint32_t> sigIds_;
  uint64_t codeFlags_ = 0;
  mutable std::atomic<uint64_t> instantiations_{0}; // memoryImageForInstance's
  mutable std::once_flag imageOnce_;
  mutable std::shared_ptr<const MemoryImage> image_; // shared with the memories that map it
  mutable std::once_flag poolOnce_;
  mutable std::shared_ptr<MemoryPool> pool_;
  mutable std::atomic<int64_t> poolCapacity_{-1}; // -1: memoryPoolCapacity()
};

} // namespace wasmc::rt
