#include "compiler/baseline/X64Compiler.h"

#include "compiler/baseline/X64Assembler.h"
#include "compiler/wasm/BodyDecoder.h"
#include "runtime/Abi.h"

#include <cstddef>
#include <cstring>
#include <functional>
#include <map>
#include <optional>

namespace wasmc::baseline {

namespace {

using namespace x64;
using wasm::Opcode;
using wasm::ValType;

/// Integer parameter registers after rdi (the VMContext), System V order.
constexpr Reg kParamRegs[] = {Reg::rsi, Reg::rdx, Reg::rcx, Reg::r8, Reg::r9};

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

class Compiler {
public:
  Compiler(const wasm::Module& module, uint32_t index)
      : module_(module), function_(module.functions[index]), type_(module.types[function_.type]) {}

  Expected<std::vector<uint8_t>> run() {
    for (ValType param : type_.params)
      if (!isScalar(param))
        return unsupported(function_.entryOffset, "a vector or reference parameter");
    if (type_.results.size() > 1 || (type_.results.size() == 1 && !isScalar(type_.results[0])))
      return unsupported(function_.entryOffset, "results other than one integer or float");
    numLocals_ = static_cast<uint32_t>(type_.params.size() + function_.numLocals);
    for (const wasm::LocalDecl& decl : function_.locals)
      if (!isScalar(decl.type))
        return unsupported(function_.entryOffset, "a vector or reference local");

    prologue();
    ControlFrame body{Opcode::Block, {}, {}, {}, 0, static_cast<uint32_t>(type_.results.size()), true};
    control_.push_back(std::move(body));
    wasm::ByteReader reader(module_.slice(function_.body), function_.body.offset);
    WASMC_TRY(wasm::decodeBody(reader, *this));
    emitTrapStubs();
    patchFrameSize();
    return a_.code();
  }

  Expected<void> visit(const wasm::Instr& instr) {
    if (!reachable_)
      return visitUnreachable(instr);
    switch (instr.op) {
    case Opcode::Nop: return {};
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If: return enter(instr);
    case Opcode::Else: return elseBranch();
    case Opcode::End: return end();
    case Opcode::Br: return branch(instr.index);
    case Opcode::BrIf: return branchIf(instr.index);
    case Opcode::BrTable: return branchTable(instr);
    case Opcode::Return: return branch(static_cast<uint32_t>(control_.size() - 1));
    case Opcode::Drop: --height_; return {};
    case Opcode::Unreachable:
      a_.jmp(trapLabel(abi::TrapCode::Unreachable));
      reachable_ = false;
      return {};
    case Opcode::Call: return call(instr);
    case Opcode::CallIndirect: return callIndirect(instr);
    case Opcode::GlobalGet:
    case Opcode::GlobalSet: return global(instr);
    case Opcode::Select:
    case Opcode::SelectT: return select();
    case Opcode::F32Const:
    case Opcode::F64Const:
      a_.movImm(Width::W64, Reg::rax, instr.bits);
      a_.store(Width::W64, pushSlot(), Reg::rax);
      return {};
    case Opcode::LocalGet: copy(localSlot(instr.index), pushSlot()); return {};
    case Opcode::LocalSet: copy(stackSlot(--height_), localSlot(instr.index)); return {};
    case Opcode::LocalTee: copy(stackSlot(height_ - 1), localSlot(instr.index)); return {};
    case Opcode::I32Const:
      a_.movImm(Width::W32, Reg::rax, instr.i32());
      a_.store(Width::W64, pushSlot(), Reg::rax);
      return {};
    case Opcode::I64Const:
      a_.movImm(Width::W64, Reg::rax, instr.bits);
      a_.store(Width::W64, pushSlot(), Reg::rax);
      return {};
    default: break;
    }
    if (Expected<bool> done = numeric(instr); !done)
      return done.error();
    else if (*done)
      return {};
    if (Expected<bool> done = memory(instr); !done)
      return done.error();
    else if (*done)
      return {};
    return unsupported(instr.offset, std::string("the instruction ") + wasm::opcodeName(instr.op));
  }

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
  Mem pushSlot() {
    Mem mem = stackSlot(height_++);
    maxHeight_ = std::max(maxHeight_, height_);
    return mem;
  }
  void copy(const Mem& from, const Mem& to) {
    a_.load(Width::W64, Reg::rax, from);
    a_.store(Width::W64, to, Reg::rax);
  }

  void prologue() {
    a_.push(Reg::rbp);
    a_.mov(Width::W64, Reg::rbp, Reg::rsp);
    // The stack check, before the frame is touched: rbp - frame must stay
    // above VMContext::stackLimit, as in the LLVM code's prologue. The
    // frame size is known only at the end (patched there, like the sub).
    a_.load(Width::W64, Reg::rax, at(Reg::rdi, offsetof(abi::VMContext, stackLimit)));
    a_.alu(Alu::Add, Width::W64, Reg::rax, 0x7FFFFFF0);
    stackCheckSizeAt_ = a_.size() - 4;
    a_.alu(Alu::Cmp, Width::W64, Reg::rbp, Reg::rax);
    a_.jcc(Cond::Below, trapLabel(abi::TrapCode::StackExhausted));
    a_.alu(Alu::Sub, Width::W64, Reg::rsp, 0x7FFFFFF0);
    frameSizeAt_ = a_.size() - 4;
    a_.store(Width::W64, vmctxSlot(), Reg::rdi);
    // System V: integers in rsi.. (rdi is the VMContext), floats in
    // xmm0..7, each class in order; what does not fit goes on the stack,
    // in parameter order, above the return address and the saved rbp.
    uint32_t ints = 0, floats = 0, stacked = 0;
    for (uint32_t i = 0; i < type_.params.size(); ++i) {
      if (isInteger(type_.params[i]) && ints < std::size(kParamRegs)) {
        a_.store(Width::W64, localSlot(i), kParamRegs[ints++]);
      } else if (isFloat(type_.params[i]) && floats < 8) {
        a_.movBits(Width::W64, Reg::rax, static_cast<Xmm>(floats++));
        a_.store(Width::W64, localSlot(i), Reg::rax);
      } else {
        a_.load(Width::W64, Reg::rax, at(Reg::rbp, 16 + 8 * static_cast<int32_t>(stacked++)));
        a_.store(Width::W64, localSlot(i), Reg::rax);
      }
    }
    if (function_.numLocals > 0) {
      a_.movImm(Width::W32, Reg::rax, 0);
      for (uint32_t i = static_cast<uint32_t>(type_.params.size()); i < numLocals_; ++i)
        a_.store(Width::W64, localSlot(i), Reg::rax);
    }
  }

