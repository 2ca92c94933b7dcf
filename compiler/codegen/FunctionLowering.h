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

/// Defines the loop entry of defined function `index` at the `loop`
/// instruction at byte offset `loopOffset` (JitCode::compileLoopEntry has
/// its signature): the function's body, entered at that loop's header with
/// the locals read from the caller's buffer. Errors: ErrorKind::Unsupported
/// when no loop is reachable at that offset with an empty operand stack.
Expected<void> lowerLoopEntry(ModuleContext& mc, wasm::FuncIndex index, uint32_t loopOffset);

} // namespace wasmc::codegen
