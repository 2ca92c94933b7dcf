#pragma once
// The public face of compiler/codegen: wasm module in, native code out. No
// LLVM types here; LLVM is a private dependency of wasmc_codegen.

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Features.h"
#include "compiler/wasm/Module.h"
#include "runtime/Abi.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace wasmc::codegen {

struct Options {
  unsigned optLevel = 2;      // 0..3, LLVM's -O levels
  std::string cpu = "native"; // "native" (this host), "generic" (x86-64 baseline) or an LLVM CPU name
  /// Threads compiling partitions in parallel: 0 = one per hardware thread;
  /// 1 = one partition compiled on the calling thread.
  unsigned jobs = 0;
  /// Partitions the module's functions are split into, each lowered,
  /// optimised and code-generated on its own (LLVM inlines only within a
  /// partition). 0 = automatic: one per job, fewer for small modules.
  unsigned partitions = 0;
  /// compileJit only: compile each function when it is first called instead
  /// of all of them up front (a big module starts at once; calls between
  /// functions go through stubs, and LLVM inlines nothing).
  bool lazy = false;
  /// Every loop also checks for an interrupt (Store::interrupt,
  /// -W timeout): one load of VMContext::stackLimit, a compare and a branch
  /// per iteration of the optimised loop (InsertInterruptPolls.h). Function entries check always (the stack check does it).
  /// Off: the code is what it was without interruption.
  bool interruptible = false;
  /// The code consumes the store's fuel (StoreRecord::fuel; the costs and
  /// where they are charged: compiler/wasm/Fuel.h) and traps with
  /// OutOfFuel at a function entry or loop header once it is spent.
  bool fuel = false;
  /// The WebAssembly features a module may use (`--wasm NAME=y|n`): what
  /// the engine accepts, so part of the cache key too.
  wasm::Features features = {};

  /// abi::kCode* flags for what the options instrument.
  uint64_t codeFlags() const {
    return (interruptible ? abi::kCodeInterruptible : 0) | (fuel ? abi::kCodeFuel : 0);
  }
};

/// Relocatable ELF objects, one per partition, in link order (the last one
/// holds the code tables and wasmc_code_end).
using ObjectFiles = std::vector<std::vector<char>>;

/// What an artifact records about the wasmc that compiled it.
struct ArtifactIdentity {
  uint8_t buildId[32] = {};
  /// The wasm bytes go into the artifact section after the header (an
  /// executable reads them from its own image); otherwise the header only
  /// records their size, and sealing appends them to the linked file.
  bool wasmInSection = false;
};

/// Code compiled into this process by the JIT. Destroying it frees the code;
/// the runtime must have stopped using it (no instance may still call it).
class JitCode {
public:
  virtual ~JitCode();

  // The three arrays of runtime/Abi.h (kFunctionsSymbol, ...).
  void* const* functions = nullptr;           // per defined function
  const abi::EntryTrampoline* entries = nullptr; // per type index
  void* const* hostAdapters = nullptr;        // per type index
  const void* codeEnd = nullptr;              // abi::kCodeEndSymbol
  /// The executable memory the code occupies, [first, second) pairs; with
  /// the tables this gives the trap handler its function ranges.
  std::vector<std::pair<uintptr_t, uintptr_t>> codeBlocks;
  /// Per defined function (imports not counted), the pc -> wasm offset
  /// table of its code (abi::PcOffset; empty for a lazy JIT's stubs). The
  /// engine moves them into the trap handler's records.
  std::vector<std::vector<abi::PcOffset>> offsets;
  /// Options::lazy: `functions` holds stubs, and each function compiled
  /// later is reported here (defined-function index counting imports, and
  /// the [start, end) of its code) before that code can run, on the thread
  /// that first called it. Set it before running any of the module's code.
  /// `loopEntry`: the code is a loop entry (compileLoopEntry); `offsets`
  /// its pc -> wasm offset table.
  std::function<void(uint32_t funcIndex, uintptr_t start, uintptr_t end, bool loopEntry,
                     std::vector<abi::PcOffset> offsets)>
      onCompiled;
  /// Options::lazy: asked first when defined function `index` (imports
  /// not counted) is first called, on the calling thread, inside the
  /// abi::kStackReserve below the caller's frame. Code it returns (in the
  /// function's calling convention, already known to the trap handler)
  /// becomes the function's and its stub points there; null: LLVM compiles
  /// the function as usual. The baseline tier compiles here
  /// (engine/BaselineModule.cpp). Set it before running any of the
  /// module's code; it must be thread-safe.
  std::function<const void*(uint32_t index)> firstCallCode;

