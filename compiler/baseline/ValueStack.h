#pragma once
// Where each wasm operand of the baseline compiler lives while a function
// is compiled (docs/BASELINE.md, "Registers and the value stack"): in its
// frame slot, in a register, a constant not yet materialised, or a local
// not yet read. Bookkeeping only, with no instructions and no knowledge of
// the architecture: registers are numbers, so an aarch64 compiler can
// share it.
//
// Every operand has a home slot (its depth in the stack); at control-flow
// merges the compiler spills every operand to its home, so that each merge
// point has one layout. Each register holds at most one operand: a value
// is never shared, so an instruction may clobber the registers of the
// operands it consumes.

#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace wasmc::baseline {

enum class Home : uint8_t {
  Slot,  // in the frame slot for its depth
  Gpr,   // in integer register `reg` (any type: floats as their bits)
  Fpr,   // in float register `reg`; `wide`: f64, else f32
  Const, // the bits of a constant (32-bit ones zero-extended)
  Local, // the current value of local `local`, read when needed
  Flags, // a comparison's result in the CPU's flags, condition `bits`;
         // only ever the top, and only until the next instruction
};

struct Operand {
  Home home = Home::Slot;
  uint8_t reg = 0;
  bool wide = true;
  uint32_t local = 0;
  uint64_t bits = 0;

  static Operand slot() { return {}; }
  static Operand gpr(uint8_t reg) { return {Home::Gpr, reg}; }
  static Operand fpr(uint8_t reg, bool wide) { return {Home::Fpr, reg, wide}; }
  static Operand constant(uint64_t bits) { return {Home::Const, 0, true, 0, bits}; }
  static Operand ofLocal(uint32_t local, bool wide) { return {Home::Local, 0, wide, local}; }
  static Operand flags(uint8_t condition) { return {Home::Flags, 0, false, 0, condition}; }

  bool inRegister() const { return home == Home::Gpr || home == Home::Fpr; }
};

/// A set of register numbers (0..31) of one class.
class RegSet {
public:
  RegSet() = default;
  explicit RegSet(uint32_t bits) : bits_(bits) {}
  static RegSet of(std::initializer_list<uint8_t> regs) {
    RegSet set;
    for (uint8_t reg : regs)
      set.add(reg);
    return set;
  }
  bool has(uint8_t reg) const { return bits_ >> reg & 1; }
  void add(uint8_t reg) { bits_ |= 1u << reg; }
  void remove(uint8_t reg) { bits_ &= ~(1u << reg); }
  bool empty() const { return bits_ == 0; }
  RegSet operator|(RegSet other) const { return RegSet(bits_ | other.bits_); }
  RegSet operator-(RegSet other) const { return RegSet(bits_ & ~other.bits_); }

private:
  uint32_t bits_ = 0;
};

class ValueStack {
public:
  uint32_t size() const { return static_cast<uint32_t>(operands_.size()); }
  bool empty() const { return operands_.empty(); }
  /// The deepest the stack has been: the frame needs a slot for each.
  uint32_t maxSize() const { return maxSize_; }

  /// depth 0 is the top.
  Operand& at(uint32_t depth) { return operands_[operands_.size() - 1 - depth]; }
  /// The operand at stack position `index` from the bottom (its slot).
  Operand& operator[](uint32_t index) { return operands_[index]; }

  void push(const Operand& operand) {
    take(operand);
    operands_.push_back(operand);
    if (operands_.size() > maxSize_)
      maxSize_ = static_cast<uint32_t>(operands_.size());
  }

  /// Removes the top; its register (if any) becomes free, so use it before
  /// allocating another.
  Operand pop() {
    Operand top = operands_.back();
    release(top);
    operands_.pop_back();
    return top;
  }

  /// Drops operands down to `size` (code after a branch, leaving a block).
  void truncate(uint32_t size) {
    while (operands_.size() > size)
      pop();
  }

  /// Replaces the operand at stack position `index` (registers follow).
  void replace(uint32_t index, const Operand& operand) {
    release(operands_[index]);
    take(operand);
    operands_[index] = operand;
  }

  RegSet usedGprs() const { return gprs_; }
  RegSet usedFprs() const { return fprs_; }

private:
  void take(const Operand& operand) {
    if (operand.home == Home::Gpr) {
      assert(!gprs_.has(operand.reg) && "a register holds one operand");
      gprs_.add(operand.reg);
    } else if (operand.home == Home::Fpr) {
      assert(!fprs_.has(operand.reg) && "a register holds one operand");
      fprs_.add(operand.reg);
    }
  }
  void release(const Operand& operand) {
    if (operand.home == Home::Gpr)
      gprs_.remove(operand.reg);
    else if (operand.home == Home::Fpr)
      fprs_.remove(operand.reg);
  }

  std::vector<Operand> operands_;
  uint32_t maxSize_ = 0;
  RegSet gprs_, fprs_;
};

} // namespace wasmc::baseline
