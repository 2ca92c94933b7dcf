#pragma once
// Private to compiler/codegen: where each piece of machine code came from in
// the wasm module, for trap backtraces (runtime/Abi.h abi::PcOffset).
//
// The lowering gives every LLVM instruction a debug location whose line is
// the module byte offset of the wasm instruction it was lowered from (one
// line-tables-only compile unit per partition). LLVM keeps those locations
// through optimisation and writes them to the object's DWARF line table,
// which readOffsetTables turns back into pc -> offset tables per function.
// Inlined code is attributed to its call site (attributeInlinedCode), as
// the frame it runs in is the caller's.

#include "compiler/wasm/Module.h"
#include "runtime/Abi.h"

#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/Module.h>

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace wasmc::codegen {

/// The debug-info side of one partition's llvm::Module.
class OffsetLines {
public:
  explicit OffsetLines(llvm::Module& module);
  /// Gives `function` a subprogram (its locations' scope) starting at
  /// module offset `start`.
  llvm::DISubprogram* attach(llvm::Function& function, uint32_t start);
  /// The location of the wasm instruction at module offset `offset`.
  static llvm::DILocation* at(llvm::DISubprogram* scope, uint32_t offset);
  /// Completes the debug info; call once, after lowering, before verifying.
  void finish();

private:
  llvm::DIBuilder builder_;
  llvm::DIFile* file_;
  llvm::DICompileUnit* unit_;
  llvm::DISubroutineType* type_;
};

/// Run after optimisation: every location inlined into a function becomes
/// that of its outermost call site, so a pc maps to an offset in the
/// function whose frame it is.
void attributeInlinedCode(llvm::Module& module);

/// pc -> wasm offset table (pcs relative to the symbol) of every function
/// symbol defined in relocatable ELF `object`, from its DWARF line table.
/// Functions without line rows (trampolines) are left out; an object
/// without debug info gives an empty map.
std::unordered_map<std::string, std::vector<abi::PcOffset>> readOffsetTables(std::span<const char> object);

/// readOffsetTables of all of a module's objects, per defined function
/// (imports not counted; loop entries left out): JitCode::offsets.
std::vector<std::vector<abi::PcOffset>> functionOffsetTables(const wasm::Module& module,
                                                             const std::vector<std::vector<char>>& objects);

} // namespace wasmc::codegen