  // Tier-up (docs/BASELINE.md), Options::lazy only; other JitCode returns
  // ErrorKind::Unsupported. Both are thread-safe and may run while the
  // module's code runs on other threads.

  /// Points defined function `index`'s stub (imports not counted) at
  /// `target`, which must follow the function's calling convention. Every
  /// call of the function goes through its stub (FuncRefs, tables, calls
  /// from other functions), so every call that starts after this store
  /// reaches `target`; calls already running finish where they are.
  virtual Expected<void> redirect(uint32_t index, const void* /*target*/) {
    return Error{ErrorKind::Unsupported, kNoOffset, "only the lazy JIT's functions can be redirected", index};
  }

  /// Compiles defined function `index` with LLVM on the calling thread,
  /// unless its stub already did (never with firstCallCode set: the stub
  /// may lead to that code), reports it through onCompiled, and returns
  /// its code. Does not redirect the stub.
  virtual Expected<const void*> compileFunction(uint32_t index) {
    return Error{ErrorKind::Unsupported, kNoOffset, "only the lazy JIT compiles single functions", index};
  }

  /// On-stack replacement (docs/BASELINE.md): compiles, once per loop, a
  /// variant of defined function `index` that starts at the header of the
  /// loop whose `loop` instruction is at module byte offset `loopOffset`,
  /// reached with an empty operand stack, and returns the function's
  /// result:  result entry(VMContext*, const uint64_t* locals)
  /// where local i's bits (parameters first; i32 and f32 in the low half)
  /// are at locals[-i], as the baseline frame keeps them. The code is
  /// reported through onCompiled under the function's index. Errors:
  /// ErrorKind::Unsupported if no such loop is reachable there.
  virtual Expected<const void*> compileLoopEntry(uint32_t index, uint32_t /*loopOffset*/) {
    return Error{ErrorKind::Unsupported, kNoOffset, "only the lazy JIT compiles loop entries", index};
  }
};

/// Lowers and optimises a validated module and emits relocatable ELF objects
/// for this host (the shared first half of the JIT and AOT paths), one per
/// partition, compiled on up to options.jobs threads. All threads are joined
/// before it returns; on failure the error of the first failing partition
/// (lowest function index) is returned. Thread-safe. Errors:
/// ErrorKind::Unsupported (instructions wasmc cannot lower yet, LLVM
/// failures), with the function index where one applies.
Expected<ObjectFiles> compileToObjects(const wasm::Module& module, const Options& options);

/// compileToObjects for a .cwasm: the last object also carries the artifact
/// section (runtime/Abi.h ArtifactHeader + the module's wasm bytes), with
/// digest and mac left zero for the runtime to seal after linking.
Expected<ObjectFiles> compileArtifactObjects(const wasm::Module& module, const Options& options,
                                             const ArtifactIdentity& identity);

/// Links artifact objects into an ELF shared object with lld, in process.
Expected<std::vector<uint8_t>> linkSharedObject(const ObjectFiles& objects);

/// Links artifact objects into an executable with lld, in process.
/// `arguments` is a complete ld.lld command line in which the single element
/// "@OBJECT@" stands for the objects (in order) and "@OUTPUT@" for the output file.
Expected<std::vector<uint8_t>> linkExecutable(const ObjectFiles& objects, const std::vector<std::string>& arguments);

enum class EmitForm { LlvmIr, Assembly, Object };
/// The optimised LLVM IR, the assembly or the object file of a module, for
/// --emit, partitioned as compileToObjects would: the text of each
/// partition in link order, or one relocatable object merged by lld.
Expected<std::string> emitModule(const wasm::Module& module, const Options& options, EmitForm form);

/// Lowers, optimises and JIT-compiles a validated module. Thread-safe.
/// With Options::lazy the code compiles the module's functions as they are
/// first called: `module` must outlive the JitCode (the engine keeps both
/// in one rt::CompiledModule, which frees the code first).
Expected<std::unique_ptr<JitCode>> compileJit(const wasm::Module& module, const Options& options);

} // namespace wasmc::codegen