  void patchFrameSize() {
    uint64_t bytes = 8ull * (1 + numLocals_ + maxHeight_);
    bytes = (bytes + 15) & ~uint64_t(15);
    a_.patch32(frameSizeAt_, static_cast<int32_t>(bytes));
    a_.patch32(stackCheckSizeAt_, static_cast<int32_t>(bytes));
  }

  // --- control ---------------------------------------------------------

  uint32_t blockArity(const wasm::BlockType& block) const {
    return block.kind == wasm::BlockType::Kind::Value ? 1 : 0;
  }

  Expected<void> enter(const wasm::Instr& instr) {
    if (instr.block.kind == wasm::BlockType::Kind::Index)
      return unsupported(instr.offset, "blocks with a type index");
    if (instr.block.kind == wasm::BlockType::Kind::Value && !isScalar(instr.block.type))
      return unsupported(instr.offset, "vector or reference block results");
    if (instr.op == Opcode::If) {
      a_.load(Width::W32, Reg::rax, stackSlot(--height_));
      a_.test(Width::W32, Reg::rax, Reg::rax);
    }
    control_.push_back(ControlFrame{instr.op, {}, {}, {}, height_, blockArity(instr.block), true});
    ControlFrame& frame = control_.back();
    if (instr.op == Opcode::Loop)
      a_.bind(frame.head);
    if (instr.op == Opcode::If)
      a_.jcc(Cond::Equal, frame.elseLabel);
    return {};
  }

  Expected<void> elseBranch() {
    ControlFrame& frame = control_.back();
    if (reachable_)
      a_.jmp(frame.end);
    a_.bind(frame.elseLabel);
    frame.hasElse = true;
    height_ = frame.height;
    reachable_ = frame.reachableAtEntry;
    return {};
  }

  Expected<void> end() {
    ControlFrame& frame = control_.back();
    if (frame.kind == Opcode::If && !frame.hasElse)
      a_.bind(frame.elseLabel);
    a_.bind(frame.end);
    height_ = frame.height + frame.arity;
    reachable_ = true;
    if (control_.size() == 1) {
      // The function's end: its result is in stack slot 0.
      if (frame.arity == 1) {
        a_.load(Width::W64, Reg::rax, stackSlot(0));
        if (isFloat(type_.results[0]))
          a_.movBits(Width::W64, Xmm::xmm0, Reg::rax);
      }
      a_.mov(Width::W64, Reg::rsp, Reg::rbp);
      a_.pop(Reg::rbp);
      a_.ret();
    }
    control_.pop_back();
    return {};
  }

  /// Moves the values a branch to `target` carries to where the target
  /// expects them, then jumps.
  void jumpTo(ControlFrame& target) {
    uint32_t arity = target.kind == Opcode::Loop ? 0 : target.arity;
    for (uint32_t i = 0; i < arity; ++i)
      if (height_ - arity + i != target.height + i)
        copy(stackSlot(height_ - arity + i), stackSlot(target.height + i));
    a_.jmp(target.kind == Opcode::Loop ? target.head : target.end);
  }

  ControlFrame& label(uint32_t depth) { return control_[control_.size() - 1 - depth]; }

  Expected<void> branch(uint32_t depth) {
    jumpTo(label(depth));
    reachable_ = false;
    return {};
  }

  Expected<void> branchIf(uint32_t depth) {
    a_.load(Width::W32, Reg::rax, stackSlot(--height_));
    a_.test(Width::W32, Reg::rax, Reg::rax);
    Label skip;
    a_.jcc(Cond::Equal, skip);
    jumpTo(label(depth));
    a_.bind(skip);
    return {};
  }

  Expected<void> branchTable(const wasm::Instr& instr) {
    a_.load(Width::W32, Reg::rdx, stackSlot(--height_));
    size_t cases = instr.targets.size() - 1; // the default is last
    for (size_t i = 0; i < cases; ++i) {
      Label next;
      a_.alu(Alu::Cmp, Width::W32, Reg::rdx, static_cast<int32_t>(i));
      a_.jcc(Cond::NotEqual, next);
      jumpTo(label(instr.targets[i]));
      a_.bind(next);
    }
    jumpTo(label(instr.targets[cases]));
    reachable_ = false;
    return {};
  }

  /// Unreachable code is skipped, but its blocks still open and close.
  Expected<void> visitUnreachable(const wasm::Instr& instr) {
    switch (instr.op) {
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If:
      control_.push_back(ControlFrame{instr.op, {}, {}, {}, height_, blockArity(instr.block), false});
      return {};
    case Opcode::Else: return elseBranch();
    case Opcode::End: {
      ControlFrame& frame = control_.back();
      if (!frame.reachableAtEntry) {
        control_.pop_back();
        return {};
      }
      return end();
    }
    default: return {};
    }
  }

  // --- values ----------------------------------------------------------

  Expected<void> select() {
    a_.load(Width::W32, Reg::rdx, stackSlot(height_ - 1));
    a_.load(Width::W64, Reg::rax, stackSlot(height_ - 3));
    a_.load(Width::W64, Reg::rcx, stackSlot(height_ - 2));
    a_.test(Width::W32, Reg::rdx, Reg::rdx);
    a_.cmov(Cond::Equal, Width::W64, Reg::rax, Reg::rcx);
    a_.store(Width::W64, stackSlot(height_ - 3), Reg::rax);
    height_ -= 2;
    return {};
  }

  /// rax = second from top, rcx = top; the result replaces both.
  void binary(Width width, const std::function<void()>& op) {
    a_.load(width, Reg::rax, stackSlot(height_ - 2));
    a_.load(width, Reg::rcx, stackSlot(height_ - 1));
    op();
    a_.store(Width::W64, stackSlot(height_ - 2), Reg::rax);
    --height_;
  }

