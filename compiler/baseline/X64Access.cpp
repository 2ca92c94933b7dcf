// Calls, globals and memory accesses of the baseline compiler
// (X64FunctionCompiler.h): what reaches outside the function's frame.

#include "compiler/baseline/X64FunctionCompiler.h"

#include <cstring>

namespace wasmc::baseline::detail {

Expected<void> FunctionCompiler::call(const wasm::Instr& instr) {
  const wasm::FuncType& callee = module_.funcType(instr.index);
  WASMC_TRY(checkCallable(instr, callee));
  a_.load(Width::W64, Reg::rax, vmctxSlot());
  a_.load(Width::W64, Reg::rax, at(Reg::rax, offsetof(abi::VMContext, funcs)));
  a_.load(Width::W64, Reg::r11, at(Reg::rax, 8 * static_cast<int32_t>(instr.index)));
  callFuncRef(callee, height_);
  return {};
}

Expected<void> FunctionCompiler::callIndirect(const wasm::Instr& instr) {
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

Expected<void> FunctionCompiler::checkCallable(const wasm::Instr& instr, const wasm::FuncType& callee) {
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

void FunctionCompiler::callFuncRef(const wasm::FuncType& callee, uint32_t top) {
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

Expected<void> FunctionCompiler::global(const wasm::Instr& instr) {
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

Mem FunctionCompiler::address(uint32_t addressDepth, uint64_t offset) {
  a_.load(Width::W64, Reg::rcx, vmctxSlot());
  a_.load(Width::W64, Reg::rdx, at(Reg::rcx, 0)); // VMContext::memoryBase is its first field
  a_.load(Width::W32, Reg::rax, stackSlot(addressDepth)); // zero-extends
  if (offset <= INT32_MAX)
    return at(Reg::rdx, Reg::rax, 1, static_cast<int32_t>(offset));
  a_.movImm(Width::W64, Reg::rcx, offset);
  a_.alu(Alu::Add, Width::W64, Reg::rax, Reg::rcx);
  return at(Reg::rdx, Reg::rax, 1, 0);
}

void FunctionCompiler::copyOrFill(Opcode op) {
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

Expected<bool> FunctionCompiler::memory(const wasm::Instr& instr) {
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

} // namespace wasmc::baseline::detail
