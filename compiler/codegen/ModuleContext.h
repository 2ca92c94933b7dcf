#pragma once
// Private to compiler/codegen: what lowering needs across a whole module —
// the llvm::Module, wasm function types as LLVM types, and the declared
// functions — plus the generation of trampolines and the symbol tables.

#include "compiler/codegen/WasmOffsets.h"
#include "compiler/wasm/Module.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace wasmc::codegen {

class ModuleContext {
public:
  ModuleContext(llvm::LLVMContext& context, const wasm::Module& module, std::unique_ptr<llvm::Module> llvmModule);

  llvm::LLVMContext& ctx;
  const wasm::Module& module;
  std::unique_ptr<llvm::Module> llvmModule;
  /// The wasm offset of every instruction as its debug location.
  std::unique_ptr<OffsetLines> lines;
  /// Options::interruptible: loops check for an interrupt (the lowering
  /// marks functions; InsertInterruptPolls.h adds the polls).
  bool interruptible = false;
  bool fuel = false; // codegen::Options::fuel

  /// Type-based alias analysis tags for the three kinds of memory compiled
  /// code touches, which never overlap: linear memory, global cells, and
  /// runtime structures (VMContext, tables, FuncRefs). Lets LLVM keep a
  /// global (the shadow stack pointer, say) in a register across stores to
  /// linear memory.
  llvm::MDNode* tbaaLinearMemory = nullptr;
  llvm::MDNode* tbaaGlobal = nullptr;
  llvm::MDNode* tbaaRuntime = nullptr;

  /// The LLVM type of a wasm value type.
  llvm::Type* valueType(wasm::ValType type) const;
  /// void, the single result, or a struct of the results. In a struct, f32
  /// and f64 results are i32 and i64 fields (their bits): the x86-64 return
  /// convention puts a third float or double result on the x87 stack, whose
  /// loads quiet signalling NaNs, while integers go in general registers
  /// and, past those, in memory (LLVM demotes the return to a hidden
  /// pointer), where every bit is kept. Issue 20.
  llvm::Type* resultType(const wasm::FuncType& type) const;
  /// The return value of a function with `type` made from its results
  /// (wasm types, as valueType gives them), and the other way round.
  llvm::Value* packResults(llvm::IRBuilderBase& b, const wasm::FuncType& type,
                           llvm::ArrayRef<llvm::Value*> results) const;
  std::vector<llvm::Value*> unpackResults(llvm::IRBuilderBase& b, const wasm::FuncType& type,
                                          llvm::Value* returned) const;
  /// The wasm calling convention: result(ptr vmctx, params...).
  llvm::FunctionType* wasmFunctionType(wasm::TypeIndex type) const { return functionTypes_[type]; }
  llvm::FunctionType* wasmFunctionType(const wasm::FuncType& type) const;
  /// The LLVM function of defined function `index` (index includes imports):
  /// one this partition defines, or a declaration of another partition's.
  /// The loop entry of defined function `index` at the loop at byte offset
  /// `loopOffset` (JitCode::compileLoopEntry), a hidden external symbol.
  llvm::Function* declareLoopEntry(wasm::FuncIndex index, uint32_t loopOffset);
  llvm::Function* definedFunction(wasm::FuncIndex index) {
    llvm::Function*& function = functions_[index - module.numImportedFuncs];
    if (!function)
      function = declareFunction(index);
    return function;
  }

  /// Defined functions are declared on first use (definedFunction), with
  /// internal linkage, or, when this llvm::Module is one partition of
  /// several (`split`, set before lowering), with hidden external symbols
  /// the other partitions link against.
  void prepareFunctions(bool split);
  /// Emits the entry trampolines, host adapters and the three symbol arrays.
  void emitTrampolinesAndTables(bool functionTable);

private:
  llvm::Function* declareFunction(wasm::FuncIndex index);
  llvm::Function* emitEntryTrampoline(wasm::TypeIndex type);
  llvm::Function* emitHostAdapter(wasm::TypeIndex type);
  void emitPointerArray(const char* name, const std::vector<llvm::Constant*>& elements);

  std::vector<llvm::FunctionType*> functionTypes_;
  std::vector<llvm::Function*> functions_; // per defined function, null until declared
  bool split_ = false;                      // see prepareFunctions
};

/// The symbol of defined function `index` (index includes imports):
/// "wasm_function_<index>", plus "_<name>" when the name section has one.
std::string functionSymbol(const wasm::Module& module, wasm::FuncIndex index);
/// The symbol of a loop entry: the function's, then "$osr" and the offset.
std::string loopEntrySymbol(const wasm::Module& module, wasm::FuncIndex index, uint32_t loopOffset);
/// The defined function (imports not counted) whose code `name` is: its
/// functionSymbol, or with `loopEntry`, one of its loopEntrySymbols.
std::optional<uint32_t> functionOfSymbol(const wasm::Module& module, std::string_view name, bool* loopEntry);

/// Attributes every function we emit carries (frame pointers for backtraces,
/// stack probes for big frames, no unwind tables needed).
void addFunctionAttributes(llvm::Function* function);

} // namespace wasmc::codegen