  void compare(Width width, Cond cond) {
    binary(width, [&] {
      a_.alu(Alu::Cmp, width, Reg::rax, Reg::rcx);
      a_.setcc(cond, Reg::rax);
      a_.movzx8(Reg::rax, Reg::rax);
    });
  }

  void unary(Width loadWidth, const std::function<void()>& op) {
    a_.load(loadWidth, Reg::rax, stackSlot(height_ - 1));
    op();
    a_.store(Width::W64, stackSlot(height_ - 1), Reg::rax);
  }

  // --- traps -----------------------------------------------------------

  Label& trapLabel(abi::TrapCode code) { return traps_[code]; }

  /// Builtins::raiseTrap(vmctx, code), which does not return: the runtime
  /// unwinds to the call's activation and collects the backtrace along the
  /// frame-pointer chain, through baseline and LLVM frames alike.
  void emitTrapStubs() {
    for (auto& [code, label] : traps_) {
      a_.bind(label);
      // The stack check jumps here before the frame (and the VMContext's
      // slot) exists; rdi still holds the VMContext then.
      if (code != abi::TrapCode::StackExhausted)
        a_.load(Width::W64, Reg::rdi, vmctxSlot());
      a_.movImm(Width::W32, Reg::rsi, static_cast<uint32_t>(code));
      a_.load(Width::W64, Reg::rax, at(Reg::rdi, offsetof(abi::VMContext, builtins)));
      a_.call(at(Reg::rax, offsetof(abi::Builtins, raiseTrap)));
      a_.ud2();
    }
  }

  /// rax = dividend, rcx = divisor; the quotient (rax) or remainder (rdx)
  /// replaces both, with wasm's traps: a zero divisor, and the one signed
  /// quotient that overflows (INT_MIN / -1; its remainder is 0).
  void divide(Width width, bool isSigned, bool remainder) {
    a_.load(width, Reg::rax, stackSlot(height_ - 2));
    a_.load(width, Reg::rcx, stackSlot(height_ - 1));
    a_.test(width, Reg::rcx, Reg::rcx);
    a_.jcc(Cond::Equal, trapLabel(abi::TrapCode::IntegerDivideByZero));
    Label done;
    if (isSigned) {
      Label normal;
      a_.alu(Alu::Cmp, width, Reg::rcx, -1);
      a_.jcc(Cond::NotEqual, normal);
      if (remainder) {
        a_.movImm(Width::W32, Reg::rdx, 0);
        a_.jmp(done);
      } else {
        a_.movImm(Width::W64, Reg::rdx, width == Width::W64 ? 0x8000000000000000ull : 0x80000000u);
        a_.alu(Alu::Cmp, width, Reg::rax, Reg::rdx);
        a_.jcc(Cond::Equal, trapLabel(abi::TrapCode::IntegerOverflow));
      }
      a_.bind(normal);
      a_.signExtendAxIntoDx(width);
      a_.idiv(width, Reg::rcx);
    } else {
      a_.movImm(Width::W32, Reg::rdx, 0);
      a_.div(width, Reg::rcx);
    }
    a_.bind(done);
    a_.store(Width::W64, stackSlot(height_ - 2), remainder ? Reg::rdx : Reg::rax);
    --height_;
  }

  // --- calls and globals -------------------------------------------------

  /// A call through the callee's FuncRef (VMContext::funcs), whatever
  /// compiled it: the LLVM tier, this one, or a host adapter. Integer
  /// parameters in registers only, for now.
  Expected<void> call(const wasm::Instr& instr) {
    const wasm::FuncType& callee = module_.funcType(instr.index);
    WASMC_TRY(checkCallable(instr, callee));
    a_.load(Width::W64, Reg::rax, vmctxSlot());
    a_.load(Width::W64, Reg::rax, at(Reg::rax, offsetof(abi::VMContext, funcs)));
    a_.load(Width::W64, Reg::r11, at(Reg::rax, 8 * static_cast<int32_t>(instr.index)));
    callFuncRef(callee, height_);
    return {};
  }

  /// call_indirect: the table's bounds, a null element and the signature
  /// are checked (with the LLVM code's trap codes), then the call goes
  /// through the element's FuncRef.
  Expected<void> callIndirect(const wasm::Instr& instr) {
    const wasm::FuncType& callee = module_.types[instr.index];
    WASMC_TRY(checkCallable(instr, callee));
    uint32_t indexDepth = --height_; // the callee's table index is on top
    a_.load(Width::W64, Reg::rcx, vmctxSlot());
    a_.load(Width::W64, Reg::rax, at(Reg::rcx, offsetof(abi::VMContext, tables)));
    a_.load(Width::W64, Reg::rax, at(Reg::rax, 8 * static_cast<int32_t>(instr.index2)));
    a_.load(Width::W32, Reg::rdx, stackSlot(indexDepth));
    a_.alu(Alu::Cmp, Width::W32, Reg::rdx, at(Reg::rax, offsetof(abi::TableRecord, size)));
    a_.jcc(Cond::AboveOrEqual, trapLabel(abi::TrapCode::UndefinedElement));
    a_.load(Width::W64, Reg::rax, at(Reg::rax, offsetof(abi::TableRecord, elements)));
    a_.load(Width::W64, Reg::r11, at(Reg::rax, Reg::rdx, 8, 0));
    a_.test(Width::W64, Reg::r11, Reg::r11);
    a_.jcc(Cond::Equal, trapLabel(abi::TrapCode::UninitializedElement));
    a_.load(Width::W64, Reg::rax, at(Reg::rcx, offsetof(abi::VMContext, sigIds)));
    a_.load(Width::W32, Reg::rax, at(Reg::rax, 4 * static_cast<int32_t>(instr.index)));
    a_.alu(Alu::Cmp, Width::W32, Reg::rax, at(Reg::r11, offsetof(abi::FuncRef, sigId)));
    a_.jcc(Cond::NotEqual, trapLabel(abi::TrapCode::IndirectCallTypeMismatch));
    callFuncRef(callee, height_);
    return {};
  }

