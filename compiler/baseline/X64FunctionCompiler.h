#pragma once
// Private to compiler/baseline: the one-pass compiler of one function
// (X64Compiler.h is its entry point). Its parts live in four files:
// X64Compiler.cpp (the walk over the body, the frame, control flow and
// traps), X64Operands.cpp (where operands live: registers, slots,
// spilling), X64Numeric.cpp (integer and float instructions) and
// X64Access.cpp (calls, globals and memory).

#include "compiler/baseline/X64Assembler.h"
#include "compiler/baseline/ValueStack.h"
#include "compiler/baseline/X64Compiler.h"
#include "compiler/wasm/BodyDecoder.h"
#include "compiler/wasm/Fuel.h"
#include "compiler/wasm/Module.h"
#include "runtime/Abi.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
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
  uint32_t height; // operands below the frame's own values (all in their slots)
  uint32_t arity;  // results (params are not supported yet)
  bool reachableAtEntry;
  bool hasElse = false;
};

/// Registers with a fixed role. r14 and r15 are callee-saved, so calls to
/// code of any tier keep them; r11 is never allocated to an operand.
inline constexpr Reg kVmctx = Reg::r14;
inline constexpr Reg kMemoryBase = Reg::r15; // VMContext::memoryBase: fixed for an instance's life
inline constexpr Reg kScratch = Reg::r11;
/// The integer registers operands may occupy (all caller-saved), in the
/// order they are handed out: the ones no instruction needs first.
inline constexpr Reg kOperandGprs[] = {Reg::rsi, Reg::rdi, Reg::r8, Reg::r9, Reg::r10, Reg::rax, Reg::rcx, Reg::rdx};
inline constexpr int kOperandFprs = 8; // xmm0..xmm7
/// Registers that hold the heaviest locals for a whole function
/// (LocalWeights.h): callee-saved integer ones, which calls keep, and
/// float ones, which the compiler saves to the locals' slots around calls.
inline constexpr Reg kLocalGprs[] = {Reg::rbx, Reg::r12, Reg::r13};
inline constexpr Xmm kLocalFprs[] = {Xmm::xmm8, Xmm::xmm9, Xmm::xmm10, Xmm::xmm11, Xmm::xmm12, Xmm::xmm13, Xmm::xmm14};

inline uint8_t regNumber(Reg reg) { return static_cast<uint8_t>(reg); }
inline uint8_t regNumber(Xmm reg) { return static_cast<uint8_t>(reg); }

/// The one-pass compiler of one function: operands in registers while a
/// straight run of code computes them, in frame slots at control-flow
/// merges and calls (ValueStack.h, docs/BASELINE.md); locals in frame slots.
class FunctionCompiler {
public:
  FunctionCompiler(const wasm::Module& module, uint32_t index, const CallCounting& counting)
      : module_(module), function_(module.functions[index]), type_(module.types[function_.type]),
        index_(index), counting_(counting) {}

  Expected<std::vector<uint8_t>> run();
  /// After run: the code's pc -> wasm offset table.
  std::vector<abi::PcOffset> takeOffsets() { return std::move(offsets_); }

  Expected<void> visit(const wasm::Instr& instr);

private:
  static bool isInteger(ValType type) { return type == ValType::I32 || type == ValType::I64; }
  static bool isFloat(ValType type) { return type == ValType::F32 || type == ValType::F64; }
  /// Values the baseline compiler keeps in 8-byte slots as raw bits.
  static bool isScalar(ValType type) { return isInteger(type) || isFloat(type); }
  static bool isWide(ValType type) { return type == ValType::I64 || type == ValType::F64; }

  Error unsupported(uint64_t offset, const std::string& what) const {
    Error error = makeError(ErrorKind::Unsupported, offset, "the baseline compiler does not handle " + what + " yet");
    return error;
  }

