// The validation algorithm of the spec's appendix, instruction by instruction.
// Messages use the spec test suite's wording so `wasmc wast` can match them.

#include "compiler/wasm/TypeChecker.h"

#include <algorithm>

namespace wasmc::wasm {
namespace {

ValType sigLetterType(char letter) {
  switch (letter) {
  case 'i': return ValType::I32;
  case 'l': return ValType::I64;
  case 'f': return ValType::F32;
  case 'd': return ValType::F64;
  case 'v': return ValType::V128;
  }
  WASMC_UNREACHABLE("bad signature letter in Opcodes.def");
}

std::string indexed(const char* what, uint32_t index) {
  return std::string(what) + " " + std::to_string(index);
}

} // namespace

TypeChecker::TypeChecker(const ValidationContext& context, FuncIndex func)
    : context_(context), module_(context.module), func_(func), type_(context.module.funcType(func)) {
  uint64_t next = type_.params.size();
  for (const LocalDecl& decl : module_.definedFunc(func).locals) {
    next += decl.count;
    localGroups_.emplace_back(next, decl.type);
  }
  pushFrame(Opcode::End, {}, type_.results);
}

Error TypeChecker::fail(const Instr& instr, std::string message) const {
  Error error = makeError(ErrorKind::Invalid, instr.offset, std::move(message));
  error.function = func_;
  return error;
}

void TypeChecker::pushAll(const std::vector<ValType>& types) {
  for (ValType type : types)
    push(type);
}

Expected<uint8_t> TypeChecker::pop(const Instr& instr) {
  const Frame& frame = frames_.back();
  if (operands_.size() == frame.height) {
    if (frame.unreachable)
      return kUnknown;
    return mismatch(instr);
  }
  Operand top = operands_.back();
  operands_.pop_back();
  return top;
}

Expected<uint8_t> TypeChecker::pop(const Instr& instr, ValType expected) {
  Operand actual = WASMC_TRY(pop(instr));
  if (actual != kUnknown && actual != static_cast<Operand>(expected))
    return mismatch(instr);
  return actual; // stays kUnknown: br_table re-pushes it for its next label
}

Expected<void> TypeChecker::popAll(const Instr& instr, const std::vector<ValType>& types) {
  for (size_t i = types.size(); i-- > 0;)
    WASMC_TRY(pop(instr, types[i]));
  return {};
}

Expected<uint8_t> TypeChecker::popRef(const Instr& instr) {
  Operand actual = WASMC_TRY(pop(instr));
  if (actual != kUnknown && !isRefType(static_cast<ValType>(actual)))
    return mismatch(instr);
  return actual;
}

void TypeChecker::pushFrame(Opcode kind, std::vector<ValType> params, std::vector<ValType> results) {
  frames_.push_back(Frame{kind, std::move(params), std::move(results), operands_.size(), false});
  pushAll(frames_.back().params);
}

Expected<void> TypeChecker::checkFrameEnd(const Instr& instr, const Frame& frame) {
  WASMC_TRY(popAll(instr, frame.results));
  if (operands_.size() != frame.height)
    return mismatch(instr);
  return {};
}

void TypeChecker::markUnreachable() {
  Frame& frame = frames_.back();
  operands_.resize(frame.height);
  frame.unreachable = true;
}

Expected<const TypeChecker::Frame*> TypeChecker::label(const Instr& instr, uint32_t depth) const {
  if (depth >= frames_.size())
    return fail(instr, indexed("unknown label", depth));
  return &frames_[frames_.size() - 1 - depth];
}

Expected<FuncType> TypeChecker::blockSignature(const Instr& instr) const {
  switch (instr.block.kind) {
  case BlockType::Kind::Empty: return FuncType{};
  case BlockType::Kind::Value: return FuncType{{}, {instr.block.type}};
  case BlockType::Kind::Index:
    if (instr.block.index >= module_.types.size())
      return fail(instr, indexed("unknown type", instr.block.index));
    return module_.types[instr.block.index];
  }
  return FuncType{};
}

Expected<ValType> TypeChecker::localType(const Instr& instr, uint32_t index) const {
  if (index < type_.params.size())
    return type_.params[index];
  auto it = std::upper_bound(localGroups_.begin(), localGroups_.end(), uint64_t(index),
                             [](uint64_t value, const auto& group) { return value < group.first; });
  if (it == localGroups_.end())
    return fail(instr, indexed("unknown local", index));
  return it->second;
}

Expected<const TableType*> TypeChecker::table(const Instr& instr, uint32_t index) const {
  if (index >= module_.tables.size())
    return fail(instr, indexed("unknown table", index));
  return &module_.tables[index];
}

Expected<void> TypeChecker::requireMemory(const Instr& instr) const {
  if (module_.memories.empty())
    return fail(instr, "unknown memory 0");
  return {};
}

Expected<void> TypeChecker::requireElem(const Instr& instr, uint32_t index) const {
  if (index >= module_.elems.size())
    return fail(instr, indexed("unknown elem segment", index));
  return {};
}

Expected<void> TypeChecker::visit(const Instr& instr) {
  switch (instr.op) {
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::If:
  case Opcode::Else:
  case Opcode::End:
  case Opcode::Br:
  case Opcode::BrIf:
  case Opcode::BrTable:
  case Opcode::Return:
  case Opcode::Unreachable:
  case Opcode::Call:
  case Opcode::CallIndirect:
  case Opcode::ReturnCall:
  case Opcode::ReturnCallIndirect: return visitControl(instr);
  case Opcode::Drop:
  case Opcode::Select:
  case Opcode::SelectT:
  case Opcode::LocalGet:
  case Opcode::LocalSet:
  case Opcode::LocalTee:
  case Opcode::GlobalGet:
  case Opcode::GlobalSet: return visitVariable(instr);
  case Opcode::RefNull:
  case Opcode::RefIsNull:
  case Opcode::RefFunc: return visitReference(instr);
  case Opcode::TableGet:
  case Opcode::TableSet:
  case Opcode::TableSize:
  case Opcode::TableGrow:
  case Opcode::TableFill:
  case Opcode::TableCopy:
  case Opcode::TableInit:
  case Opcode::ElemDrop: return visitTable(instr);
  default: return visitRegular(instr);
  }
}

Expected<void> TypeChecker::visitControl(const Instr& instr) {
  switch (instr.op) {
  case Opcode::Unreachable: markUnreachable(); return {};
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::If: {
    FuncType sig = WASMC_TRY(blockSignature(instr));
    if (instr.op == Opcode::If)
      WASMC_TRY(pop(instr, ValType::I32));
    WASMC_TRY(popAll(instr, sig.params));
    pushFrame(instr.op, std::move(sig.params), std::move(sig.results));
    return {};
  }
  case Opcode::Else: {
    Frame& frame = frames_.back();
    if (frame.kind != Opcode::If)
      return fail(instr, "else without if");
    WASMC_TRY(checkFrameEnd(instr, frame));
    frame.kind = Opcode::Else;
    frame.unreachable = false;
    pushAll(frame.params);
    return {};
  }
  case Opcode::End: {
    WASMC_TRY(checkFrameEnd(instr, frames_.back()));
    Frame frame = std::move(frames_.back());
    // An `if` without `else` has an implicit empty else: params pass through.
    if (frame.kind == Opcode::If && frame.params != frame.results)
      return mismatch(instr);
    frames_.pop_back();
    pushAll(frame.results);
    return {};
  }
  case Opcode::Br: {
    const Frame* target = WASMC_TRY(label(instr, instr.index));
    WASMC_TRY(popAll(instr, labelTypes(*target)));
    markUnreachable();
    return {};
  }
  case Opcode::BrIf: {
    WASMC_TRY(pop(instr, ValType::I32));
    const Frame* target = WASMC_TRY(label(instr, instr.index));
    const std::vector<ValType> types = labelTypes(*target);
    WASMC_TRY(popAll(instr, types));
    pushAll(types);
    return {};
  }
  case Opcode::BrTable: {
    WASMC_TRY(pop(instr, ValType::I32));
    const Frame* fallback = WASMC_TRY(label(instr, instr.targets.back()));
    const size_t arity = labelTypes(*fallback).size();
    for (uint32_t depth : instr.targets) {
      const Frame* target = WASMC_TRY(label(instr, depth));
      const std::vector<ValType>& types = labelTypes(*target);
      if (types.size() != arity)
        return mismatch(instr);
      // Check the operands against this label without consuming them.
      std::vector<Operand> popped;
      for (size_t i = types.size(); i-- > 0;)
        popped.push_back(WASMC_TRY(pop(instr, types[i])));
      for (size_t i = popped.size(); i-- > 0;)
        push(popped[i]);
    }
    WASMC_TRY(popAll(instr, labelTypes(*fallback)));
    markUnreachable();
    return {};
  }
  case Opcode::Return:
    WASMC_TRY(popAll(instr, type_.results));
    markUnreachable();
    return {};
  case Opcode::Call: {
    if (instr.index >= module_.funcTypes.size())
      return fail(instr, indexed("unknown function", instr.index));
    const FuncType& callee = module_.funcType(instr.index);
    WASMC_TRY(popAll(instr, callee.params));
    pushAll(callee.results);
    return {};
  }
  case Opcode::CallIndirect: {
    const FuncType& callee = *WASMC_TRY(indirectCallee(instr));
    WASMC_TRY(pop(instr, ValType::I32));
    WASMC_TRY(popAll(instr, callee.params));
    pushAll(callee.results);
    return {};
  }
  case Opcode::ReturnCall:
  case Opcode::ReturnCallIndirect: {
    // A call whose results are this function's: it returns them.
    if (!context_.features.tailCall)
      return fail(instr, std::string(opcodeName(instr.op)) + " needs --wasm tail-call=y");
    const FuncType* callee = nullptr;
    if (instr.op == Opcode::ReturnCall) {
      if (instr.index >= module_.funcTypes.size())
        return fail(instr, indexed("unknown function", instr.index));
      callee = &module_.funcType(instr.index);
    } else {
      callee = WASMC_TRY(indirectCallee(instr));
      WASMC_TRY(pop(instr, ValType::I32));
    }
    if (callee->results != type_.results)
      return mismatch(instr);
    WASMC_TRY(popAll(instr, callee->params));
    markUnreachable();
    return {};
  }
  default: WASMC_UNREACHABLE("not a control instruction");
  }
}

Expected<const FuncType*> TypeChecker::indirectCallee(const Instr& instr) const {
  const TableType* tab = WASMC_TRY(table(instr, instr.index2));
  if (tab->elemType != ValType::FuncRef)
    return mismatch(instr);
  if (instr.index >= module_.types.size())
    return fail(instr, indexed("unknown type", instr.index));
  return &module_.types[instr.index];
}

Expected<void> TypeChecker::visitVariable(const Instr& instr) {
  switch (instr.op) {
  case Opcode::Drop: WASMC_TRY(pop(instr)); return {};
  case Opcode::Select: {
    WASMC_TRY(pop(instr, ValType::I32));
    Operand first = WASMC_TRY(pop(instr));
    Operand second = WASMC_TRY(pop(instr));
    // Untyped select is only for numeric and vector operands.
    auto isRef = [](Operand t) { return t != kUnknown && isRefType(static_cast<ValType>(t)); };
    if (isRef(first) || isRef(second))
      return mismatch(instr);
    if (first != kUnknown && second != kUnknown && first != second)
      return mismatch(instr);
    push(first == kUnknown ? second : first);
    return {};
  }
  case Opcode::SelectT:
    if (instr.selectArity != 1)
      return fail(instr, "invalid result arity");
    WASMC_TRY(pop(instr, ValType::I32));
    WASMC_TRY(pop(instr, instr.type));
    WASMC_TRY(pop(instr, instr.type));
    push(instr.type);
    return {};
  case Opcode::LocalGet: push(WASMC_TRY(localType(instr, instr.index))); return {};
  case Opcode::LocalSet: WASMC_TRY(pop(instr, WASMC_TRY(localType(instr, instr.index)))); return {};
  case Opcode::LocalTee: {
    ValType type = WASMC_TRY(localType(instr, instr.index));
    WASMC_TRY(pop(instr, type));
    push(type);
    return {};
  }
  case Opcode::GlobalGet:
  case Opcode::GlobalSet: {
    if (instr.index >= module_.globalTypes.size())
      return fail(instr, indexed("unknown global", instr.index));
    const GlobalType& global = module_.globalTypes[instr.index];
    if (instr.op == Opcode::GlobalGet) {
      push(global.type);
      return {};
    }
    if (!global.isMutable)
      return fail(instr, "global is immutable");
    WASMC_TRY(pop(instr, global.type));
    return {};
  }
  default: WASMC_UNREACHABLE("not a variable instruction");
  }
}

Expected<void> TypeChecker::visitReference(const Instr& instr) {
  switch (instr.op) {
  case Opcode::RefNull: push(instr.type); return {};
  case Opcode::RefIsNull:
    WASMC_TRY(popRef(instr));
    push(ValType::I32);
    return {};
  case Opcode::RefFunc:
    if (instr.index >= module_.funcTypes.size())
      return fail(instr, indexed("unknown function", instr.index));
    if (!context_.declaredRefs.count(instr.index))
      return fail(instr, "undeclared function reference");
    push(ValType::FuncRef);
    return {};
  default: WASMC_UNREACHABLE("not a reference instruction");
  }
}

Expected<void> TypeChecker::visitTable(const Instr& instr) {
  switch (instr.op) {
  case Opcode::TableGet: {
    const TableType* tab = WASMC_TRY(table(instr, instr.index));
    WASMC_TRY(pop(instr, ValType::I32));
    push(tab->elemType);
    return {};
  }
  case Opcode::TableSet: {
    const TableType* tab = WASMC_TRY(table(instr, instr.index));
    WASMC_TRY(pop(instr, tab->elemType));
    WASMC_TRY(pop(instr, ValType::I32));
    return {};
  }
  case Opcode::TableSize:
    WASMC_TRY(table(instr, instr.index));
    push(ValType::I32);
    return {};
  case Opcode::TableGrow: {
    const TableType* tab = WASMC_TRY(table(instr, instr.index));
    WASMC_TRY(pop(instr, ValType::I32));
    WASMC_TRY(pop(instr, tab->elemType));
    push(ValType::I32);
    return {};
  }
  case Opcode::TableFill: {
    const TableType* tab = WASMC_TRY(table(instr, instr.index));
    WASMC_TRY(pop(instr, ValType::I32));
    WASMC_TRY(pop(instr, tab->elemType));
    WASMC_TRY(pop(instr, ValType::I32));
    return {};
  }
  case Opcode::TableCopy: {
    const TableType* dst = WASMC_TRY(table(instr, instr.index));
    const TableType* src = WASMC_TRY(table(instr, instr.index2));
    if (dst->elemType != src->elemType)
      return mismatch(instr);
    return popAll(instr, {ValType::I32, ValType::I32, ValType::I32});
  }
  case Opcode::TableInit: {
    const TableType* tab = WASMC_TRY(table(instr, instr.index2));
    WASMC_TRY(requireElem(instr, instr.index));
    if (module_.elems[instr.index].elemType != tab->elemType)
      return mismatch(instr);
    return popAll(instr, {ValType::I32, ValType::I32, ValType::I32});
  }
  case Opcode::ElemDrop: return requireElem(instr, instr.index);
  default: WASMC_UNREACHABLE("not a table instruction");
  }
}

Expected<void> TypeChecker::checkMemoryImmediates(const Instr& instr) {
  const OpcodeInfo& info = opcodeInfo(instr.op);
  switch (info.imm) {
  case ImmKind::MemArg:
  case ImmKind::MemArgLane:
    WASMC_TRY(requireMemory(instr));
    if (instr.mem.alignLog2 >= 32 || (1u << instr.mem.alignLog2) > info.size)
      return fail(instr, "alignment must not be larger than natural");
    if (info.imm == ImmKind::MemArgLane && instr.lane >= 16 / info.size)
      return fail(instr, "invalid lane index");
    return {};
  case ImmKind::MemIdx:
  case ImmKind::MemoryCopy: return requireMemory(instr);
  case ImmKind::MemoryInit:
  case ImmKind::Data:
    if (instr.op == Opcode::MemoryInit)
      WASMC_TRY(requireMemory(instr));
    if (!module_.dataCount || instr.index >= *module_.dataCount)
      return fail(instr, indexed("unknown data segment", instr.index));
    return {};
  case ImmKind::Lane:
    if (instr.lane >= info.size)
      return fail(instr, "invalid lane index");
    return {};
  case ImmKind::Shuffle:
    for (uint8_t lane : instr.v128)
      if (lane >= 32)
        return fail(instr, "invalid lane index");
    return {};
  default: return {};
  }
}

namespace {

/// An opcode's "params:results" signature from Opcodes.def, decoded once.
struct RegularSignature {
  bool regular = false; // has a signature (others have hand-written rules)
  uint8_t params = 0;
  uint8_t results = 0;
  uint8_t types[6] = {}; // TypeChecker operands (ValType bytes): params, then results
};

const std::vector<RegularSignature>& regularSignatures() {
  static const std::vector<RegularSignature> table = [] {
    std::vector<RegularSignature> out(kNumOpcodes);
    for (uint16_t op = 0; op < kNumOpcodes; ++op) {
      const char* sig = opcodeInfo(static_cast<Opcode>(op)).sig;
      const char* colon = sig;
      while (*colon && *colon != ':')
        ++colon;
      if (*colon != ':')
        continue;
      RegularSignature& entry = out[op];
      entry.regular = true;
      uint8_t n = 0;
      for (const char* p = sig; p != colon; ++p)
        entry.types[n++] = static_cast<uint8_t>(sigLetterType(*p));
      entry.params = n;
      for (const char* p = colon + 1; *p; ++p)
        entry.types[n++] = static_cast<uint8_t>(sigLetterType(*p));
      entry.results = static_cast<uint8_t>(n - entry.params);
    }
    return out;
  }();
  return table;
}

} // namespace

Expected<void> TypeChecker::visitRegular(const Instr& instr) {
  WASMC_TRY(checkMemoryImmediates(instr));
  if (!context_.features.relaxedSimd && opcodeInfo(instr.op).prefix == 0xFD && opcodeInfo(instr.op).code >= 0x100)
    return fail(instr, std::string(opcodeInfo(instr.op).text) + " needs --wasm relaxed-simd=y");
  const RegularSignature& sig = regularSignatures()[static_cast<uint16_t>(instr.op)];
  if (!sig.regular)
    WASMC_UNREACHABLE("irregular opcode without a hand-written rule");
  // The common case in one check: every operand there, above the frame,
  // of exactly its type. Anything else (too few, a mismatch, unreachable
  // code's unknowns) takes the general way, which says what is wrong.
  const size_t height = operands_.size();
  bool exact = height >= frames_.back().height + sig.params;
  for (uint8_t i = 0; exact && i < sig.params; ++i)
    exact = operands_[height - sig.params + i] == sig.types[i];
  if (exact) {
    operands_.resize(height - sig.params);
  } else {
    for (uint8_t i = sig.params; i-- > 0;)
      WASMC_TRY(pop(instr, static_cast<ValType>(sig.types[i])));
  }
  for (uint8_t i = 0; i < sig.results; ++i)
    push(sig.types[sig.params + i]);
  return {};
}

} // namespace wasmc::wasm
