#pragma once
// Private to compiler/codegen: the state of lowering one wasm function to
// LLVM IR (builder, operand stack, control stack) and the helpers every
// instruction family uses. Each Lower*.cpp file implements one family as
// `bool lowerX(FunctionContext&, const wasm::Instr&)`, returning false for
// opcodes outside its family.

#include "compiler/wasm/BodyDecoder.h"
#include "compiler/wasm/Module.h"
#include "runtime/Abi.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Module.h>

#include <algorithm>
#include <map>
#include <vector>

namespace wasmc::codegen {

class ModuleContext;

/// One entry of the control stack: a block, loop, if, or the function body.
struct ControlFrame {
  wasm::Opcode kind = wasm::Opcode::Block; // Block, Loop, If, Else, or End for the function
  std::vector<llvm::Type*> paramTypes;
  std::vector<llvm::Type*> resultTypes;
  /// Where `end` continues; its PHIs collect the results from every branch.
  llvm::BasicBlock* endBlock = nullptr;
  std::vector<llvm::PHINode*> endPhis;
  /// Loops: the header, whose PHIs collect the parameters of each iteration.
  llvm::BasicBlock* loopHeader = nullptr;
  std::vector<llvm::PHINode*> loopPhis;
  /// Ifs: the else block (entered when the condition is false) and the
  /// parameter values to give it.
  llvm::BasicBlock* elseBlock = nullptr;
  std::vector<llvm::Value*> elseParams;
  size_t stackHeight = 0;        // operand stack height below the params
  bool reachableAtEntry = true;  // false when the block starts in dead code
  uint32_t offset = 0;           // the block/loop/if instruction's byte offset
  /// The code after the block's end is another copy of the body's (a loop
  /// entry's, FunctionLowering.cpp): endBlock and endPhis are that copy's,
  /// and after the end this copy's code is dead.
  bool endsElsewhere = false;

  bool isLoop() const { return kind == wasm::Opcode::Loop; }
  /// The values a branch to this frame carries: params for loops, else results.
  const std::vector<llvm::Type*>& labelTypes() const { return isLoop() ? paramTypes : resultTypes; }
};

class FunctionContext {
public:
  FunctionContext(ModuleContext& moduleContext, wasm::FuncIndex funcIndex, llvm::Function* function);

  // --- what lowering code uses directly -----------------------------------
  ModuleContext& mc;
  const wasm::Module& module;
  llvm::LLVMContext& ctx;
  llvm::IRBuilder<> b;
  llvm::Function* fn;
  wasm::FuncIndex funcIndex;
  llvm::Value* vmctx = nullptr;      // the first argument
  llvm::Value* memoryBase = nullptr; // loaded once in the entry block (it never moves)
  std::vector<llvm::Value*> stack;   // the wasm operand stack
  size_t maxStackHeight = 0;         // the most values `stack` held, for the frame estimate
  std::vector<ControlFrame> control;
  std::vector<llvm::AllocaInst*> locals; // params and locals; mem2reg promotes them

  // --- operand stack --------------------------------------------------------
  void push(llvm::Value* value) {
    stack.push_back(value);
    maxStackHeight = std::max(maxStackHeight, stack.size());
  }
  llvm::Value* pop() {
    llvm::Value* top = stack.back();
    stack.pop_back();
    return top;
  }
  /// Pops `count` values, returned in stack order (deepest first).
  std::vector<llvm::Value*> popN(size_t count);

