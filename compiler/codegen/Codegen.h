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
  unsigned optLevel = 2; // 0..3, LLVM's -O levels
};

/// Where one compiled wasm function lives in memory.
struct FunctionRange {
  uintptr_t start = 0;
  uintptr_t end = 0;
  uint32_t funcIndex = 0;
  std::string name;
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
  /// Per defined function, sorted by address; for the trap handler's code
  /// registry and backtraces.
  std::vector<FunctionRange> ranges;
};

/// Lowers and optimises a validated module and emits a relocatable ELF object
/// for this host (the shared first half of the JIT and AOT paths).
/// Thread-safe. Errors: ErrorKind::Unsupported (instructions wasmc cannot
/// lower yet, LLVM failures).
Expected<std::vector<char>> compileToObject(const wasm::Module& module, const Options& options);

/// Lowers, optimises and JIT-compiles a validated module. Thread-safe.
Expected<std::unique_ptr<JitCode>> compileJit(const wasm::Module& module, const Options& options);

} // namespace wasmc::codegen
