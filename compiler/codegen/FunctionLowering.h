#pragma once
// Lowers one defined wasm function's body into its declared LLVM function.

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Module.h"
#include "compiler/wasm/Types.h"

namespace wasmc::codegen {

class ModuleContext;

/// Whether wasmc can lower defined function `index` at all (implementation
/// limits such as the number of locals). lowerFunction checks it too; the
/// lazy JIT checks every function up front, because a function it cannot
/// compile on its first call has no way to fail but to abort.
Expected<void> checkFunctionLimits(const wasm::Module& module, wasm::FuncIndex index);

/// Fills in the body of mc.definedFunction(index). The module must be valid;
/// errors are only for what wasmc does not support yet (ErrorKind::Unsupported).
Expected<void> lowerFunction(ModuleContext& mc, wasm::FuncIndex index);

} // namespace wasmc::codegen