  // --- types and constants --------------------------------------------------
  llvm::Type* llvmType(wasm::ValType type) const;
  llvm::IntegerType* i8() const { return llvm::Type::getInt8Ty(ctx); }
  llvm::IntegerType* i32() const { return llvm::Type::getInt32Ty(ctx); }
  llvm::IntegerType* i64() const { return llvm::Type::getInt64Ty(ctx); }
  llvm::Type* f32() const { return llvm::Type::getFloatTy(ctx); }
  llvm::Type* f64() const { return llvm::Type::getDoubleTy(ctx); }
  llvm::Type* v128() const; // <2 x i64>, wasm's canonical v128 representation
  llvm::PointerType* ptr() const { return llvm::PointerType::getUnqual(ctx); }
  llvm::ConstantInt* constI32(uint32_t value) const { return llvm::ConstantInt::get(i32(), value); }
  llvm::ConstantInt* constI64(uint64_t value) const { return llvm::ConstantInt::get(i64(), value); }
  /// Float constants from their exact bit patterns (NaN payloads preserved).
  llvm::Constant* constF32Bits(uint32_t bits) const;
  llvm::Constant* constF64Bits(uint64_t bits) const;

  // --- traps ------------------------------------------------------------------
  /// Branches to a cold block that raises `code` when `condition` is true;
  /// lowering continues in the fall-through block.
  void trapIf(llvm::Value* condition, abi::TrapCode code);
  /// Raises `code` unconditionally; the current block ends.
  void trap(abi::TrapCode code);

  // --- VMContext and runtime -------------------------------------------------
  /// Loads a field of VMContext at `offset` (use offsetof(abi::VMContext, f)).
  llvm::Value* loadVmctxField(size_t offset, llvm::Type* type, const char* name = "");
  /// Loads builtin `offset` (offsetof(abi::Builtins, f)) and calls it with
  /// vmctx prepended to `args`.
  llvm::CallInst* callBuiltin(size_t offset, llvm::FunctionType* type, llvm::ArrayRef<llvm::Value*> args);
  /// Calls a builtin that returns a TrapCode, trapping when it is non-zero.
  void callBuiltinChecked(size_t offset, llvm::ArrayRef<llvm::Value*> args);

  /// Tags an access with its alias class (ModuleContext::tbaa*).
  void markLinearMemory(llvm::Instruction* access) const;
  void markGlobal(llvm::Instruction* access) const;

  llvm::Value* callIntrinsic(llvm::Intrinsic::ID id, llvm::ArrayRef<llvm::Type*> types,
                             llvm::ArrayRef<llvm::Value*> args);

  /// True while lowering dead code after br/return/unreachable: instructions
  /// are skipped until the enclosing block ends.
  bool unreachable() const { return unreachable_; }
  void setUnreachable(bool value) { unreachable_ = value; }
  /// Nesting depth of blocks opened inside dead code (not lowered at all).
  uint32_t deadDepth = 0;

private:
  llvm::BasicBlock* trapBlock(abi::TrapCode code);

  /// One cold block per trap kind and wasm instruction (its debug location,
  /// WasmOffsets.h), so that the call in it tells which instruction trapped.
  std::map<std::pair<abi::TrapCode, llvm::DILocation*>, llvm::BasicBlock*> trapBlocks_;
  bool unreachable_ = false;
};

/// Fills the empty `block` with a cold, non-returning call of
/// VMContext::builtins->raiseTrap(vmctx, code) and `unreachable`: every
/// trap block, the lowering's and InsertInterruptPolls'. The call is at
/// `location` and never merged with another (nomerge), which would lose it.
void emitRaiseTrap(llvm::BasicBlock* block, llvm::Value* vmctx, abi::TrapCode code, llvm::DebugLoc location);

// The instruction families; each returns false for an opcode not its own.
bool lowerControl(FunctionContext& fc, const wasm::Instr& instr);
bool lowerCall(FunctionContext& fc, const wasm::Instr& instr);
bool lowerVariable(FunctionContext& fc, const wasm::Instr& instr);
bool lowerNumeric(FunctionContext& fc, const wasm::Instr& instr);
bool lowerConvert(FunctionContext& fc, const wasm::Instr& instr);
bool lowerMemory(FunctionContext& fc, const wasm::Instr& instr);
bool lowerTable(FunctionContext& fc, const wasm::Instr& instr);
bool lowerSimd(FunctionContext& fc, const wasm::Instr& instr);

} // namespace wasmc::codegen