  /// What calls support so far: scalar arguments that all fit in registers
  /// and at most one scalar result.
  Expected<void> checkCallable(const wasm::Instr& instr, const wasm::FuncType& callee) {
    uint32_t intCount = 0, floatCount = 0;
    for (ValType param : callee.params) {
      if (!isScalar(param))
        return unsupported(instr.offset, "calls with vector or reference parameters");
      ++(isInteger(param) ? intCount : floatCount);
    }
    (void)intCount;
    (void)floatCount;
    if (callee.results.size() > 1)
      return unsupported(instr.offset, "calls with several results");
    if (!callee.results.empty() && !isScalar(callee.results[0]))
      return unsupported(instr.offset, "calls with vector or reference results");
    return {};
  }

  /// Calls the FuncRef in r11 with the arguments on top of the operand
  /// stack (below `top`), System V, and pushes its result.
  void callFuncRef(const wasm::FuncType& callee, uint32_t top) {
    uint32_t first = top - static_cast<uint32_t>(callee.params.size());
    // Which arguments go on the stack (System V: what does not fit in the
    // registers of its class, in parameter order).
    std::vector<uint32_t> stacked;
    uint32_t ints = 0, floats = 0;
    for (uint32_t i = 0; i < callee.params.size(); ++i) {
      bool integer = isInteger(callee.params[i]);
      if (integer ? ints++ >= std::size(kParamRegs) : floats++ >= 8)
        stacked.push_back(i);
    }
    // Pushed last to first, with rsp 16-byte aligned at the call (it is
    // aligned in the body: the frame size is a multiple of 16).
    size_t stackBytes = 8 * stacked.size();
    if (stacked.size() % 2)
      a_.alu(Alu::Sub, Width::W64, Reg::rsp, 8);
    for (size_t k = stacked.size(); k-- > 0;) {
      a_.load(Width::W64, Reg::rax, stackSlot(first + stacked[k]));
      a_.push(Reg::rax);
    }
    ints = floats = 0;
    for (uint32_t i = 0; i < callee.params.size(); ++i) {
      if (isInteger(callee.params[i])) {
        if (ints < std::size(kParamRegs))
          a_.load(Width::W64, kParamRegs[ints], stackSlot(first + i));
        ++ints;
      } else {
        if (floats < 8) {
          a_.load(Width::W64, Reg::rax, stackSlot(first + i));
          a_.movBits(Width::W64, static_cast<Xmm>(floats), Reg::rax);
        }
        ++floats;
      }
    }
    a_.load(Width::W64, Reg::rdi, at(Reg::r11, offsetof(abi::FuncRef, vmctx)));
    a_.call(at(Reg::r11, offsetof(abi::FuncRef, code)));
    if (stackBytes)
      a_.alu(Alu::Add, Width::W64, Reg::rsp, static_cast<int32_t>(stackBytes + (stacked.size() % 2 ? 8 : 0)));
    height_ = first;
    if (!callee.results.empty()) {
      if (isFloat(callee.results[0]))
        a_.movBits(Width::W64, Reg::rax, Xmm::xmm0);
      a_.store(Width::W64, pushSlot(), Reg::rax);
    }
  }

  /// The global's cell (VMContext::globals[index]) in rcx.
  Expected<void> global(const wasm::Instr& instr) {
    if (!isScalar(module_.globalTypes[instr.index].type))
      return unsupported(instr.offset, "vector or reference globals");
    a_.load(Width::W64, Reg::rcx, vmctxSlot());
    a_.load(Width::W64, Reg::rcx, at(Reg::rcx, offsetof(abi::VMContext, globals)));
    a_.load(Width::W64, Reg::rcx, at(Reg::rcx, 8 * static_cast<int32_t>(instr.index)));
    // An i32 global is the cell's first 4 bytes: write no more.
    ValType type = module_.globalTypes[instr.index].type;
    Width width = type == ValType::I64 || type == ValType::F64 ? Width::W64 : Width::W32;
    if (instr.op == Opcode::GlobalGet) {
      a_.load(width, Reg::rax, at(Reg::rcx));
      a_.store(Width::W64, pushSlot(), Reg::rax);
    } else {
      a_.load(width, Reg::rax, stackSlot(--height_));
      a_.store(width, at(Reg::rcx), Reg::rax);
    }
    return {};
  }

  // --- memory ----------------------------------------------------------

  /// rdx = memory base, rax = zext(address) + offset: an access at
  /// [rdx + rax] faults in the guard region exactly when wasm traps, as
  /// BoundsCheck.cpp's addresses do (the 8 GiB above the base cover any
  /// 32-bit address plus a 32-bit offset).
  Mem address(uint32_t addressDepth, uint64_t offset) {
    a_.load(Width::W64, Reg::rcx, vmctxSlot());
    a_.load(Width::W64, Reg::rdx, at(Reg::rcx, 0)); // VMContext::memoryBase is its first field
    a_.load(Width::W32, Reg::rax, stackSlot(addressDepth)); // zero-extends
    if (offset <= INT32_MAX)
      return at(Reg::rdx, Reg::rax, 1, static_cast<int32_t>(offset));
    a_.movImm(Width::W64, Reg::rcx, offset);
    a_.alu(Alu::Add, Width::W64, Reg::rax, Reg::rcx);
    return at(Reg::rdx, Reg::rax, 1, 0);
  }

  /// memory.copy and memory.fill: both ranges checked against the current
  /// size first (a trap writes nothing), then libc's memmove or memset, as
  /// the LLVM code does for lengths it does not know.
  void copyOrFill(Opcode op) {
    uint32_t dst = height_ - 3, value = height_ - 2, count = height_ - 1;
    a_.load(Width::W64, Reg::rcx, vmctxSlot());
    a_.load(Width::W64, Reg::r8, at(Reg::rcx, offsetof(abi::VMContext, memory)));
    a_.load(Width::W64, Reg::r8, at(Reg::r8, offsetof(abi::MemoryRecord, size)));
    a_.load(Width::W32, Reg::rdx, stackSlot(count)); // zero-extended: 64-bit sums cannot wrap
    a_.load(Width::W32, Reg::rdi, stackSlot(dst));
    a_.lea(Reg::rax, at(Reg::rdi, Reg::rdx, 1, 0));
    a_.alu(Alu::Cmp, Width::W64, Reg::rax, Reg::r8);
    a_.jcc(Cond::Above, trapLabel(abi::TrapCode::MemoryOutOfBounds));
    a_.load(Width::W64, Reg::rcx, at(Reg::rcx, offsetof(abi::VMContext, memoryBase)));
    a_.alu(Alu::Add, Width::W64, Reg::rdi, Reg::rcx);
    a_.load(Width::W32, Reg::rsi, stackSlot(value));
    if (op == Opcode::MemoryCopy) {
      a_.lea(Reg::rax, at(Reg::rsi, Reg::rdx, 1, 0));
      a_.alu(Alu::Cmp, Width::W64, Reg::rax, Reg::r8);
      a_.jcc(Cond::Above, trapLabel(abi::TrapCode::MemoryOutOfBounds));
      a_.alu(Alu::Add, Width::W64, Reg::rsi, Reg::rcx);
    }
    void* function = op == Opcode::MemoryCopy ? reinterpret_cast<void*>(&std::memmove)
                                              : reinterpret_cast<void*>(&std::memset);
    a_.movImm(Width::W64, Reg::rax, reinterpret_cast<uint64_t>(function));
    a_.call(Reg::rax);
    height_ -= 3;
  }

