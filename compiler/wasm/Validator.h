#pragma once
// Validation of a decoded module: the full typing rules of WebAssembly 2.0,
// module level here, function bodies through TypeChecker.

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Module.h"

namespace wasmc::wasm {

/// Validates `module`. Errors are ErrorKind::Invalid (or Malformed where the
/// spec classifies a body-decoding problem as malformed) with the spec test
/// suite's wording, the byte offset and, inside code, the function index.
Expected<void> validateModule(const Module& module);

/// decodeModule + validateModule.
Expected<Module> loadModule(std::span<const uint8_t> bytes);
Expected<Module> loadModule(std::vector<uint8_t>&& bytes);

} // namespace wasmc::wasm
