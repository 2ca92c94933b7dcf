// Calls, globals and memory accesses of the baseline compiler
// (X64FunctionCompiler.h): what reaches outside the function's frame.

#include "compiler/baseline/X64FunctionCompiler.h"

#include <cstring>

namespace wasmc::baseline::detail {

Expected<void> FunctionCompiler::call(const wasm::Instr& instr) {
  const wasm::FuncType& callee = module_.funcType(instr.index);
  WASMC_TRY(checkCallable(instr, callee));
  spillRegisters();
  saveRegisterLocals();
  a_.load(Width::W64, kScratch, at(kVmctx, offsetof(abi::VMContext, funcs)));
  a_.load(Width::W64, kScratch, at(kScratch, 8 * static_cast<int32_t>(instr.index)));
  callFuncRef(callee);
  return {};
}

Expected<void> FunctionCompiler::callIndirect(const wasm::Instr& instr) {
  const wasm::FuncType& callee = module_.types[instr.index];
  WASMC_TRY(checkCallable(instr, callee));
  spillRegisters();
  saveRegisterLocals();
  // The callee's table index is on top; zero-extended, it indexes the
  // table's elements.
  load(stack_.at(0), indexOf(0), Width::W32, Reg::rdx);
  stack_.pop();
  a_.load(Width::W64, Reg::rax, at(kVmctx, offsetof(abi::VMContext, tables)));
  a_.load(Width::W64, Reg::rax, at(Reg::rax, 8 * static_cast<int32_t>(instr.index2)));
  a_.alu(Alu::Cmp, Width::W32, Reg::rdx, at(Reg::rax, offsetof(abi::TableRecord, size)));
  a_.jcc(Cond::AboveOrEqual, trapLabel(abi::TrapCode::UndefinedElement));
  a_.load(Width::W64, Reg::rax, at(Reg::rax, offsetof(abi::TableRecord, elements)));
  a_.load(Width::W64, kScratch, at(Reg::rax, Reg::rdx, 8, 0));
  a_.test(Width::W64, kScratch, kScratch);
  a_.jcc(Cond::Equal, trapLabel(abi::TrapCode::UninitializedElement));
  a_.load(Width::W64, Reg::rax, at(kVmctx, offsetof(abi::VMContext, sigIds)));
  a_.load(Width::W32, Reg::rax, at(Reg::rax, 4 * static_cast<int32_t>(instr.index)));
  a_.alu(Alu::Cmp, Width::W32, Reg::rax, at(kScratch, offsetof(abi::FuncRef, sigId)));
  a_.jcc(Cond::NotEqual, trapLabel(abi::TrapCode::IndirectCallTypeMismatch));
  callFuncRef(callee);
  return {};
}

Expected<void> FunctionCompiler::checkCallable(const wasm::Instr& instr, const wasm::FuncType& callee) {
  for (ValType param : callee.params)
    if (!isScalar(param))
      return unsupported(instr.offset, "calls with vector or reference parameters");
  if (callee.results.size() > 1)
    return unsupported(instr.offset, "calls with several results");
  if (!callee.results.empty() && !isScalar(callee.results[0]))
    return unsupported(instr.offset, "calls with vector or reference results");
  return {};
}

void FunctionCompiler::callFuncRef(const wasm::FuncType& callee) {
  uint32_t first = stack_.size() - static_cast<uint32_t>(callee.params.size());
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
  // aligned in the body: the frame size is a multiple of 16). No argument
  // is in a register (the caller spilled them), so loading one clobbers
  // no other; kScratch holds the FuncRef throughout.
  size_t stackBytes = 8 * stacked.size();
  if (stacked.size() % 2)
    a_.alu(Alu::Sub, Width::W64, Reg::rsp, 8);
  for (size_t k = stacked.size(); k-- > 0;) {
    load(stack_[first + stacked[k]], first + stacked[k], Width::W64, Reg::rax);
    a_.push(Reg::rax);
  }
  ints = floats = 0;
  for (uint32_t i = 0; i < callee.params.size(); ++i) {
    const Operand& argument = stack_[first + i];
    if (isInteger(callee.params[i])) {
      if (ints < std::size(kParamRegs))
        load(argument, first + i, Width::W64, kParamRegs[ints]);
      ++ints;
    } else {
      if (floats < 8) {
        if (argument.home == Home::Const) {
          a_.movImm(Width::W64, Reg::rax, argument.bits);
          a_.movBits(Width::W64, static_cast<Xmm>(floats), Reg::rax);
        } else {
          loadFloat(argument, first + i, true, static_cast<Xmm>(floats));
        }
      }
      ++floats;
    }
  }
  a_.load(Width::W64, Reg::rdi, at(kScratch, offsetof(abi::FuncRef, vmctx)));
  a_.call(at(kScratch, offsetof(abi::FuncRef, code)));
  if (stackBytes)
    a_.alu(Alu::Add, Width::W64, Reg::rsp, static_cast<int32_t>(stackBytes + (stacked.size() % 2 ? 8 : 0)));
  reloadRegisterLocals(); // (not xmm0: the result)
  stack_.truncate(first);
  if (!callee.results.empty()) {
    if (isFloat(callee.results[0]))
      pushFpr(Xmm::xmm0, callee.results[0] == ValType::F64);
    else
      pushGpr(Reg::rax);
  }
}

Expected<void> FunctionCompiler::global(const wasm::Instr& instr) {
  if (!isScalar(module_.globalTypes[instr.index].type))
    return unsupported(instr.offset, "vector or reference globals");
  // An i32 global is the cell's first 4 bytes: write no more.
  ValType type = module_.globalTypes[instr.index].type;
  Width width = isWide(type) ? Width::W64 : Width::W32;
  if (instr.op == Opcode::GlobalGet) {
    Reg value = allocGpr();
    a_.load(Width::W64, value, at(kVmctx, offsetof(abi::VMContext, globals)));
    a_.load(Width::W64, value, at(value, 8 * static_cast<int32_t>(instr.index)));
    a_.load(width, value, at(value));
    pushGpr(value);
  } else {
    Reg value = gprAt(0);
    a_.load(Width::W64, kScratch, at(kVmctx, offsetof(abi::VMContext, globals)));
    a_.load(Width::W64, kScratch, at(kScratch, 8 * static_cast<int32_t>(instr.index)));
    a_.store(width, at(kScratch), value);
    stack_.pop();
  }
  return {};
}

Mem FunctionCompiler::address(uint32_t depth, uint64_t offset, RegSet avoid) {
  const Operand& operand = stack_.at(depth);
  if (operand.home == Home::Const) {
    uint64_t effective = static_cast<uint32_t>(operand.bits) + offset;
    if (effective <= INT32_MAX)
      return at(kMemoryBase, static_cast<int32_t>(effective));
    a_.movImm(Width::W64, kScratch, effective);
    return at(kMemoryBase, kScratch, 1, 0);
  }
  load(operand, indexOf(depth), Width::W32, kScratch); // zero-extends
  if (offset <= INT32_MAX)
    return at(kMemoryBase, kScratch, 1, static_cast<int32_t>(offset));
  Reg sum = allocGpr(avoid);
  a_.movImm(Width::W64, sum, offset);
  a_.alu(Alu::Add, Width::W64, kScratch, sum);
  return at(kMemoryBase, kScratch, 1, 0);
}

void FunctionCompiler::copyOrFill(Opcode op) {
  // A libc call: every operand in a register goes to its slot first.
  spillRegisters();
  uint32_t dst = indexOf(2), value = indexOf(1), count = indexOf(0);
  load(stack_[count], count, Width::W32, Reg::rdx); // zero-extended: 64-bit sums cannot wrap
  load(stack_[dst], dst, Width::W32, Reg::rdi);
  load(stack_[value], value, Width::W32, Reg::rsi);
  stack_.truncate(dst);
  a_.load(Width::W64, Reg::r8, at(kVmctx, offsetof(abi::VMContext, memory)));
  a_.load(Width::W64, Reg::r8, at(Reg::r8, offsetof(abi::MemoryRecord, size)));
  a_.lea(Reg::rax, at(Reg::rdi, Reg::rdx, 1, 0));
  a_.alu(Alu::Cmp, Width::W64, Reg::rax, Reg::r8);
  a_.jcc(Cond::Above, trapLabel(abi::TrapCode::MemoryOutOfBounds));
  a_.alu(Alu::Add, Width::W64, Reg::rdi, kMemoryBase);
  if (op == Opcode::MemoryCopy) {
    a_.lea(Reg::rax, at(Reg::rsi, Reg::rdx, 1, 0));
    a_.alu(Alu::Cmp, Width::W64, Reg::rax, Reg::r8);
    a_.jcc(Cond::Above, trapLabel(abi::TrapCode::MemoryOutOfBounds));
    a_.alu(Alu::Add, Width::W64, Reg::rsi, kMemoryBase);
  }
  void* function = op == Opcode::MemoryCopy ? reinterpret_cast<void*>(&std::memmove)
                                            : reinterpret_cast<void*>(&std::memset);
  saveRegisterLocals();
  a_.movImm(Width::W64, Reg::rax, reinterpret_cast<uint64_t>(function));
  a_.call(Reg::rax);
  reloadRegisterLocals();
}

Expected<bool> FunctionCompiler::memory(const wasm::Instr& instr) {
  const Width W32 = Width::W32, W64 = Width::W64;
  if (instr.op == Opcode::MemorySize) {
    // Pages: MemoryRecord::size is in bytes.
    Reg pages = allocGpr();
    a_.load(W64, pages, at(kVmctx, offsetof(abi::VMContext, memory)));
    a_.load(W64, pages, at(pages, offsetof(abi::MemoryRecord, size)));
    a_.shift(Shift::Shr, W64, pages, 16);
    pushGpr(pages);
    return true;
  }
  if (instr.op == Opcode::MemoryGrow) {
    // Builtins::memoryGrow(vmctx, delta): the old size in pages, or -1.
    spillRegisters();
    load(stack_.at(0), indexOf(0), W32, Reg::rsi);
    stack_.pop();
    a_.mov(W64, Reg::rdi, kVmctx);
    saveRegisterLocals();
    a_.load(W64, Reg::rax, at(kVmctx, offsetof(abi::VMContext, builtins)));
    a_.call(at(Reg::rax, offsetof(abi::Builtins, memoryGrow)));
    reloadRegisterLocals();
    pushGpr(Reg::rax);
    return true;
  }
  // (Memory 0 only: the decoder accepts no other index yet.)
  if (instr.op == Opcode::MemoryCopy || instr.op == Opcode::MemoryFill) {
    copyOrFill(instr.op);
    return true;
  }
  if (instr.mem.memory != 0)
    return false;
  auto load = [&](const auto& emit) { // (templates: a std::function would allocate per access)
    // The result takes the address's register if it has one.
    const Operand& address = stack_.at(0);
    Reg result = address.home == Home::Gpr ? static_cast<Reg>(address.reg) : allocGpr();
    Mem mem = this->address(0, instr.mem.offset, RegSet::of({regNumber(result)}));
    emit(result, mem);
    stack_.pop();
    pushGpr(result);
  };
  auto loadFloat = [&](FloatSize size) {
    Xmm result = allocFpr();
    Mem mem = address(0, instr.mem.offset, {});
    a_.loadFloat(size, result, mem);
    stack_.pop();
    pushFpr(result, size == FloatSize::F64);
  };
  auto store = [&](Width width, const auto& emit) {
    const Operand& value = stack_.at(0);
    if (value.home == Home::Fpr) {
      Xmm reg = static_cast<Xmm>(value.reg);
      Mem mem = address(1, instr.mem.offset, {});
      a_.storeFloat(width == W64 ? FloatSize::F64 : FloatSize::F32, mem, reg);
    } else {
      Reg reg = gprAt(0);
      Mem mem = address(1, instr.mem.offset, RegSet::of({regNumber(reg)}));
      emit(mem, reg);
    }
    stack_.pop();
    stack_.pop();
  };
  auto plain = [&](Width width) { return [this, width](const Mem& m, Reg r) { a_.store(width, m, r); }; };
  switch (instr.op) {
  // Floats move as their bits: no conversion, so every NaN payload stays.
  case Opcode::I32Load: load([&](Reg r, const Mem& m) { a_.load(W32, r, m); }); break;
  case Opcode::I64Load: load([&](Reg r, const Mem& m) { a_.load(W64, r, m); }); break;
  case Opcode::F32Load: loadFloat(FloatSize::F32); break;
  case Opcode::F64Load: loadFloat(FloatSize::F64); break;
  case Opcode::I32Load8S: load([&](Reg r, const Mem& m) { a_.load8(r, m, true); }); break;
  case Opcode::I32Load8U:
  case Opcode::I64Load8U: load([&](Reg r, const Mem& m) { a_.load8(r, m, false); }); break;
  case Opcode::I32Load16S: load([&](Reg r, const Mem& m) { a_.load16(r, m, true); }); break;
  case Opcode::I32Load16U:
  case Opcode::I64Load16U: load([&](Reg r, const Mem& m) { a_.load16(r, m, false); }); break;
  case Opcode::I64Load8S: load([&](Reg r, const Mem& m) { a_.load8(r, m, true, W64); }); break;
  case Opcode::I64Load16S: load([&](Reg r, const Mem& m) { a_.load16(r, m, true, W64); }); break;
  case Opcode::I64Load32S: load([&](Reg r, const Mem& m) { a_.load32SignExtend(r, m); }); break;
  case Opcode::I64Load32U: load([&](Reg r, const Mem& m) { a_.load(W32, r, m); }); break;
  case Opcode::I32Store:
  case Opcode::F32Store:
  case Opcode::I64Store32: store(W32, plain(W32)); break;
  case Opcode::I64Store:
  case Opcode::F64Store: store(W64, plain(W64)); break;
  case Opcode::I32Store8:
  case Opcode::I64Store8: store(W32, [&](const Mem& m, Reg r) { a_.store8(m, r); }); break;
  case Opcode::I32Store16:
  case Opcode::I64Store16: store(W32, [&](const Mem& m, Reg r) { a_.store16(m, r); }); break;
  default: return false;
  }
  return true;
}

} // namespace wasmc::baseline::detail
