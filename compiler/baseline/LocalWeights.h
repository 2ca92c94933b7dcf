#pragma once
// Which locals of a function the baseline compiler keeps in registers
// (docs/BASELINE.md, "Registers and the value stack"): a quick pass over
// the body weighs each local by its reads and writes, four times more per
// enclosing loop. Architecture-neutral: the compiler hands the heaviest to
// the registers its target has for them.

#include "compiler/wasm/Module.h"

#include <cstdint>
#include <vector>

namespace wasmc::baseline {

/// Weight per local (parameters first); 0 for locals never touched.
std::vector<uint64_t> weighLocals(const wasm::Module& module, const wasm::Function& function);

} // namespace wasmc::baseline
