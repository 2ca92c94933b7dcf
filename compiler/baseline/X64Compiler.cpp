// The walk over a function body, its frame, control flow and trap stubs
// (X64FunctionCompiler.h); and the entry point, compileFunctionX64.

#include "compiler/baseline/X64Compiler.h"
#include "compiler/baseline/LocalWeights.h"
#include "compiler/baseline/X64FunctionCompiler.h"

#include <algorithm>

namespace wasmc::baseline::detail {

Expected<std::vector<uint8_t>> FunctionCompiler::run() {
  for (ValType param : type_.params)
    if (!isScalar(param))
      return unsupported(function_.entryOffset, "a vector or reference parameter");
  if (type_.results.size() > 1 || (type_.results.size() == 1 && !isScalar(type_.results[0])))
    return unsupported(function_.entryOffset, "results other than one integer or float");
  numLocals_ = static_cast<uint32_t>(type_.params.size() + function_.numLocals);
  localTypes_.assign(type_.params.begin(), type_.params.end());
  localTypes_.reserve(numLocals_);
  for (const wasm::LocalDecl& decl : function_.locals) {
    if (!isScalar(decl.type))
      return unsupported(function_.entryOffset, "a vector or reference local");
    localTypes_.insert(localTypes_.end(), decl.count, decl.type);
  }
  assignLocalRegisters();

  a_.reserve(3 * function_.body.size + 256); // about 2.3 bytes of code per wasm byte
  if (counting_.consumeFuel)
    fuelPlan_ = WASMC_TRY(wasm::FuelPlan::of(module_, module_.numImportedFuncs + index_));
  // The prologue's code (its stack check) counts as the function's start.
  markOffset(module_.localsOffset(module_.numImportedFuncs + index_));
  prologue();
  ControlFrame body{Opcode::Block, {}, {}, {}, 0, static_cast<uint32_t>(type_.results.size()), true};
  control_.push_back(std::move(body));
  wasm::ByteReader reader(module_.slice(function_.body), function_.body.offset);
  WASMC_TRY(wasm::decodeBody(reader, *this));
  emitRefuelStubs();
  emitTrapStubs();
  emitJumpTables();
  patchFrameSize();
  return a_.code();
}

Expected<void> FunctionCompiler::visit(const wasm::Instr& instr) {
  if (!reachable_)
    return visitUnreachable(instr);
  markOffset(instr.offset);
  if (fuelPlan_)
    if (const wasm::FuelCharge* charge = fuelPlan_->at(instr.offset)) {
      if (!stack_.empty() && stack_.at(0).home == Home::Flags)
        materializeFlags(); // the charge's subtraction sets the flags
      chargeFuel(*charge);
    }
  if (!stack_.empty() && stack_.at(0).home == Home::Flags) {
    bool branchesOnIt = instr.op == Opcode::BrIf || instr.op == Opcode::If || instr.op == Opcode::Select ||
                        instr.op == Opcode::SelectT || instr.op == Opcode::I32Eqz;
    if (!branchesOnIt)
      materializeFlags();
  }
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
  case Opcode::Return: return returnNow();
  case Opcode::Drop: stack_.pop(); return {};
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
  case Opcode::I32Const: stack_.push(Operand::constant(static_cast<uint32_t>(instr.i32()))); return {};
  case Opcode::F32Const: stack_.push(Operand::constant(static_cast<uint32_t>(instr.bits))); return {};
  case Opcode::I64Const:
  case Opcode::F64Const: stack_.push(Operand::constant(instr.bits)); return {};
  case Opcode::LocalGet: stack_.push(Operand::ofLocal(instr.index, isWide(localType(instr.index)))); return {};
  case Opcode::LocalSet: setLocal(instr.index, false); return {};
  case Opcode::LocalTee: setLocal(instr.index, true); return {};
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

void FunctionCompiler::assignLocalRegisters() {
  localRegs_.assign(numLocals_, -1);
  std::vector<uint64_t> weights = weighLocals(module_, function_);
  std::vector<uint32_t> order(numLocals_);
  for (uint32_t i = 0; i < numLocals_; ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return weights[a] > weights[b]; });
  size_t gprs = 0, fprs = 0;
  for (uint32_t local : order) {
    if (weights[local] < 3) // a few straight-line uses: not worth a save and a load
      break;
    if (isFloat(localTypes_[local])) {
      if (fprs < std::size(kLocalFprs))
        localRegs_[local] = static_cast<int8_t>(regNumber(kLocalFprs[fprs++]));
    } else if (gprs < std::size(kLocalGprs)) {
      savedGprs_.push_back(kLocalGprs[gprs]);
      localRegs_[local] = static_cast<int8_t>(regNumber(kLocalGprs[gprs++]));
    }
  }
}

void FunctionCompiler::saveRegisterLocals(bool all) {
  for (uint32_t local = 0; local < numLocals_; ++local) {
    if (std::optional<Xmm> reg = localFpr(local))
      a_.storeFloat(FloatSize::F64, localSlot(local), *reg);
    else if (std::optional<Reg> reg = localGpr(local); reg && all)
      a_.store(Width::W64, localSlot(local), *reg);
  }
}

void FunctionCompiler::reloadRegisterLocals(bool all) {
  for (uint32_t local = 0; local < numLocals_; ++local) {
    if (std::optional<Xmm> reg = localFpr(local))
      a_.loadFloat(FloatSize::F64, *reg, localSlot(local));
    else if (std::optional<Reg> reg = localGpr(local); reg && all)
      a_.load(Width::W64, *reg, localSlot(local));
  }
}

void FunctionCompiler::setLocal(uint32_t local, bool keep) {
  // Operands below the top that still read the local take its old value
  // into their slots first.
  for (uint32_t i = 0; i + 1 < stack_.size(); ++i)
    if (stack_[i].home == Home::Local && stack_[i].local == local)
      spillAt(i);
  uint32_t top = indexOf(0);
  const Operand& value = stack_[top];
  if (value.home == Home::Local && value.local == local) {
    // already there
  } else if (std::optional<Reg> reg = localGpr(local)) {
    load(value, top, Width::W64, *reg);
  } else if (std::optional<Xmm> reg = localFpr(local)) {
    loadFloat(value, top, isWide(localTypes_[local]), *reg);
  } else {
    storeOperand(value, top, localSlot(local));
  }
  if (!keep)
    stack_.pop();
}

void FunctionCompiler::prologue() {
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
  a_.store(Width::W64, savedSlot(0), kVmctx);
  a_.store(Width::W64, savedSlot(1), kMemoryBase);
  for (size_t i = 0; i < savedGprs_.size(); ++i)
    a_.store(Width::W64, savedSlot(2 + static_cast<int>(i)), savedGprs_[i]);
  a_.mov(Width::W64, kVmctx, Reg::rdi);
  a_.load(Width::W64, kMemoryBase, at(Reg::rdi, offsetof(abi::VMContext, memoryBase)));
  a_.store(Width::W64, vmctxSlot(), Reg::rdi);
  // System V: integers in rsi.. (rdi is the VMContext), floats in
  // xmm0..7, each class in order; what does not fit goes on the stack,
  // in parameter order, above the return address and the saved rbp.
  uint32_t ints = 0, floats = 0, stacked = 0;
  for (uint32_t i = 0; i < type_.params.size(); ++i) {
    if (isInteger(type_.params[i]) && ints < std::size(kParamRegs)) {
      a_.store(Width::W64, localSlot(i), kParamRegs[ints++]);
    } else if (isFloat(type_.params[i]) && floats < 8) {
      a_.storeFloat(FloatSize::F64, localSlot(i), static_cast<Xmm>(floats++));
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
  if (counting_.counters)
    countCall();
  reloadRegisterLocals(true);
}

void FunctionCompiler::decrement(int32_t* counter, Label& counted) {
  a_.movImm(Width::W64, Reg::rax, reinterpret_cast<uint64_t>(counter));
  a_.load(Width::W32, Reg::rcx, at(Reg::rax, 0));
  a_.alu(Alu::Sub, Width::W32, Reg::rcx, 1);
  a_.store(Width::W32, at(Reg::rax, 0), Reg::rcx); // a mov: the flags are the sub's
  a_.jcc(Cond::NotEqual, counted);
}

void FunctionCompiler::countCall() {
  // After the parameters are in their slots: the request is an ordinary
  // call, free to use every caller-saved register.
  Label counted;
  decrement(counting_.counters + index_, counted);
  a_.movImm(Width::W64, Reg::rdi, reinterpret_cast<uint64_t>(counting_.context));
  a_.movImm(Width::W32, Reg::rsi, index_);
  a_.movImm(Width::W64, Reg::rax, reinterpret_cast<uint64_t>(counting_.request));
  a_.call(Reg::rax);
  a_.bind(counted);
}

void FunctionCompiler::chargeFuel(const wasm::FuelCharge& charge) {
  // Through kScratch only: every other register may hold a value here.
  a_.load(Width::W64, kScratch, at(kVmctx, offsetof(abi::VMContext, fuel)));
  if (charge.cost != 0)
    a_.alu(Alu::Sub, Width::W64, at(kScratch, 0), static_cast<int32_t>(std::min<uint32_t>(charge.cost, INT32_MAX)));
  else
    a_.alu(Alu::Cmp, Width::W64, at(kScratch, 0), 0);
  if (!charge.check)
    return;
  RefuelStub& stub = *refuelStubs_.emplace_back(std::make_unique<RefuelStub>());
  stub.offset = currentOffset_;
  a_.jcc(Cond::Less, stub.entry);
  a_.bind(stub.resume);
}

void FunctionCompiler::emitRefuelStubs() {
  // Every register may hold a value at a charge. Builtins::outOfFuel keeps
  // them all (preserve_all): only rdi and rax, which the call itself
  // needs, are saved here. Two pushes keep rsp 16-byte aligned, as it is
  // in the body.
  for (const std::unique_ptr<RefuelStub>& stub : refuelStubs_) {
    markOffset(stub->offset);
    a_.bind(stub->entry);
    a_.push(Reg::rax);
    a_.push(Reg::rdi);
    a_.mov(Width::W64, Reg::rdi, kVmctx);
    a_.load(Width::W64, Reg::rax, at(Reg::rdi, offsetof(abi::VMContext, builtins)));
    a_.call(at(Reg::rax, offsetof(abi::Builtins, outOfFuel)));
    a_.pop(Reg::rdi);
    a_.pop(Reg::rax);
    a_.jmp(stub->resume);
  }
}

void FunctionCompiler::pollInterrupt() {
  // The stack limit reads kInterruptStackLimit (2^62) only when the store
  // was interrupted: no stack is that high. (Not the StackExhausted stub:
  // that one is for the prologue, where rdi still holds the VMContext.)
  static_assert(abi::kInterruptStackLimit == uintptr_t(1) << 62);
  a_.load(Width::W64, kScratch, at(kVmctx, offsetof(abi::VMContext, stackLimit)));
  a_.shift(Shift::Shr, Width::W64, kScratch, 62);
  a_.jcc(Cond::NotEqual, trapLabel(abi::TrapCode::Interrupt));
}

void FunctionCompiler::countLoop(uint32_t loopOffset) {
  // The operand stack is empty here and the locals are in their slots, so
  // no register holds anything: both calls are free to use them all.
  Label stay, resume;
  decrement(counting_.loopCounters + index_, resume);
  saveRegisterLocals(true); // the loop entry reads every local from its slot
  a_.movImm(Width::W64, Reg::rdi, reinterpret_cast<uint64_t>(counting_.context));
  a_.movImm(Width::W32, Reg::rsi, index_);
  a_.movImm(Width::W32, Reg::rdx, loopOffset);
  a_.movImm(Width::W64, Reg::rax, reinterpret_cast<uint64_t>(counting_.enterLoop));
  a_.call(Reg::rax);
  a_.test(Width::W64, Reg::rax, Reg::rax);
  a_.jcc(Cond::Equal, stay);
  // entry(vmctx, &local 0); the locals go down from there, 8 bytes each.
  a_.mov(Width::W64, Reg::rdi, kVmctx);
  a_.lea(Reg::rsi, localSlot(0));
  a_.call(Reg::rax);
  epilogue();
  a_.bind(stay);
  reloadRegisterLocals(); // the call clobbered the float ones
  a_.bind(resume);
}

void FunctionCompiler::epilogue() {
  a_.load(Width::W64, kVmctx, savedSlot(0));
  a_.load(Width::W64, kMemoryBase, savedSlot(1));
  for (size_t i = 0; i < savedGprs_.size(); ++i)
    a_.load(Width::W64, savedGprs_[i], savedSlot(2 + static_cast<int>(i)));
  a_.mov(Width::W64, Reg::rsp, Reg::rbp);
  a_.pop(Reg::rbp);
  a_.ret();
}

void FunctionCompiler::placeResult() {
  uint32_t top = indexOf(0);
  if (isFloat(type_.results[0]))
    loadFloat(stack_[top], top, type_.results[0] == ValType::F64, Xmm::xmm0);
  else
    load(stack_[top], top, Width::W64, Reg::rax);
}

void FunctionCompiler::patchFrameSize() {
  uint64_t bytes = kSavedBytes + 8ull * (1 + numLocals_ + stack_.maxSize());
  bytes = (bytes + 15) & ~uint64_t(15);
  a_.patch32(frameSizeAt_, static_cast<int32_t>(bytes));
  a_.patch32(stackCheckSizeAt_, static_cast<int32_t>(bytes));
}

Expected<void> FunctionCompiler::enter(const wasm::Instr& instr) {
  if (instr.block.kind == wasm::BlockType::Kind::Index)
    return unsupported(instr.offset, "blocks with a type index");
  if (instr.block.kind == wasm::BlockType::Kind::Value && !isScalar(instr.block.type))
    return unsupported(instr.offset, "vector or reference block results");
  // Every operand goes to its slot: the block's ends and branches all
  // find the values below it there.
  Cond condition = Cond::NotEqual;
  if (instr.op == Opcode::If)
    condition = popCondition();
  spillAll(); // moves and stores only: the flags stay
  control_.push_back(ControlFrame{instr.op, {}, {}, {}, stack_.size(), blockArity(instr.block), true});
  ControlFrame& frame = control_.back();
  if (instr.op == Opcode::Loop) {
    a_.bind(frame.head);
    if (counting_.pollInterrupts)
      pollInterrupt();
    if (counting_.loopCounters && stack_.empty())
      countLoop(static_cast<uint32_t>(instr.offset));
  }
  if (instr.op == Opcode::If)
    a_.jcc(negate(condition), frame.elseLabel);
  return {};
}

Expected<void> FunctionCompiler::elseBranch() {
  ControlFrame& frame = control_.back();
  if (reachable_) {
    spillAll(); // the results, to the slots `end` expects them in
    a_.jmp(frame.end);
  }
  a_.bind(frame.elseLabel);
  frame.hasElse = true;
  stack_.truncate(frame.height);
  reachable_ = frame.reachableAtEntry;
  return {};
}

Expected<void> FunctionCompiler::end() {
  ControlFrame& frame = control_.back();
  if (reachable_)
    spillAll();
  if (frame.kind == Opcode::If && !frame.hasElse)
    a_.bind(frame.elseLabel);
  a_.bind(frame.end);
  stack_.truncate(frame.height);
  for (uint32_t i = 0; i < frame.arity; ++i)
    stack_.push(Operand::slot());
  reachable_ = true;
  if (control_.size() == 1) {
    // The function's end: its result is in stack slot 0.
    if (frame.arity == 1)
      placeResult();
    epilogue();
  }
  control_.pop_back();
  return {};
}

void FunctionCompiler::jumpTo(ControlFrame& target) {
  uint32_t arity = target.kind == Opcode::Loop ? 0 : target.arity;
  // In increasing order: a value's source slot is never a slot an earlier
  // value was written to (the targets lie at or below the sources).
  for (uint32_t i = 0; i < arity; ++i) {
    uint32_t from = stack_.size() - arity + i, to = target.height + i;
    if (from != to || stack_[from].home != Home::Slot)
      storeOperand(stack_[from], from, stackSlot(to));
  }
  a_.jmp(target.kind == Opcode::Loop ? target.head : target.end);
}

Expected<void> FunctionCompiler::branch(uint32_t depth) {
  jumpTo(label(depth));
  reachable_ = false;
  return {};
}

Expected<void> FunctionCompiler::returnNow() {
  if (!type_.results.empty())
    placeResult();
  epilogue();
  reachable_ = false;
  return {};
}

Expected<void> FunctionCompiler::branchIf(uint32_t depth) {
  Cond condition = popCondition();
  Label skip;
  a_.jcc(negate(condition), skip);
  jumpTo(label(depth)); // writes through kScratch only: the stack's registers stay
  a_.bind(skip);
  return {};
}

Expected<void> FunctionCompiler::branchTable(const wasm::Instr& instr) {
  Reg index = gprAt(0);
  stack_.pop();
  size_t cases = instr.targets.size() - 1; // the default is last
  constexpr size_t kJumpTableFrom = 4;
  if (cases < kJumpTableFrom) {
    for (size_t i = 0; i < cases; ++i) {
      Label next;
      a_.alu(Alu::Cmp, Width::W32, index, static_cast<int32_t>(i));
      a_.jcc(Cond::NotEqual, next);
      jumpTo(label(instr.targets[i]));
      a_.bind(next);
    }
    jumpTo(label(instr.targets[cases]));
    reachable_ = false;
    return {};
  }
  std::map<uint32_t, size_t> stubOf; // target depth -> its stub
  for (uint32_t depth : instr.targets)
    if (stubOf.try_emplace(depth, stubLabels_.size()).second)
      stubLabels_.push_back(std::make_unique<Label>());
  JumpTable& table = *jumpTables_.emplace_back(std::make_unique<JumpTable>());
  for (size_t i = 0; i < cases; ++i)
    table.entries.push_back(stubOf[instr.targets[i]]);
  a_.alu(Alu::Cmp, Width::W32, index, static_cast<int32_t>(cases));
  a_.jcc(Cond::AboveOrEqual, *stubLabels_[stubOf[instr.targets[cases]]]);
  a_.mov(Width::W32, index, index); // zero-extended: it indexes the table
  a_.lea(kScratch, table.start);
  a_.load32SignExtend(index, at(kScratch, index, 4, 0));
  a_.alu(Alu::Add, Width::W64, kScratch, index);
  a_.jmp(kScratch);
  for (auto& [depth, stub] : stubOf) {
    a_.bind(*stubLabels_[stub]);
    jumpTo(label(depth));
  }
  reachable_ = false;
  return {};
}

void FunctionCompiler::emitJumpTables() {
  for (const std::unique_ptr<JumpTable>& boxed : jumpTables_) {
    JumpTable& table = *boxed;
    a_.align(4);
    a_.bind(table.start);
    for (size_t stub : table.entries)
      a_.data32(static_cast<int32_t>(stubLabels_[stub]->offset() - table.start.offset()));
  }
}

Expected<void> FunctionCompiler::visitUnreachable(const wasm::Instr& instr) {
  switch (instr.op) {
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::If:
    control_.push_back(ControlFrame{instr.op, {}, {}, {}, stack_.size(), blockArity(instr.block), false});
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

void FunctionCompiler::markOffset(uint32_t offset) {
  currentOffset_ = offset;
  const auto pc = static_cast<uint32_t>(a_.size());
  if (!offsets_.empty() && offsets_.back().pc == pc)
    offsets_.back().offset = offset; // the instruction before emitted nothing
  else if (offsets_.empty() || offsets_.back().offset != offset)
    offsets_.push_back({pc, offset});
}

void FunctionCompiler::emitTrapStubs() {
  for (auto& [site, label] : traps_) {
    const auto& [code, offset] = site;
    markOffset(offset);
    a_.bind(label);
    // The stack check jumps here before the frame exists and kVmctx is
    // set; rdi still holds the VMContext then.
    if (code != abi::TrapCode::StackExhausted)
      a_.mov(Width::W64, Reg::rdi, kVmctx);
    a_.movImm(Width::W32, Reg::rsi, static_cast<uint32_t>(code));
    a_.load(Width::W64, Reg::rax, at(Reg::rdi, offsetof(abi::VMContext, builtins)));
    a_.call(at(Reg::rax, offsetof(abi::Builtins, raiseTrap)));
    a_.ud2();
  }
}

} // namespace wasmc::baseline::detail

namespace wasmc::baseline {

Expected<std::vector<uint8_t>> compileFunctionX64(const wasm::Module& module, uint32_t index,
                                                  const CallCounting& counting, std::vector<abi::PcOffset>* offsets) {
  detail::FunctionCompiler compiler(module, index, counting);
  Expected<std::vector<uint8_t>> code = compiler.run();
  if (!code) {
    Error error = std::move(code).error();
    error.function = module.numImportedFuncs + index;
    return error;
  }
  if (offsets)
    *offsets = compiler.takeOffsets();
  return code;
}

} // namespace wasmc::baseline
