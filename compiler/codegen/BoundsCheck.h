#pragma once
// The one place that decides how a linear-memory access is kept in bounds.
// See BoundsCheck.cpp for the rules.

#include <cstdint>

namespace llvm {
class Value;
}

namespace wasmc::codegen {

class FunctionContext;

/// The host address of a wasm access of `size` bytes at `address` (an i32
/// value) plus the static `offset`, in memory 0.
llvm::Value* memoryAccessAddress(FunctionContext& fc, llvm::Value* address, uint64_t offset, uint32_t size);

} // namespace wasmc::codegen
