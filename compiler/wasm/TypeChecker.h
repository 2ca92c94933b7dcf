#pragma once
// Typing of one function body: the spec's validation algorithm (operand
// stack, control stack, polymorphic stack after unreachable code) as a
// BodyDecoder visitor.

#include "compiler/wasm/BodyDecoder.h"
#include "compiler/wasm/Features.h"
#include "compiler/wasm/Module.h"

#include <set>
#include <vector>

namespace wasmc::wasm {

/// Module-level facts a body needs beyond the Module itself.
struct ValidationContext {
  const Module& module;
  /// Functions that may be named by ref.func in code: those referenced by
  /// exports, element segments and global initialisers (the spec's C.refs).
  std::set<FuncIndex> declaredRefs;
  Features features;
};

class TypeChecker {
public:
  TypeChecker(const ValidationContext& context, FuncIndex func);

  Expected<void> visit(const Instr& instr);

private:
  /// The operand type, or Unknown for a value popped from the polymorphic
  /// stack of unreachable code.
  using Operand = uint8_t;
  static constexpr Operand kUnknown = 0;

  struct Frame {
    Opcode kind;                 // Block, Loop, If (after Else: Else) or the function (End)
    std::vector<ValType> params;
    std::vector<ValType> results;
    size_t height;
    bool unreachable = false;
  };

  Expected<void> visitControl(const Instr& instr);
  Expected<void> visitVariable(const Instr& instr);
  Expected<void> visitReference(const Instr& instr);
  Expected<void> visitTable(const Instr& instr);
  Expected<void> visitRegular(const Instr& instr);
  Expected<void> checkMemoryImmediates(const Instr& instr);

  Error fail(const Instr& instr, std::string message) const;
  Error mismatch(const Instr& instr) const { return fail(instr, "type mismatch"); }

  void push(Operand type) { operands_.push_back(type); }
  void push(ValType type) { operands_.push_back(static_cast<Operand>(type)); }
  void pushAll(const std::vector<ValType>& types);
  Expected<Operand> pop(const Instr& instr);
  Expected<Operand> pop(const Instr& instr, ValType expected);
  Expected<void> popAll(const Instr& instr, const std::vector<ValType>& types);
  Expected<Operand> popRef(const Instr& instr);

  void pushFrame(Opcode kind, std::vector<ValType> params, std::vector<ValType> results);
  Expected<void> checkFrameEnd(const Instr& instr, const Frame& frame);
  void markUnreachable();
  const std::vector<ValType>& labelTypes(const Frame& frame) const {
    return frame.kind == Opcode::Loop ? frame.params : frame.results;
  }
  Expected<const Frame*> label(const Instr& instr, uint32_t depth) const;
  Expected<FuncType> blockSignature(const Instr& instr) const;
  Expected<ValType> localType(const Instr& instr, uint32_t index) const;
  Expected<const TableType*> table(const Instr& instr, uint32_t index) const;
  /// call_indirect's and return_call_indirect's callee type (a funcref table).
  Expected<const FuncType*> indirectCallee(const Instr& instr) const;
  Expected<void> requireMemory(const Instr& instr) const;
  Expected<void> requireElem(const Instr& instr, uint32_t index) const;

  const ValidationContext& context_;
  const Module& module_;
  FuncIndex func_;
  const FuncType& type_;
  /// Run-length local declarations as (first local index past this group, type).
  std::vector<std::pair<uint64_t, ValType>> localGroups_;
  std::vector<Operand> operands_;
  std::vector<Frame> frames_;
};

} // namespace wasmc::wasm
