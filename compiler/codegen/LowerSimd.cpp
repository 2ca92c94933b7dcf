// Fixed-width SIMD (0xFD prefix). Not lowered yet: the driver reports such
// modules as unsupported instead of miscompiling them.

#include "compiler/codegen/FunctionContext.h"

namespace wasmc::codegen {

bool lowerSimd(FunctionContext&, const wasm::Instr&) { return false; }

} // namespace wasmc::codegen
