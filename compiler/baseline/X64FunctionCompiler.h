#pragma once
// Private to compiler/baseline: the one-pass compiler of one function
// (X64Compiler.h is its entry point). Its parts live in three files:
// X64Compiler.cpp (the walk over the body, the frame, control flow and
// traps), X64Numeric.cpp (integer and float instructions) and X64Access.cpp
// (calls, globals and memory).

#include "compiler/baseline/X64Assembler.h"
#include "compiler/baseline/X64Compiler.h"
#include "compiler/wasm/BodyDecoder.h"
#include "compiler/wasm/Module.h"
#include "runtime/Abi.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wasmc::baseline::detail {

using namespace x64;
using wasm::Opcode;
using wasm::ValType;

/// Integer parameter registers after rdi (the VMContext), System V order.
inline constexpr Reg kParamRegs[] = {Reg::rsi, Reg::rdx, Reg::rcx, Reg::r8, Reg::r9};

struct ControlFrame {
  Opcode kind;
  Label end;
  Label head;      // loops: the branch target
  Label elseLabel; // ifs: where a false condition goes
  uint32_t height; // operand slots below the frame's own values
  uint32_t arity;  // results (params are not supported yet)
  bool reachableAtEntry;
  bool hasElse = false;
};

/// A stack machine in the frame: every operand in an 8-byte slot, rax,
/// rcx and rdx as scratch (docs/BASELINE.md).
class FunctionCompiler {
public:
  FunctionCompiler(const wasm::Module& module, uint32_t index, const CallCounting& counting)
      : module_(module), function_(module.functions[index]), type_(module.types[function_.type]),
        index_(index), counting_(counting) {}

  Expected<std::vector<uint8_t>> run();

  Expected<void> visit(const wasm::Instr& instr);

private:
  static bool isInteger(ValType type) { return type == ValType::I32 || type == ValType::I64; }
  static bool isFloat(ValType type) { return type == ValType::F32 || type == ValType::F64; }
  /// Values the baseline compiler keeps in 8-byte slots as raw bits.
  static bool isScalar(ValType type) { return isInteger(type) || isFloat(type); }

  Error unsupported(uint64_t offset, const std::string& what) const {
    Error error = makeError(ErrorKind::Unsupported, offset, "the baseline compiler does not handle " + what + " yet");
    return error;
  }

  /// Frame slot n: [rbp - 8(n + 1)]. Slot 0 keeps the VMContext, then the
  /// locals (parameters first), then the operand stack.
  Mem slot(uint32_t n) const { return at(Reg::rbp, -8 * static_cast<int32_t>(n + 1)); }
  Mem vmctxSlot() const { return slot(0); }
  Mem localSlot(uint32_t local) const { return slot(1 + local); }
  Mem stackSlot(uint32_t depth) const { return slot(1 + numLocals_ + depth); }
  Mem pushSlot();
  void copy(const Mem& from, const Mem& to) {
    a_.load(Width::W64, Reg::rax, from);
    a_.store(Width::W64, to, Reg::rax);
  }

  void prologue();

  /// CallCounting's decrement, and the request when the count reaches 0.
  void countCall();

  /// At a loop header with an empty operand stack: CallCounting's loop
  /// count, and the jump to LLVM's loop entry when enterLoop returns one.
  void countLoop(uint32_t loopOffset);

  /// Decrements *counter; jumps to `counted` unless it reached 0.
  void decrement(int32_t* counter, Label& counted);

  /// The function's return: the result (if any) already in rax or xmm0.
  void epilogue();

  void patchFrameSize();

  // --- control ---------------------------------------------------------

  uint32_t blockArity(const wasm::BlockType& block) const {
    return block.kind == wasm::BlockType::Kind::Value ? 1 : 0;
  }

  Expected<void> enter(const wasm::Instr& instr);

  Expected<void> elseBranch();

  Expected<void> end();

  /// Moves the values a branch to `target` carries to where the target
  /// expects them, then jumps.
  void jumpTo(ControlFrame& target);

  ControlFrame& label(uint32_t depth) { return control_[control_.size() - 1 - depth]; }

  Expected<void> branch(uint32_t depth);

  Expected<void> branchIf(uint32_t depth);

  Expected<void> branchTable(const wasm::Instr& instr);

  /// Unreachable code is skipped, but its blocks still open and close.
  Expected<void> visitUnreachable(const wasm::Instr& instr);

  // --- values ----------------------------------------------------------

  Expected<void> select();

  /// rax = second from top, rcx = top; the result replaces both.
  void binary(Width width, const std::function<void()>& op);