  Expected<bool> memory(const wasm::Instr& instr) {
    const Width W32 = Width::W32, W64 = Width::W64;
    if (instr.op == Opcode::MemorySize) {
      // Pages: MemoryRecord::size is in bytes.
      a_.load(W64, Reg::rax, vmctxSlot());
      a_.load(W64, Reg::rax, at(Reg::rax, offsetof(abi::VMContext, memory)));
      a_.load(W64, Reg::rax, at(Reg::rax, offsetof(abi::MemoryRecord, size)));
      a_.shift(Shift::Shr, W64, Reg::rax, 16);
      a_.store(W64, pushSlot(), Reg::rax);
      return true;
    }
    if (instr.op == Opcode::MemoryGrow) {
      // Builtins::memoryGrow(vmctx, delta): the old size in pages, or -1.
      a_.load(W64, Reg::rdi, vmctxSlot());
      a_.load(W32, Reg::rsi, stackSlot(height_ - 1));
      a_.load(W64, Reg::rax, at(Reg::rdi, offsetof(abi::VMContext, builtins)));
      a_.call(at(Reg::rax, offsetof(abi::Builtins, memoryGrow)));
      a_.store(W64, stackSlot(height_ - 1), Reg::rax);
      return true;
    }
    // (Memory 0 only: the decoder accepts no other index yet.)
    if (instr.op == Opcode::MemoryCopy || instr.op == Opcode::MemoryFill) {
      copyOrFill(instr.op);
      return true;
    }
    if (instr.mem.memory != 0)
      return false;
    auto load = [&](const std::function<void(const Mem&)>& emit) {
      Mem mem = address(height_ - 1, instr.mem.offset);
      emit(mem);
      a_.store(W64, stackSlot(height_ - 1), Reg::rax);
    };
    auto store = [&](const std::function<void(const Mem&)>& emit) {
      Mem mem = address(height_ - 2, instr.mem.offset);
      a_.load(W64, Reg::rcx, stackSlot(height_ - 1));
      emit(mem);
      height_ -= 2;
    };
    switch (instr.op) {
    // Floats move as their bits: no conversion, so every NaN payload stays.
    case Opcode::I32Load:
    case Opcode::F32Load: load([&](const Mem& m) { a_.load(W32, Reg::rax, m); }); break;
    case Opcode::I64Load:
    case Opcode::F64Load: load([&](const Mem& m) { a_.load(W64, Reg::rax, m); }); break;
    case Opcode::I32Load8S: load([&](const Mem& m) { a_.load8(Reg::rax, m, true); }); break;
    case Opcode::I32Load8U:
    case Opcode::I64Load8U: load([&](const Mem& m) { a_.load8(Reg::rax, m, false); }); break;
    case Opcode::I32Load16S: load([&](const Mem& m) { a_.load16(Reg::rax, m, true); }); break;
    case Opcode::I32Load16U:
    case Opcode::I64Load16U: load([&](const Mem& m) { a_.load16(Reg::rax, m, false); }); break;
    case Opcode::I64Load8S: load([&](const Mem& m) { a_.load8(Reg::rax, m, true, W64); }); break;
    case Opcode::I64Load16S: load([&](const Mem& m) { a_.load16(Reg::rax, m, true, W64); }); break;
    case Opcode::I64Load32S: load([&](const Mem& m) { a_.load32SignExtend(Reg::rax, m); }); break;
    case Opcode::I64Load32U: load([&](const Mem& m) { a_.load(W32, Reg::rax, m); }); break;
    case Opcode::I32Store:
    case Opcode::F32Store:
    case Opcode::I64Store32: store([&](const Mem& m) { a_.store(W32, m, Reg::rcx); }); break;
    case Opcode::I64Store:
    case Opcode::F64Store: store([&](const Mem& m) { a_.store(W64, m, Reg::rcx); }); break;
    case Opcode::I32Store8:
    case Opcode::I64Store8: store([&](const Mem& m) { a_.store8(m, Reg::rcx); }); break;
    case Opcode::I32Store16:
    case Opcode::I64Store16: store([&](const Mem& m) { a_.store16(m, Reg::rcx); }); break;
    default: return false;
    }
    return true;
  }

  /// clz and ctz with the bit scans every x86-64 has (bits - 1 - index,
  /// or the index; the operand's width for 0), popcnt with the instruction.
  void countBits(Width width, Opcode kind) {
    uint32_t bits = width == Width::W64 ? 64 : 32;
    a_.load(width, Reg::rax, stackSlot(height_ - 1));
    if (kind == Opcode::I32Popcnt) {
      a_.popcnt(width, Reg::rax, Reg::rax);
    } else {
      Label zero, done;
      if (kind == Opcode::I32Clz)
        a_.bsr(width, Reg::rax, Reg::rax);
      else
        a_.bsf(width, Reg::rax, Reg::rax);
      a_.jcc(Cond::Equal, zero);
      if (kind == Opcode::I32Clz)
        a_.alu(Alu::Xor, width, Reg::rax, static_cast<int32_t>(bits - 1)); // bits-1-i, i in [0, bits)
      a_.jmp(done);
      a_.bind(zero);
      a_.movImm(Width::W32, Reg::rax, bits);
      a_.bind(done);
    }
    a_.store(Width::W64, stackSlot(height_ - 1), Reg::rax);
  }