  /// Frame slot n: [rbp - kSavedBytes - 8(n + 1)], below the saved r14,
  /// r15, rbx, r12 and r13 (the last three only when locals use them).
  /// Slot 0 keeps the VMContext, then the locals (parameters first), then
  /// the operand stack. A local kept in a register has a slot too: the
  /// register's value goes there around calls (float ones) and for
  /// on-stack replacement.
  static constexpr int32_t kSavedBytes = 40;
  static Mem savedSlot(int i) { return at(Reg::rbp, -8 * (i + 1)); }
  Mem slot(uint32_t n) const { return at(Reg::rbp, -kSavedBytes - 8 * static_cast<int32_t>(n + 1)); }
  Mem vmctxSlot() const { return slot(0); }
  Mem localSlot(uint32_t local) const { return slot(1 + local); }
  /// The home slot of the operand at stack position `index` (from the bottom).
  Mem stackSlot(uint32_t index) const { return slot(1 + numLocals_ + index); }
  ValType localType(uint32_t local) const { return localTypes_[local]; }

  // --- locals in registers ----------------------------------------------

  /// Hands kLocalGprs and kLocalFprs to the heaviest locals.
  void assignLocalRegisters();
  std::optional<Reg> localGpr(uint32_t local) const {
    if (localRegs_[local] < 0 || isFloat(localTypes_[local]))
      return std::nullopt;
    return static_cast<Reg>(localRegs_[local]);
  }
  std::optional<Xmm> localFpr(uint32_t local) const {
    if (localRegs_[local] < 0 || !isFloat(localTypes_[local]))
      return std::nullopt;
    return static_cast<Xmm>(localRegs_[local]);
  }
  /// Float locals in registers to their slots before a call (which
  /// clobbers every xmm register) and back after it; `all` includes the
  /// integer ones (on-stack replacement reads every local from its slot).
  void saveRegisterLocals(bool all = false);
  void reloadRegisterLocals(bool all = false);

  // --- operands (X64Operands.cpp) ----------------------------------------

  uint32_t indexOf(uint32_t depth) const { return stack_.size() - 1 - depth; }
  /// A free integer register outside `avoid`; when none is free, the
  /// deepest operand in a register outside `avoid` goes to its slot.
  Reg allocGpr(RegSet avoid = {});
  Xmm allocFpr(RegSet avoid = {});
  /// The deepest operand of `home` (Gpr or Fpr) in a register outside
  /// `avoid` goes to its slot; returns that register's number.
  uint8_t spillDeepest(Home home, RegSet avoid);
  /// The operand at `depth` in an integer (float) register of its own,
  /// loaded there if it is elsewhere; the stack records the move.
  Reg gprAt(uint32_t depth, RegSet avoid = {});
  Xmm fprAt(uint32_t depth, bool wide, RegSet avoid = {});
  /// The operand at `depth` in exactly `reg`, whatever held it moved away.
  void moveTo(uint32_t depth, Reg reg, RegSet avoid = {});
  /// Whatever operand holds `reg` moves to another register.
  void freeGpr(Reg reg, RegSet avoid = {});
  /// The operand's bits into `reg` (no bookkeeping); 32-bit moves
  /// zero-extend, 64-bit ones leave a 32-bit value's upper half undefined.
  void load(const Operand& operand, uint32_t index, Width width, Reg reg);
  void loadFloat(const Operand& operand, uint32_t index, bool wide, Xmm reg);
  /// Writes the operand's bits to `to`, through kScratch if needed.
  void storeOperand(const Operand& operand, uint32_t index, const Mem& to);
  void spillAt(uint32_t index);
  /// Every operand to its slot: control-flow merges.
  void spillAll();
  /// Operands in registers to their slots: calls clobber those registers.
  void spillRegisters();
  /// The constant at `depth` as an imm32 of an instruction of `width`.
  std::optional<int32_t> immediate(uint32_t depth, Width width);
  /// The register of the local the operand at `depth` reads, if it is one
  /// kept in an integer register (for instructions that only read it).
  std::optional<Reg> localRegisterAt(uint32_t depth) {
    const Operand& operand = stack_.at(depth);
    return operand.home == Home::Local ? localGpr(operand.local) : std::nullopt;
  }
  /// Where the operand at `depth` is in memory, if it is.
  std::optional<Mem> memoryOperand(uint32_t depth);
  /// A comparison's result stays in the flags when the next instruction
  /// branches on it (br_if, if, select, eqz); any other makes it 0 or 1
  /// in a register first (visit). Everything emitted between the compare
  /// and its consumer is a move, a load or a store, which keep the flags.
  void pushFlags(Cond cond) { stack_.push(Operand::flags(static_cast<uint8_t>(cond))); }
  void materializeFlags();
  /// The top operand, popped, as the condition under which it is nonzero.
  Cond popCondition();
  static Cond negate(Cond cond) { return static_cast<Cond>(static_cast<uint8_t>(cond) ^ 1); }
  void pushGpr(Reg reg) { stack_.push(Operand::gpr(regNumber(reg))); }
  void pushFpr(Xmm reg, bool wide) { stack_.push(Operand::fpr(regNumber(reg), wide)); }

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