  void compare(Width width, Cond cond);

  void unary(Width loadWidth, const std::function<void()>& op);

  // --- traps -----------------------------------------------------------

  Label& trapLabel(abi::TrapCode code) { return traps_[code]; }

  /// Builtins::raiseTrap(vmctx, code), which does not return: the runtime
  /// unwinds to the call's activation and collects the backtrace along the
  /// frame-pointer chain, through baseline and LLVM frames alike.
  void emitTrapStubs();

  /// rax = dividend, rcx = divisor; the quotient (rax) or remainder (rdx)
  /// replaces both, with wasm's traps: a zero divisor, and the one signed
  /// quotient that overflows (INT_MIN / -1; its remainder is 0).
  void divide(Width width, bool isSigned, bool remainder);

  // --- calls and globals -------------------------------------------------

  /// A call through the callee's FuncRef (VMContext::funcs), whatever
  /// compiled it: the LLVM tier, this one, or a host adapter. Integer
  /// parameters in registers only, for now.
  Expected<void> call(const wasm::Instr& instr);

  /// call_indirect: the table's bounds, a null element and the signature
  /// are checked (with the LLVM code's trap codes), then the call goes
  /// through the element's FuncRef.
  Expected<void> callIndirect(const wasm::Instr& instr);

  /// What calls support so far: scalar arguments that all fit in registers
  /// and at most one scalar result.
  Expected<void> checkCallable(const wasm::Instr& instr, const wasm::FuncType& callee);

  /// Calls the FuncRef in r11 with the arguments on top of the operand
  /// stack (below `top`), System V, and pushes its result.
  void callFuncRef(const wasm::FuncType& callee, uint32_t top);

  /// The global's cell (VMContext::globals[index]) in rcx.
  Expected<void> global(const wasm::Instr& instr);

  // --- memory ----------------------------------------------------------

  /// rdx = memory base, rax = zext(address) + offset: an access at
  /// [rdx + rax] faults in the guard region exactly when wasm traps, as
  /// BoundsCheck.cpp's addresses do (the 8 GiB above the base cover any
  /// 32-bit address plus a 32-bit offset).
  Mem address(uint32_t addressDepth, uint64_t offset);

  /// memory.copy and memory.fill: both ranges checked against the current
  /// size first (a trap writes nothing), then libc's memmove or memset, as
  /// the LLVM code does for lengths it does not know.
  void copyOrFill(Opcode op);

  Expected<bool> memory(const wasm::Instr& instr);

  /// clz and ctz with the bit scans every x86-64 has (bits - 1 - index,
  /// or the index; the operand's width for 0), popcnt with the instruction.
  void countBits(Width width, Opcode kind);

  // --- floats ------------------------------------------------------------

  void floatBinary(FloatSize size, FloatOp op);

  /// xmm0 = the top value (of size `from`), op, stored back as `to`.
  void floatUnary(FloatSize from, const std::function<void()>& op, std::optional<FloatSize> to = {});

  /// wasm's min and max: a NaN operand gives a NaN (a + b makes it quiet),
  /// equal operands combine their bits (min(-0, +0) is -0: or; max: and),
  /// and otherwise SSE's minss/maxss, which are right for ordered,
  /// unequal values.
  void minMax(FloatSize size, bool min);

  /// And with ~sign (abs) or xor with sign (neg), on the bits.
  void signBit(Width width, Alu op);

  void copysign(Width width);

  /// ucomis sets ZF, PF, CF; unordered (a NaN) sets all three, and every
  /// comparison but ne is then false. lt and le compare the other way
  /// round so that "above" (CF = ZF = 0) and "above or equal" (CF = 0)
  /// exclude unordered.
  void floatCompare(FloatSize size, Opcode kind);

  /// Integer to float: `width` of the (signed) source; a zero-extending
  /// 32-bit load first makes an unsigned i32 a non-negative i64.
  void convert(FloatSize size, Width width, bool unsignedI32);

  Expected<bool> numeric(const wasm::Instr& instr);

  const wasm::Module& module_;
  const wasm::Function& function_;
  const wasm::FuncType& type_;
  uint32_t index_;
  CallCounting counting_;
  Assembler a_;
  std::vector<ControlFrame> control_;
  uint32_t numLocals_ = 0;
  uint32_t height_ = 0;
  uint32_t maxHeight_ = 0;
  size_t frameSizeAt_ = 0;
  size_t stackCheckSizeAt_ = 0;
  std::map<abi::TrapCode, Label> traps_; // out-of-line trap stubs, emitted last
  bool reachable_ = true;
};

} // namespace wasmc::baseline::detail
