#pragma once
// Validation of a decoded module: the full typing rules of WebAssembly 2.0
// and of the 3.0 features implemented (Features.h),
// module level here, function bodies through TypeChecker.

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Features.h"
#include "compiler/wasm/Module.h"

namespace wasmc::wasm {

/// Validates `module` with `features` on (compiler/wasm/Features.h). Errors
/// are ErrorKind::Invalid (or Malformed where the spec classifies a
/// body-decoding problem as malformed) with the spec test suite's wording,
/// the byte offset and, inside code, the function index.
Expected<void> validateModule(const Module& module, const Features& features = {});

/// decodeModule + validateModule.
Expected<Module> loadModule(std::span<const uint8_t> bytes, const Features& features = {});
Expected<Module> loadModule(std::vector<uint8_t>&& bytes, const Features& features = {});

} // namespace wasmc::wasm