  /// The top operand into rax or xmm0, as the function returns it.
  void placeResult();

  void patchFrameSize();

  // --- control ---------------------------------------------------------

  uint32_t blockArity(const wasm::BlockType& block) const {
    return block.kind == wasm::BlockType::Kind::Value ? 1 : 0;
  }

  Expected<void> enter(const wasm::Instr& instr);

  Expected<void> elseBranch();

  Expected<void> end();

  /// Writes the values a branch to `target` carries to the slots the
  /// target expects them in, then jumps. Leaves the stack as it was (the
  /// code after a br_if goes on with it).
  void jumpTo(ControlFrame& target);

  ControlFrame& label(uint32_t depth) { return control_[control_.size() - 1 - depth]; }

  Expected<void> branch(uint32_t depth);

  Expected<void> branchIf(uint32_t depth);

  /// Small tables compare the index with each case; larger ones jump
  /// through a table of 32-bit offsets (emitted after the code) to one stub
  /// per distinct target, which moves the values the branch carries.
  Expected<void> branchTable(const wasm::Instr& instr);

  void emitJumpTables();

  Expected<void> returnNow();

  /// Unreachable code is skipped, but its blocks still open and close.
  Expected<void> visitUnreachable(const wasm::Instr& instr);

  // --- locals ----------------------------------------------------------

  /// local.set and local.tee: operands still reading the local's old
  /// value are read first.
  void setLocal(uint32_t local, bool keep);

  // --- values ----------------------------------------------------------

  Expected<void> select();

  /// The two-operand integer instructions: the result replaces the second
  /// from top, in its register; the top may stay a constant or in memory.
  void alu(Alu op, Width width);
  void multiply(Width width);
  void compare(Width width, Cond cond);
  void shift(Shift op, Width width);

  // --- traps -----------------------------------------------------------

  /// Each wasm instruction that can trap gets its own stubs, so that the
  /// stub's call of raiseTrap tells the backtrace which instruction it was.
  Label& trapLabel(abi::TrapCode code) { return traps_[{code, currentOffset_}]; }
  /// The out-of-fuel paths of fuel charges (chargeFuel): each calls
  /// Builtins::outOfFuel (which keeps every register) and goes back to
  /// `resume` when it returns (the store refuelled).
  struct RefuelStub {
    Label entry;
    Label resume;
    uint32_t offset;
  };
  void emitRefuelStubs();
  /// Starts the code of the wasm instruction at module offset `offset`
  /// (the pc -> offset table, compileFunctionX64's `offsets`).
  void markOffset(uint32_t offset);
  /// A loop header's interrupt check (CallCounting::pollInterrupts).
  void pollInterrupt();
  /// Pays for the stretch of wasm starting here (CallCounting::consumeFuel).
  void chargeFuel(const wasm::FuelCharge& charge);

  /// Builtins::raiseTrap(vmctx, code), which does not return: the runtime
  /// unwinds to the call's activation and collects the backtrace along the
  /// frame-pointer chain, through baseline and LLVM frames alike.
  void emitTrapStubs();

  /// dividend in rax, divisor in another register; the quotient (rax) or
  /// remainder (rdx) replaces both, with wasm's traps: a zero divisor, and
  /// the one signed quotient that overflows (INT_MIN / -1; its remainder
  /// is 0).
  void divide(Width width, bool isSigned, bool remainder);