  // --- floats ------------------------------------------------------------

  void floatBinary(FloatSize size, FloatOp op) {
    a_.loadFloat(size, Xmm::xmm0, stackSlot(height_ - 2));
    a_.loadFloat(size, Xmm::xmm1, stackSlot(height_ - 1));
    a_.floatOp(op, size, Xmm::xmm0, Xmm::xmm1);
    a_.storeFloat(size, stackSlot(height_ - 2), Xmm::xmm0);
    --height_;
  }

  /// xmm0 = the top value (of size `from`), op, stored back as `to`.
  void floatUnary(FloatSize from, const std::function<void()>& op, std::optional<FloatSize> to = {}) {
    a_.loadFloat(from, Xmm::xmm0, stackSlot(height_ - 1));
    op();
    a_.storeFloat(to.value_or(from), stackSlot(height_ - 1), Xmm::xmm0);
  }

  /// wasm's min and max: a NaN operand gives a NaN (a + b makes it quiet),
  /// equal operands combine their bits (min(-0, +0) is -0: or; max: and),
  /// and otherwise SSE's minss/maxss, which are right for ordered,
  /// unequal values.
  void minMax(FloatSize size, bool min) {
    a_.loadFloat(size, Xmm::xmm0, stackSlot(height_ - 2));
    a_.loadFloat(size, Xmm::xmm1, stackSlot(height_ - 1));
    Label nan, unequal, done;
    a_.ucomis(size, Xmm::xmm0, Xmm::xmm1);
    a_.jcc(Cond::Parity, nan);
    a_.jcc(Cond::NotEqual, unequal);
    a_.bitOp(min ? BitOp::Or : BitOp::And, size, Xmm::xmm0, Xmm::xmm1);
    a_.jmp(done);
    a_.bind(nan);
    a_.floatOp(FloatOp::Add, size, Xmm::xmm0, Xmm::xmm1);
    a_.jmp(done);
    a_.bind(unequal);
    a_.floatOp(min ? FloatOp::Min : FloatOp::Max, size, Xmm::xmm0, Xmm::xmm1);
    a_.bind(done);
    a_.storeFloat(size, stackSlot(height_ - 2), Xmm::xmm0);
    --height_;
  }

  /// And with ~sign (abs) or xor with sign (neg), on the bits.
  void signBit(Width width, Alu op) {
    uint64_t sign = width == Width::W64 ? 0x8000000000000000ull : 0x80000000u;
    a_.load(width, Reg::rax, stackSlot(height_ - 1));
    a_.movImm(width, Reg::rcx, op == Alu::And ? ~sign & (width == Width::W64 ? ~0ull : 0xFFFFFFFFu) : sign);
    a_.alu(op, width, Reg::rax, Reg::rcx);
    a_.store(Width::W64, stackSlot(height_ - 1), Reg::rax);
  }

  void copysign(Width width) {
    uint64_t sign = width == Width::W64 ? 0x8000000000000000ull : 0x80000000u;
    a_.load(width, Reg::rax, stackSlot(height_ - 2));
    a_.load(width, Reg::rcx, stackSlot(height_ - 1));
    a_.movImm(width, Reg::rdx, sign);
    a_.alu(Alu::And, width, Reg::rcx, Reg::rdx); // the sign of the second
    a_.notReg(width, Reg::rdx);
    a_.alu(Alu::And, width, Reg::rax, Reg::rdx); // the rest of the first
    a_.alu(Alu::Or, width, Reg::rax, Reg::rcx);
    a_.store(Width::W64, stackSlot(height_ - 2), Reg::rax);
    --height_;
  }

  /// ucomis sets ZF, PF, CF; unordered (a NaN) sets all three, and every
  /// comparison but ne is then false. lt and le compare the other way
  /// round so that "above" (CF = ZF = 0) and "above or equal" (CF = 0)
  /// exclude unordered.
  void floatCompare(FloatSize size, Opcode kind) {
    a_.loadFloat(size, Xmm::xmm0, stackSlot(height_ - 2));
    a_.loadFloat(size, Xmm::xmm1, stackSlot(height_ - 1));
    switch (kind) {
    case Opcode::F32Eq:
    case Opcode::F32Ne:
      a_.ucomis(size, Xmm::xmm0, Xmm::xmm1);
      a_.setcc(kind == Opcode::F32Eq ? Cond::Equal : Cond::NotEqual, Reg::rax);
      a_.setcc(kind == Opcode::F32Eq ? Cond::NoParity : Cond::Parity, Reg::rcx);
      a_.alu(kind == Opcode::F32Eq ? Alu::And : Alu::Or, Width::W32, Reg::rax, Reg::rcx);
      break;
    case Opcode::F32Gt:
    case Opcode::F32Ge:
      a_.ucomis(size, Xmm::xmm0, Xmm::xmm1);
      a_.setcc(kind == Opcode::F32Gt ? Cond::Above : Cond::AboveOrEqual, Reg::rax);
      break;
    default: // lt, le: b > a, b >= a
      a_.ucomis(size, Xmm::xmm1, Xmm::xmm0);
      a_.setcc(kind == Opcode::F32Lt ? Cond::Above : Cond::AboveOrEqual, Reg::rax);
      break;
    }
    a_.movzx8(Reg::rax, Reg::rax);
    a_.store(Width::W64, stackSlot(height_ - 2), Reg::rax);
    --height_;
  }

  /// Integer to float: `width` of the (signed) source; a zero-extending
  /// 32-bit load first makes an unsigned i32 a non-negative i64.
  void convert(FloatSize size, Width width, bool unsignedI32) {
    if (unsignedI32)
      a_.load(Width::W32, Reg::rax, stackSlot(height_ - 1));
    else
      a_.load(width, Reg::rax, stackSlot(height_ - 1));
    a_.cvtIntToFloat(size, width, Xmm::xmm0, Reg::rax);
    a_.storeFloat(size, stackSlot(height_ - 1), Xmm::xmm0);
  }

