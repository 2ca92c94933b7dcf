// Where the baseline compiler's operands live (X64FunctionCompiler.h,
// ValueStack.h): handing out registers, loading operands into them, and
// spilling them to their frame slots.

#include "compiler/baseline/X64FunctionCompiler.h"

namespace wasmc::baseline::detail {

Reg FunctionCompiler::allocGpr(RegSet avoid) {
  RegSet busy = stack_.usedGprs() | avoid;
  for (Reg reg : kOperandGprs)
    if (!busy.has(regNumber(reg)))
      return reg;
  return static_cast<Reg>(spillDeepest(Home::Gpr, avoid));
}

Xmm FunctionCompiler::allocFpr(RegSet avoid) {
  RegSet busy = stack_.usedFprs() | avoid;
  for (uint8_t reg = 0; reg < kOperandFprs; ++reg)
    if (!busy.has(reg))
      return static_cast<Xmm>(reg);
  return static_cast<Xmm>(spillDeepest(Home::Fpr, avoid));
}

uint8_t FunctionCompiler::spillDeepest(Home home, RegSet avoid) {
  for (uint32_t i = 0; i < stack_.size(); ++i) {
    const Operand& operand = stack_[i];
    if (operand.home == home && !avoid.has(operand.reg)) {
      uint8_t reg = operand.reg;
      spillAt(i);
      return reg;
    }
  }
  std::abort(); // not reached: at most three registers are ever avoided
}

void FunctionCompiler::load(const Operand& operand, uint32_t index, Width width, Reg reg) {
  switch (operand.home) {
  case Home::Flags: std::abort(); // materialised before anything but its consumer runs
  case Home::Slot: a_.load(width, reg, stackSlot(index)); break;
  case Home::Local:
    if (std::optional<Reg> local = localGpr(operand.local))
      a_.mov(width, reg, *local);
    else if (std::optional<Xmm> local = localFpr(operand.local))
      a_.movBits(operand.wide ? width : Width::W32, reg, *local);
    else
      a_.load(width, reg, localSlot(operand.local));
    break;
  case Home::Const: a_.movImm(width, reg, operand.bits); break;
  case Home::Gpr:
    if (width == Width::W32 || operand.reg != regNumber(reg))
      a_.mov(width, reg, static_cast<Reg>(operand.reg));
    break;
  case Home::Fpr:
    a_.movBits(operand.wide ? width : Width::W32, reg, static_cast<Xmm>(operand.reg));
    break;
  }
}

void FunctionCompiler::loadFloat(const Operand& operand, uint32_t index, bool wide, Xmm reg) {
  FloatSize size = wide ? FloatSize::F64 : FloatSize::F32;
  switch (operand.home) {
  case Home::Flags: std::abort();
  case Home::Slot: a_.loadFloat(size, reg, stackSlot(index)); break;
  case Home::Local:
    if (std::optional<Reg> local = localGpr(operand.local))
      a_.movBits(Width::W64, reg, *local);
    else if (std::optional<Xmm> local = localFpr(operand.local))
      a_.movaps(reg, *local);
    else
      a_.loadFloat(size, reg, localSlot(operand.local));
    break;
  case Home::Const:
    a_.movImm(Width::W64, kScratch, operand.bits);
    a_.movBits(Width::W64, reg, kScratch);
    break;
  case Home::Gpr: a_.movBits(Width::W64, reg, static_cast<Reg>(operand.reg)); break;
  case Home::Fpr:
    if (operand.reg != regNumber(reg))
      a_.movaps(reg, static_cast<Xmm>(operand.reg));
    break;
  }
}

void FunctionCompiler::storeOperand(const Operand& operand, uint32_t index, const Mem& to) {
  switch (operand.home) {
  case Home::Gpr: a_.store(Width::W64, to, static_cast<Reg>(operand.reg)); break;
  case Home::Fpr:
    a_.storeFloat(operand.wide ? FloatSize::F64 : FloatSize::F32, to, static_cast<Xmm>(operand.reg));
    break;
  default:
    load(operand, index, Width::W64, kScratch);
    a_.store(Width::W64, to, kScratch);
    break;
  }
}

void FunctionCompiler::spillAt(uint32_t index) {
  const Operand& operand = stack_[index];
  if (operand.home == Home::Slot)
    return;
  storeOperand(operand, index, stackSlot(index));
  stack_.replace(index, Operand::slot());
}

void FunctionCompiler::spillAll() {
  for (uint32_t i = 0; i < stack_.size(); ++i)
    spillAt(i);
}

void FunctionCompiler::spillRegisters() {
  for (uint32_t i = 0; i < stack_.size(); ++i)
    if (stack_[i].inRegister())
      spillAt(i);
}

Reg FunctionCompiler::gprAt(uint32_t depth, RegSet avoid) {
  uint32_t index = indexOf(depth);
  if (stack_[index].home == Home::Gpr)
    return static_cast<Reg>(stack_[index].reg);
  Reg reg = allocGpr(avoid);
  load(stack_[index], index, Width::W64, reg);
  stack_.replace(index, Operand::gpr(regNumber(reg)));
  return reg;
}

Xmm FunctionCompiler::fprAt(uint32_t depth, bool wide, RegSet avoid) {
  uint32_t index = indexOf(depth);
  if (stack_[index].home == Home::Fpr)
    return static_cast<Xmm>(stack_[index].reg);
  Xmm reg = allocFpr(avoid);
  loadFloat(stack_[index], index, wide, reg);
  stack_.replace(index, Operand::fpr(regNumber(reg), wide));
  return reg;
}

void FunctionCompiler::freeGpr(Reg reg, RegSet avoid) {
  if (!stack_.usedGprs().has(regNumber(reg)))
    return;
  for (uint32_t i = 0; i < stack_.size(); ++i) {
    if (stack_[i].home == Home::Gpr && stack_[i].reg == regNumber(reg)) {
      avoid.add(regNumber(reg));
      Reg other = allocGpr(avoid);
      a_.mov(Width::W64, other, reg);
      stack_.replace(i, Operand::gpr(regNumber(other)));
      return;
    }
  }
}

void FunctionCompiler::moveTo(uint32_t depth, Reg reg, RegSet avoid) {
  uint32_t index = indexOf(depth);
  if (stack_[index].home == Home::Gpr && stack_[index].reg == regNumber(reg))
    return;
  freeGpr(reg, avoid);
  load(stack_[index], index, Width::W64, reg);
  stack_.replace(index, Operand::gpr(regNumber(reg)));
}

void FunctionCompiler::materializeFlags() {
  Cond cond = static_cast<Cond>(stack_.at(0).bits);
  stack_.pop();
  Reg reg = allocGpr(); // may spill: moves and stores keep the flags
  a_.setcc(cond, reg);
  a_.movzx8(reg, reg);
  pushGpr(reg);
}

Cond FunctionCompiler::popCondition() {
  if (stack_.at(0).home == Home::Flags)
    return static_cast<Cond>(stack_.pop().bits);
  Reg reg = gprAt(0);
  stack_.pop();
  a_.test(Width::W32, reg, reg);
  return Cond::NotEqual;
}

std::optional<int32_t> FunctionCompiler::immediate(uint32_t depth, Width width) {
  const Operand& operand = stack_.at(depth);
  if (operand.home != Home::Const)
    return std::nullopt;
  if (width == Width::W32)
    return static_cast<int32_t>(static_cast<uint32_t>(operand.bits));
  int64_t value = static_cast<int64_t>(operand.bits);
  if (value < INT32_MIN || value > INT32_MAX)
    return std::nullopt;
  return static_cast<int32_t>(value);
}

std::optional<Mem> FunctionCompiler::memoryOperand(uint32_t depth) {
  const Operand& operand = stack_.at(depth);
  if (operand.home == Home::Slot)
    return stackSlot(indexOf(depth));
  if (operand.home == Home::Local && localRegs_[operand.local] < 0)
    return localSlot(operand.local);
  return std::nullopt;
}

} // namespace wasmc::baseline::detail