  // --- calls and globals -------------------------------------------------

  /// A call through the callee's FuncRef (VMContext::funcs), whatever
  /// compiled it: the LLVM tier, this one, or a host adapter.
  Expected<void> call(const wasm::Instr& instr);

  /// call_indirect: the table's bounds, a null element and the signature
  /// are checked (with the LLVM code's trap codes), then the call goes
  /// through the element's FuncRef.
  Expected<void> callIndirect(const wasm::Instr& instr);

  /// What calls support so far: scalar arguments and at most one scalar
  /// result.
  Expected<void> checkCallable(const wasm::Instr& instr, const wasm::FuncType& callee);

  /// Calls the FuncRef in r11 with the arguments on top of the operand
  /// stack (none of them in a register), System V, and pushes its result.
  void callFuncRef(const wasm::FuncType& callee);

  Expected<void> global(const wasm::Instr& instr);

  // --- memory ----------------------------------------------------------

  /// [memory base + zext(address) + offset] for the address operand at
  /// `depth`: an access there faults in the guard region exactly when
  /// wasm traps, as BoundsCheck.cpp's addresses do (the 8 GiB above the
  /// base cover any 32-bit address plus a 32-bit offset). The zero
  /// extension is explicit (a 32-bit move into kScratch), so no
  /// register's upper half can ever reach an address.
  Mem address(uint32_t depth, uint64_t offset, RegSet avoid);

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

  /// The top value (of size `from`) in a float register, op on it in
  /// place, its size then `to`.
  template <class Op>
  void floatUnary(FloatSize from, const Op& op, std::optional<FloatSize> to = {}) {
    Xmm reg = fprAt(0, from == FloatSize::F64);
    op(reg);
    stack_.replace(indexOf(0), Operand::fpr(regNumber(reg), to.value_or(from) == FloatSize::F64));
  }

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

  /// Integer to float: `width` of the (signed) source; a 32-bit move first
  /// makes an unsigned i32 a non-negative i64.
  void convert(FloatSize size, Width width, bool unsignedI32);
  /// Float to integer (X64Convert.cpp): traps on NaN and out of range, or
  /// saturates (NaN gives 0).
  void truncate(FloatSize size, Width width, bool isSigned, bool saturating);
  /// Unsigned 64-bit integer to float.
  void convertUnsigned64(FloatSize size);
  void loadFloatConstant(FloatSize size, Xmm dst, double value);

  Expected<bool> numeric(const wasm::Instr& instr);

  const wasm::Module& module_;
  const wasm::Function& function_;
  const wasm::FuncType& type_;
  uint32_t index_;
  CallCounting counting_;
  std::optional<wasm::FuelPlan> fuelPlan_; // CallCounting::consumeFuel
  Assembler a_;
  std::vector<ControlFrame> control_;
  ValueStack stack_;
  std::vector<ValType> localTypes_; // parameters first
  std::vector<int8_t> localRegs_;   // per local: its register's number, or -1
  std::vector<Reg> savedGprs_;      // kLocalGprs in use: saved in the prologue
  uint32_t numLocals_ = 0;
  size_t frameSizeAt_ = 0;
  size_t stackCheckSizeAt_ = 0;
  // Out-of-line trap stubs, emitted last: per kind and instruction offset.
  std::map<std::pair<abi::TrapCode, uint32_t>, Label> traps_;
  std::vector<std::unique_ptr<RefuelStub>> refuelStubs_; // boxed: labels must not move
  uint32_t currentOffset_ = 0;           // the instruction being compiled
  std::vector<abi::PcOffset> offsets_;   // pc -> wasm offset, sorted by pc
  struct JumpTable {
    Label start;
    std::vector<size_t> entries; // per case: its stub in stubLabels_
  };
  // Emitted last; boxed because labels must not move (and, unlike deques,
  // empty vectors allocate nothing: most functions have no jump table).
  std::vector<std::unique_ptr<JumpTable>> jumpTables_;
  std::vector<std::unique_ptr<Label>> stubLabels_;
  bool reachable_ = true;
};

} // namespace wasmc::baseline::detail
