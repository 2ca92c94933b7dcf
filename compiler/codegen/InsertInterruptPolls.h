#pragma once
// Interrupt polls for code compiled interruptible (Options::interruptible),
// added after optimisation. See InsertInterruptPolls.cpp for why then.

#include <llvm/IR/Module.h>

namespace wasmc::codegen {

/// The function attribute the lowering puts on functions that need polls.
inline constexpr const char* kInterruptPollsAttribute = "wasmc-interrupt-polls";

/// In every function of `module` carrying kInterruptPollsAttribute: at the
/// head of every block a cycle of the control-flow graph enters through
/// (the targets of depth-first back edges, so irreducible cycles too),
/// traps with TrapCode::Interrupt when the store was interrupted
/// (VMContext::stackLimit reads abi::kInterruptStackLimit).
void insertInterruptPolls(llvm::Module& module);

} // namespace wasmc::codegen