  Expected<bool> numeric(const wasm::Instr& instr) {
    const Width W32 = Width::W32, W64 = Width::W64;
    auto alu = [&](Alu op, Width width) { binary(width, [&] { a_.alu(op, width, Reg::rax, Reg::rcx); }); };
    auto shift = [&](Shift op, Width width) { binary(width, [&] { a_.shift(op, width, Reg::rax); }); };
    switch (instr.op) {
    case Opcode::I32Add: alu(Alu::Add, W32); break;
    case Opcode::I32Sub: alu(Alu::Sub, W32); break;
    case Opcode::I32And: alu(Alu::And, W32); break;
    case Opcode::I32Or: alu(Alu::Or, W32); break;
    case Opcode::I32Xor: alu(Alu::Xor, W32); break;
    case Opcode::I32Mul: binary(W32, [&] { a_.imul(W32, Reg::rax, Reg::rcx); }); break;
    case Opcode::I32Shl: shift(Shift::Shl, W32); break;
    case Opcode::I32ShrS: shift(Shift::Sar, W32); break;
    case Opcode::I32ShrU: shift(Shift::Shr, W32); break;
    case Opcode::I32Rotl: shift(Shift::Rol, W32); break;
    case Opcode::I32Rotr: shift(Shift::Ror, W32); break;
    case Opcode::I64Add: alu(Alu::Add, W64); break;
    case Opcode::I64Sub: alu(Alu::Sub, W64); break;
    case Opcode::I64And: alu(Alu::And, W64); break;
    case Opcode::I64Or: alu(Alu::Or, W64); break;
    case Opcode::I64Xor: alu(Alu::Xor, W64); break;
    case Opcode::I64Mul: binary(W64, [&] { a_.imul(W64, Reg::rax, Reg::rcx); }); break;
    case Opcode::I64Shl: shift(Shift::Shl, W64); break;
    case Opcode::I64ShrS: shift(Shift::Sar, W64); break;
    case Opcode::I64ShrU: shift(Shift::Shr, W64); break;
    case Opcode::I64Rotl: shift(Shift::Rol, W64); break;
    case Opcode::I64Rotr: shift(Shift::Ror, W64); break;
    case Opcode::F32Add: floatBinary(FloatSize::F32, FloatOp::Add); break;
    case Opcode::F32Sub: floatBinary(FloatSize::F32, FloatOp::Sub); break;
    case Opcode::F32Mul: floatBinary(FloatSize::F32, FloatOp::Mul); break;
    case Opcode::F32Div: floatBinary(FloatSize::F32, FloatOp::Div); break;
    case Opcode::F64Add: floatBinary(FloatSize::F64, FloatOp::Add); break;
    case Opcode::F64Sub: floatBinary(FloatSize::F64, FloatOp::Sub); break;
    case Opcode::F64Mul: floatBinary(FloatSize::F64, FloatOp::Mul); break;
    case Opcode::F64Div: floatBinary(FloatSize::F64, FloatOp::Div); break;
    // roundss/roundsd (SSE4.1): modes 2 up, 1 down, 3 toward zero, 0 to
    // nearest even; 8 keeps the inexact exception quiet.
    case Opcode::F32Ceil:
    case Opcode::F32Floor:
    case Opcode::F32Trunc:
    case Opcode::F32Nearest:
    case Opcode::F64Ceil:
    case Opcode::F64Floor:
    case Opcode::F64Trunc:
    case Opcode::F64Nearest: {
      if (!__builtin_cpu_supports("sse4.1"))
        return false;
      bool f32 = instr.op <= Opcode::F32Nearest;
      Opcode base = f32 ? Opcode::F32Ceil : Opcode::F64Ceil;
      static constexpr uint8_t kModes[] = {2, 1, 3, 0}; // ceil, floor, trunc, nearest
      uint8_t mode = 8 | kModes[static_cast<int>(instr.op) - static_cast<int>(base)];
      FloatSize size = f32 ? FloatSize::F32 : FloatSize::F64;
      floatUnary(size, [&] { a_.round(size, Xmm::xmm0, Xmm::xmm0, mode); });
      break;
    }
    case Opcode::F32Min: minMax(FloatSize::F32, true); break;
    case Opcode::F32Max: minMax(FloatSize::F32, false); break;
    case Opcode::F64Min: minMax(FloatSize::F64, true); break;
    case Opcode::F64Max: minMax(FloatSize::F64, false); break;
    case Opcode::F32Sqrt: floatUnary(FloatSize::F32, [&] { a_.floatOp(FloatOp::Sqrt, FloatSize::F32, Xmm::xmm0, Xmm::xmm0); }); break;
    case Opcode::F64Sqrt: floatUnary(FloatSize::F64, [&] { a_.floatOp(FloatOp::Sqrt, FloatSize::F64, Xmm::xmm0, Xmm::xmm0); }); break;
    // abs, neg and copysign are bit operations in wasm (NaNs included).
    case Opcode::F32Abs: signBit(W32, Alu::And); break;
    case Opcode::F64Abs: signBit(W64, Alu::And); break;
    case Opcode::F32Neg: signBit(W32, Alu::Xor); break;
    case Opcode::F64Neg: signBit(W64, Alu::Xor); break;
    case Opcode::F32Copysign: copysign(W32); break;
    case Opcode::F64Copysign: copysign(W64); break;
    case Opcode::F32Eq: floatCompare(FloatSize::F32, Opcode::F32Eq); break;
    case Opcode::F32Ne: floatCompare(FloatSize::F32, Opcode::F32Ne); break;
    case Opcode::F32Lt: floatCompare(FloatSize::F32, Opcode::F32Lt); break;
    case Opcode::F32Gt: floatCompare(FloatSize::F32, Opcode::F32Gt); break;
    case Opcode::F32Le: floatCompare(FloatSize::F32, Opcode::F32Le); break;
    case Opcode::F32Ge: floatCompare(FloatSize::F32, Opcode::F32Ge); break;
    case Opcode::F64Eq: floatCompare(FloatSize::F64, Opcode::F32Eq); break;
    case Opcode::F64Ne: floatCompare(FloatSize::F64, Opcode::F32Ne); break;
    case Opcode::F64Lt: floatCompare(FloatSize::F64, Opcode::F32Lt); break;
    case Opcode::F64Gt: floatCompare(FloatSize::F64, Opcode::F32Gt); break;
    case Opcode::F64Le: floatCompare(FloatSize::F64, Opcode::F32Le); break;
    case Opcode::F64Ge: floatCompare(FloatSize::F64, Opcode::F32Ge); break;
    // The slots hold bits: reinterpretation moves nothing.
    case Opcode::I32ReinterpretF32:
    case Opcode::I64ReinterpretF64:
    case Opcode::F32ReinterpretI32:
    case Opcode::F64ReinterpretI64: break;
    case Opcode::F64PromoteF32:
      floatUnary(FloatSize::F32, [&] { a_.cvtFloatSize(FloatSize::F64, Xmm::xmm0, Xmm::xmm0); }, FloatSize::F64);
      break;
    case Opcode::F32DemoteF64:
      floatUnary(FloatSize::F64, [&] { a_.cvtFloatSize(FloatSize::F32, Xmm::xmm0, Xmm::xmm0); }, FloatSize::F32);
      break;
    // Signed, or unsigned 32-bit (zero-extended: exact as a signed 64-bit).
    case Opcode::F32ConvertI32S: convert(FloatSize::F32, W32, false); break;
    case Opcode::F64ConvertI32S: convert(FloatSize::F64, W32, false); break;
    case Opcode::F32ConvertI64S: convert(FloatSize::F32, W64, false); break;
    case Opcode::F64ConvertI64S: convert(FloatSize::F64, W64, false); break;
    case Opcode::F32ConvertI32U: convert(FloatSize::F32, W64, true); break;
    case Opcode::F64ConvertI32U: convert(FloatSize::F64, W64, true); break;
    case Opcode::I32Clz: countBits(W32, Opcode::I32Clz); break;
    case Opcode::I64Clz: countBits(W64, Opcode::I32Clz); break;
    case Opcode::I32Ctz: countBits(W32, Opcode::I32Ctz); break;
    case Opcode::I64Ctz: countBits(W64, Opcode::I32Ctz); break;
    case Opcode::I32Popcnt:
    case Opcode::I64Popcnt:
      if (!__builtin_cpu_supports("popcnt"))
        return false; // left to LLVM, which knows the target's features
      countBits(instr.op == Opcode::I32Popcnt ? W32 : W64, Opcode::I32Popcnt);
      break;
    // Sign extension in place: the slot's low bytes, little-endian.
    case Opcode::I32Extend8S: unary(W32, [&] { a_.load8(Reg::rax, stackSlot(height_ - 1), true); }); break;
    case Opcode::I32Extend16S: unary(W32, [&] { a_.load16(Reg::rax, stackSlot(height_ - 1), true); }); break;
    case Opcode::I64Extend8S: unary(W64, [&] { a_.load8(Reg::rax, stackSlot(height_ - 1), true, W64); }); break;
    case Opcode::I64Extend16S: unary(W64, [&] { a_.load16(Reg::rax, stackSlot(height_ - 1), true, W64); }); break;
    case Opcode::I64Extend32S: unary(W64, [&] { a_.load32SignExtend(Reg::rax, stackSlot(height_ - 1)); }); break;
    case Opcode::I32DivS: divide(W32, true, false); break;
    case Opcode::I32DivU: divide(W32, false, false); break;
    case Opcode::I32RemS: divide(W32, true, true); break;
    case Opcode::I32RemU: divide(W32, false, true); break;
    case Opcode::I64DivS: divide(W64, true, false); break;
    case Opcode::I64DivU: divide(W64, false, false); break;
    case Opcode::I64RemS: divide(W64, true, true); break;
    case Opcode::I64RemU: divide(W64, false, true); break;
    case Opcode::I32Eq: compare(W32, Cond::Equal); break;
    case Opcode::I32Ne: compare(W32, Cond::NotEqual); break;
    case Opcode::I32LtS: compare(W32, Cond::Less); break;
    case Opcode::I32LtU: compare(W32, Cond::Below); break;
    case Opcode::I32GtS: compare(W32, Cond::Greater); break;
    case Opcode::I32GtU: compare(W32, Cond::Above); break;
    case Opcode::I32LeS: compare(W32, Cond::LessOrEqual); break;
    case Opcode::I32LeU: compare(W32, Cond::BelowOrEqual); break;
    case Opcode::I32GeS: compare(W32, Cond::GreaterOrEqual); break;
    case Opcode::I32GeU: compare(W32, Cond::AboveOrEqual); break;
    case Opcode::I64Eq: compare(W64, Cond::Equal); break;
    case Opcode::I64Ne: compare(W64, Cond::NotEqual); break;
    case Opcode::I64LtS: compare(W64, Cond::Less); break;
    case Opcode::I64LtU: compare(W64, Cond::Below); break;
    case Opcode::I64GtS: compare(W64, Cond::Greater); break;
    case Opcode::I64GtU: compare(W64, Cond::Above); break;
    case Opcode::I64LeS: compare(W64, Cond::LessOrEqual); break;
    case Opcode::I64LeU: compare(W64, Cond::BelowOrEqual); break;
    case Opcode::I64GeS: compare(W64, Cond::GreaterOrEqual); break;
    case Opcode::I64GeU: compare(W64, Cond::AboveOrEqual); break;
    case Opcode::I32Eqz:
    case Opcode::I64Eqz: {
      Width width = instr.op == Opcode::I32Eqz ? W32 : W64;
      unary(width, [&] {
        a_.test(width, Reg::rax, Reg::rax);
        a_.setcc(Cond::Equal, Reg::rax);
        a_.movzx8(Reg::rax, Reg::rax);
      });
      break;
    }
    // A 32-bit load zero-extends: the wrap and the unsigned extension.
    case Opcode::I32WrapI64:
    case Opcode::I64ExtendI32U: unary(W32, [] {}); break;
    case Opcode::I64ExtendI32S: unary(W32, [&] { a_.movsxd(Reg::rax, Reg::rax); }); break;
    default: return false;
    }
    return true;
  }

  const wasm::Module& module_;
  const wasm::Function& function_;
  const wasm::FuncType& type_;
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

} // namespace

Expected<std::vector<uint8_t>> compileFunctionX64(const wasm::Module& module, uint32_t index) {
  Compiler compiler(module, index);
  Expected<std::vector<uint8_t>> code = compiler.run();
  if (!code) {
    Error error = std::move(code).error();
    error.function = module.numImportedFuncs + index;
    return error;
  }
  return code;
}

} // namespace wasmc::baseline
