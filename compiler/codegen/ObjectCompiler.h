#pragma once
// Private to compiler/codegen: compiling one partition on its own (the lazy
// JIT compiles the tables first, then one function per partition as each is
// first called).

#include "compiler/codegen/Partition.h"

namespace wasmc::codegen {

/// Lowers, optimises and code-generates `partition` of `module` on the
/// calling thread. Thread-safe (each call has its own LLVM context).
Expected<std::vector<char>> compilePartitionObject(const wasm::Module& module, const Options& options,
                                                   const Partition& partition);

} // namespace wasmc::codegen
