#pragma once
// Lowers one defined wasm function's body into its declared LLVM function.

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Types.h"

namespace wasmc::codegen {

class ModuleContext;

/// Fills in the body of mc.definedFunction(index). The module must be valid;
/// errors are only for what wasmc does not support yet (ErrorKind::Unsupported).
Expected<void> lowerFunction(ModuleContext& mc, wasm::FuncIndex index);

} // namespace wasmc::codegen
