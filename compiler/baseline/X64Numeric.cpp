// Integer and float instructions of the baseline compiler
// (X64FunctionCompiler.h).

#include "compiler/baseline/X64FunctionCompiler.h"

namespace wasmc::baseline::detail {

Expected<void> FunctionCompiler::select() {
  // On the bits, in integer registers: floats included.
  // The condition is tested first; the moves that bring the values to
  // registers keep the flags.
  Cond condition = popCondition();
  Reg second = gprAt(0);
  Reg first = gprAt(1, RegSet::of({regNumber(second)}));
  stack_.pop();
  stack_.pop();
  a_.cmov(negate(condition), Width::W64, first, second);
  pushGpr(first);
  return {};
}

void FunctionCompiler::alu(Alu op, Width width) {
  std::optional<int32_t> imm = immediate(0, width);
  std::optional<Mem> mem = imm ? std::nullopt : memoryOperand(0);
  // A local in a register is read where it is (the instruction only reads it).
  std::optional<Reg> rhs = imm || mem ? std::nullopt : localRegisterAt(0);
  if (!imm && !mem && !rhs)
    rhs = gprAt(0);
  Reg lhs = gprAt(1, rhs ? RegSet::of({regNumber(*rhs)}) : RegSet{});
  stack_.pop();
  stack_.pop();
  if (imm)
    a_.alu(op, width, lhs, *imm);
  else if (mem)
    a_.alu(op, width, lhs, *mem);
  else
    a_.alu(op, width, lhs, *rhs);
  pushGpr(lhs);
}

void FunctionCompiler::multiply(Width width) {
  std::optional<Reg> local = localRegisterAt(0);
  Reg rhs = local ? *local : gprAt(0);
  Reg lhs = gprAt(1, RegSet::of({regNumber(rhs)}));
  stack_.pop();
  stack_.pop();
  a_.imul(width, lhs, rhs);
  pushGpr(lhs);
}

void FunctionCompiler::compare(Width width, Cond cond) {
  alu(Alu::Cmp, width); // the flags; the register is left as it was
  stack_.pop();
  pushFlags(cond);
}

void FunctionCompiler::shift(Shift op, Width width) {
  if (std::optional<int32_t> count = immediate(0, width)) {
    Reg lhs = gprAt(1);
    stack_.pop();
    stack_.pop();
    a_.shift(op, width, lhs, static_cast<uint8_t>(*count & (width == Width::W64 ? 63 : 31)));
    pushGpr(lhs);
    return;
  }
  moveTo(0, Reg::rcx); // the count, in cl
  Reg lhs = gprAt(1, RegSet::of({regNumber(Reg::rcx)}));
  stack_.pop();
  stack_.pop();
  a_.shift(op, width, lhs);
  pushGpr(lhs);
}

void FunctionCompiler::divide(Width width, bool isSigned, bool remainder) {
  RegSet fixed = RegSet::of({regNumber(Reg::rax), regNumber(Reg::rdx)});
  moveTo(1, Reg::rax);
  freeGpr(Reg::rdx, RegSet::of({regNumber(Reg::rax)}));
  Reg divisor = gprAt(0, fixed);
  stack_.pop();
  stack_.pop();
  a_.test(width, divisor, divisor);
  a_.jcc(Cond::Equal, trapLabel(abi::TrapCode::IntegerDivideByZero));
  Label done;
  if (isSigned) {
    Label normal;
    a_.alu(Alu::Cmp, width, divisor, -1);
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
    a_.idiv(width, divisor);
  } else {
    a_.movImm(Width::W32, Reg::rdx, 0);
    a_.div(width, divisor);
  }
  a_.bind(done);
  pushGpr(remainder ? Reg::rdx : Reg::rax);
}

void FunctionCompiler::countBits(Width width, Opcode kind) {
  uint32_t bits = width == Width::W64 ? 64 : 32;
  Reg reg = gprAt(0);
  if (kind == Opcode::I32Popcnt) {
    a_.popcnt(width, reg, reg);
  } else {
    Label zero, done;
    if (kind == Opcode::I32Clz)
      a_.bsr(width, reg, reg);
    else
      a_.bsf(width, reg, reg);
    a_.jcc(Cond::Equal, zero);
    if (kind == Opcode::I32Clz)
      a_.alu(Alu::Xor, width, reg, static_cast<int32_t>(bits - 1)); // bits-1-i, i in [0, bits)
    a_.jmp(done);
    a_.bind(zero);
    a_.movImm(Width::W32, reg, bits);
    a_.bind(done);
  }
}

void FunctionCompiler::floatBinary(FloatSize size, FloatOp op) {
  bool wide = size == FloatSize::F64;
  Xmm rhs = fprAt(0, wide);
  Xmm lhs = fprAt(1, wide, RegSet::of({regNumber(rhs)}));
  stack_.pop();
  stack_.pop();
  a_.floatOp(op, size, lhs, rhs);
  pushFpr(lhs, wide);
}

void FunctionCompiler::minMax(FloatSize size, bool min) {
  bool wide = size == FloatSize::F64;
  Xmm rhs = fprAt(0, wide);
  Xmm lhs = fprAt(1, wide, RegSet::of({regNumber(rhs)}));
  stack_.pop();
  stack_.pop();
  Label nan, unequal, done;
  a_.ucomis(size, lhs, rhs);
  a_.jcc(Cond::Parity, nan);
  a_.jcc(Cond::NotEqual, unequal);
  a_.bitOp(min ? BitOp::Or : BitOp::And, size, lhs, rhs);
  a_.jmp(done);
  a_.bind(nan);
  a_.floatOp(FloatOp::Add, size, lhs, rhs);
  a_.jmp(done);
  a_.bind(unequal);
  a_.floatOp(min ? FloatOp::Min : FloatOp::Max, size, lhs, rhs);
  a_.bind(done);
  pushFpr(lhs, wide);
}

void FunctionCompiler::signBit(Width width, Alu op) {
  uint64_t sign = width == Width::W64 ? 0x8000000000000000ull : 0x80000000u;
  Reg reg = gprAt(0);
  a_.movImm(width, kScratch, op == Alu::And ? ~sign & (width == Width::W64 ? ~0ull : 0xFFFFFFFFu) : sign);
  a_.alu(op, width, reg, kScratch);
}

void FunctionCompiler::copysign(Width width) {
  uint64_t sign = width == Width::W64 ? 0x8000000000000000ull : 0x80000000u;
  Reg second = gprAt(0);
  Reg first = gprAt(1, RegSet::of({regNumber(second)}));
  stack_.pop();
  stack_.pop();
  a_.movImm(width, kScratch, sign);
  a_.alu(Alu::And, width, second, kScratch); // the sign of the second
  a_.notReg(width, kScratch);
  a_.alu(Alu::And, width, first, kScratch); // the rest of the first
  a_.alu(Alu::Or, width, first, second);
  pushGpr(first);
}

void FunctionCompiler::floatCompare(FloatSize size, Opcode kind) {
  bool wide = size == FloatSize::F64;
  Xmm rhs = fprAt(0, wide);
  Xmm lhs = fprAt(1, wide, RegSet::of({regNumber(rhs)}));
  stack_.pop();
  stack_.pop();
  Reg result;
  switch (kind) {
  case Opcode::F32Eq:
  case Opcode::F32Ne:
    a_.ucomis(size, lhs, rhs);
    result = allocGpr(); // moves and stores only: the flags stay
    a_.setcc(kind == Opcode::F32Eq ? Cond::Equal : Cond::NotEqual, result);
    a_.setcc(kind == Opcode::F32Eq ? Cond::NoParity : Cond::Parity, kScratch);
    a_.alu(kind == Opcode::F32Eq ? Alu::And : Alu::Or, Width::W32, result, kScratch);
    break;
  // One condition each (its negation is the complement, unordered
  // included): left in the flags.
  case Opcode::F32Gt:
  case Opcode::F32Ge:
    a_.ucomis(size, lhs, rhs);
    pushFlags(kind == Opcode::F32Gt ? Cond::Above : Cond::AboveOrEqual);
    return;
  default: // lt, le: b > a, b >= a
    a_.ucomis(size, rhs, lhs);
    pushFlags(kind == Opcode::F32Lt ? Cond::Above : Cond::AboveOrEqual);
    return;
  }
  a_.movzx8(result, result);
  pushGpr(result);
}

void FunctionCompiler::convert(FloatSize size, Width width, bool unsignedI32) {
  Reg source = gprAt(0);
  Xmm result = allocFpr();
  if (unsignedI32)
    a_.mov(Width::W32, source, source); // zero-extends
  a_.cvtIntToFloat(size, width, result, source);
  stack_.pop();
  pushFpr(result, size == FloatSize::F64);
}

Expected<bool> FunctionCompiler::numeric(const wasm::Instr& instr) {
  const Width W32 = Width::W32, W64 = Width::W64;
  switch (instr.op) {
  case Opcode::I32Add: alu(Alu::Add, W32); break;
  case Opcode::I32Sub: alu(Alu::Sub, W32); break;
  case Opcode::I32And: alu(Alu::And, W32); break;
  case Opcode::I32Or: alu(Alu::Or, W32); break;
  case Opcode::I32Xor: alu(Alu::Xor, W32); break;
  case Opcode::I32Mul: multiply(W32); break;
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
  case Opcode::I64Mul: multiply(W64); break;
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
    floatUnary(size, [&](Xmm reg) { a_.round(size, reg, reg, mode); });
    break;
  }
  case Opcode::F32Min: minMax(FloatSize::F32, true); break;
  case Opcode::F32Max: minMax(FloatSize::F32, false); break;
  case Opcode::F64Min: minMax(FloatSize::F64, true); break;
  case Opcode::F64Max: minMax(FloatSize::F64, false); break;
  case Opcode::F32Sqrt: floatUnary(FloatSize::F32, [&](Xmm reg) { a_.floatOp(FloatOp::Sqrt, FloatSize::F32, reg, reg); }); break;
  case Opcode::F64Sqrt: floatUnary(FloatSize::F64, [&](Xmm reg) { a_.floatOp(FloatOp::Sqrt, FloatSize::F64, reg, reg); }); break;
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
  // Values are bits, and a float may sit in an integer register: only an
  // integer in a float register has to move (integers never live there).
  case Opcode::I32ReinterpretF32:
  case Opcode::I64ReinterpretF64:
    if (stack_.at(0).home == Home::Fpr)
      gprAt(0);
    break;
  case Opcode::F32ReinterpretI32:
  case Opcode::F64ReinterpretI64: break;
  case Opcode::F64PromoteF32:
    floatUnary(FloatSize::F32, [&](Xmm reg) { a_.cvtFloatSize(FloatSize::F64, reg, reg); }, FloatSize::F64);
    break;
  case Opcode::F32DemoteF64:
    floatUnary(FloatSize::F64, [&](Xmm reg) { a_.cvtFloatSize(FloatSize::F32, reg, reg); }, FloatSize::F32);
    break;
  // Signed, or unsigned 32-bit (zero-extended: exact as a signed 64-bit).
  case Opcode::F32ConvertI32S: convert(FloatSize::F32, W32, false); break;
  case Opcode::F64ConvertI32S: convert(FloatSize::F64, W32, false); break;
  case Opcode::F32ConvertI64S: convert(FloatSize::F32, W64, false); break;
  case Opcode::F64ConvertI64S: convert(FloatSize::F64, W64, false); break;
  case Opcode::F32ConvertI32U: convert(FloatSize::F32, W64, true); break;
  case Opcode::F64ConvertI32U: convert(FloatSize::F64, W64, true); break;
  case Opcode::F32ConvertI64U: convertUnsigned64(FloatSize::F32); break;
  case Opcode::F64ConvertI64U: convertUnsigned64(FloatSize::F64); break;
  case Opcode::I32TruncF32S: truncate(FloatSize::F32, W32, true, false); break;
  case Opcode::I32TruncF32U: truncate(FloatSize::F32, W32, false, false); break;
  case Opcode::I32TruncF64S: truncate(FloatSize::F64, W32, true, false); break;
  case Opcode::I32TruncF64U: truncate(FloatSize::F64, W32, false, false); break;
  case Opcode::I64TruncF32S: truncate(FloatSize::F32, W64, true, false); break;
  case Opcode::I64TruncF32U: truncate(FloatSize::F32, W64, false, false); break;
  case Opcode::I64TruncF64S: truncate(FloatSize::F64, W64, true, false); break;
  case Opcode::I64TruncF64U: truncate(FloatSize::F64, W64, false, false); break;
  case Opcode::I32TruncSatF32S: truncate(FloatSize::F32, W32, true, true); break;
  case Opcode::I32TruncSatF32U: truncate(FloatSize::F32, W32, false, true); break;
  case Opcode::I32TruncSatF64S: truncate(FloatSize::F64, W32, true, true); break;
  case Opcode::I32TruncSatF64U: truncate(FloatSize::F64, W32, false, true); break;
  case Opcode::I64TruncSatF32S: truncate(FloatSize::F32, W64, true, true); break;
  case Opcode::I64TruncSatF32U: truncate(FloatSize::F32, W64, false, true); break;
  case Opcode::I64TruncSatF64S: truncate(FloatSize::F64, W64, true, true); break;
  case Opcode::I64TruncSatF64U: truncate(FloatSize::F64, W64, false, true); break;
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
  // Sign extension in place.
  case Opcode::I32Extend8S: { Reg r = gprAt(0); a_.movsx8(W32, r, r); break; }
  case Opcode::I32Extend16S: { Reg r = gprAt(0); a_.movsx16(W32, r, r); break; }
  case Opcode::I64Extend8S: { Reg r = gprAt(0); a_.movsx8(W64, r, r); break; }
  case Opcode::I64Extend16S: { Reg r = gprAt(0); a_.movsx16(W64, r, r); break; }
  case Opcode::I64Extend32S: { Reg r = gprAt(0); a_.movsxd(r, r); break; }
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
    if (stack_.at(0).home == Home::Flags) {
      stack_.replace(indexOf(0), Operand::flags(static_cast<uint8_t>(negate(static_cast<Cond>(stack_.at(0).bits)))));
      break;
    }
    [[fallthrough]];
  case Opcode::I64Eqz: {
    Width width = instr.op == Opcode::I32Eqz ? W32 : W64;
    Reg reg = gprAt(0);
    a_.test(width, reg, reg);
    stack_.pop();
    pushFlags(Cond::Equal);
    break;
  }
  // Nothing assumes a 32-bit value's upper half is zero (whatever needs
  // it moves the value with a 32-bit move first), so wrap moves nothing;
  // the unsigned extension makes the upper half zero.
  case Opcode::I32WrapI64: break;
  case Opcode::I64ExtendI32U: { Reg r = gprAt(0); a_.mov(W32, r, r); break; }
  case Opcode::I64ExtendI32S: { Reg r = gprAt(0); a_.movsxd(r, r); break; }
  default: return false;
  }
  return true;
}

} // namespace wasmc::baseline::detail
