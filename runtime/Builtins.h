#pragma once
// The runtime services compiled code calls through VMContext::builtins, and
// the bounds-checked bulk operations instantiation shares with them.

#include "runtime/Abi.h"

namespace wasmc::rt {

class Instance;

/// The table every VMContext points to.
const abi::Builtins& builtinTable();

/// table.init and memory.init with the spec's bounds checks (nothing is
/// written when they fail); used for active segments at instantiation too.
abi::TrapCode builtinTableInit(Instance* instance, uint32_t table, uint32_t segment, uint32_t dst,
                               uint32_t src, uint32_t count);
abi::TrapCode builtinMemoryInit(Instance* instance, uint32_t segment, uint32_t dst, uint32_t src,
                                uint32_t count);

} // namespace wasmc::rt
