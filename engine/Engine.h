#pragma once
// The embedding glue: wasm bytes -> validated module -> native code -> a
// runtime CompiledModule. The one place that joins codegen and runtime.

#include "compiler/codegen/Codegen.h"
#include "runtime/CompiledModule.h"

#include <memory>
#include <span>

namespace wasmc::engine {

/// Decodes, validates and JIT-compiles `bytes`. Errors: Malformed, Invalid,
/// Unsupported.
Expected<std::shared_ptr<const rt::CompiledModule>> compileModule(std::span<const uint8_t> bytes,
                                                                  const codegen::Options& options);

/// The AOT round trip: compiles `bytes` to a .cwasm, authenticated with a
/// key that lives only in this process, and loads it with the runtime's
/// loader (through a sealed memfd, as `wasmc run FILE.cwasm` does). Errors as
/// compileModule, plus Artifact.
Expected<std::shared_ptr<const rt::CompiledModule>> compileModuleAot(std::span<const uint8_t> bytes,
                                                                     const codegen::Options& options);

} // namespace wasmc::engine
