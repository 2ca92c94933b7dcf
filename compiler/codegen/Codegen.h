#pragma once
// The public face of compiler/codegen: wasm module in, native code out. No
// LLVM types here; LLVM is a private dependency of wasmc_codegen.

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Module.h"
#include "runtime/Abi.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wasmc::codegen {

struct Options {
  unsigned optLevel = 2;      // 0..3, LLVM's -O levels
  std::string cpu = "native"; // "native" (this host), "generic" (x86-64 baseline) or an LLVM CPU name
};

/// What an artifact records about the wasmc that compiled it.
struct ArtifactIdentity {
  uint8_t buildId[32] = {};
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
};

/// Lowers and optimises a validated module and emits a relocatable ELF object
/// for this host (the shared first half of the JIT and AOT paths).
/// Thread-safe. Errors: ErrorKind::Unsupported (instructions wasmc cannot
/// lower yet, LLVM failures).
Expected<std::vector<char>> compileToObject(const wasm::Module& module, const Options& options);

/// compileToObject for a .cwasm: the object also carries the artifact
/// section (runtime/Abi.h ArtifactHeader + the module's wasm bytes), with
/// fileHash left zero for the runtime to seal after linking.
Expected<std::vector<char>> compileArtifactObject(const wasm::Module& module, const Options& options,
                                                  const ArtifactIdentity& identity);

/// Links an artifact object into an ELF shared object with lld, in process.
Expected<std::vector<uint8_t>> linkSharedObject(const std::vector<char>& object);

/// Links an artifact object into an executable with lld, in process.
/// `arguments` is a complete ld.lld command line in which the single element
/// "@OBJECT@" stands for the object and "@OUTPUT@" for the output file.
Expected<std::vector<uint8_t>> linkExecutable(const std::vector<char>& object,
                                              const std::vector<std::string>& arguments);

enum class TextForm { LlvmIr, Assembly };
/// The optimised LLVM IR or the assembly of a module, for --emit.
Expected<std::string> emitText(const wasm::Module& module, const Options& options, TextForm form);

/// Lowers, optimises and JIT-compiles a validated module. Thread-safe.
Expected<std::unique_ptr<JitCode>> compileJit(const wasm::Module& module, const Options& options);

} // namespace wasmc::codegen
