#include "compiler/wasm/Fuel.h"

#include "compiler/wasm/BodyDecoder.h"
#include "compiler/wasm/ByteReader.h"

#include <algorithm>

namespace wasmc::wasm {

namespace {

/// Ends a stretch: control may leave after it, or arrive after it other
/// than from it.
bool endsStretch(Opcode op) {
  switch (op) {
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::If:
  case Opcode::Else:
  case Opcode::End:
  case Opcode::Br:
  case Opcode::BrIf:
  case Opcode::BrTable:
  case Opcode::Return:
  case Opcode::Call:
  case Opcode::CallIndirect:
  case Opcode::ReturnCall:
  case Opcode::ReturnCallIndirect:
  case Opcode::Unreachable: return true;
  default: return false;
  }
}

/// Collects the stretches of one body as decodeBody visits it.
class Planner {
public:
  explicit Planner(std::vector<FuelCharge>& out) : out_(out) {}

  Expected<void> visit(const Instr& instr) {
    if (startsStretch_) {
      current_ = FuelCharge{instr.offset, 0, checkNext_};
      startsStretch_ = false;
    }
    current_.cost += fuelCost(instr.op);
    if (endsStretch(instr.op)) {
      if (current_.cost != 0 || current_.check)
        out_.push_back(current_);
      startsStretch_ = true;
      checkNext_ = instr.op == Opcode::Loop;
    }
    return {};
  }

private:
  std::vector<FuelCharge>& out_;
  FuelCharge current_;
  bool startsStretch_ = true;
  bool checkNext_ = true; // the function entry checks
};

} // namespace

uint32_t fuelCost(Opcode op) {
  switch (op) {
  case Opcode::Nop:
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::Else:
  case Opcode::End: return 0;
  default: return 1;
  }
}

Expected<FuelPlan> FuelPlan::of(const Module& module, FuncIndex index) {
  const Function& func = module.definedFunc(index);
  ByteReader reader(module.slice(func.body), func.body.offset);
  FuelPlan plan;
  Planner planner(plan.charges_);
  WASMC_TRY(decodeBody(reader, planner));
  return plan;
}

const FuelCharge* FuelPlan::at(uint32_t offset) const {
  auto found = std::lower_bound(charges_.begin(), charges_.end(), offset,
                                [](const FuelCharge& charge, uint32_t at) { return charge.offset < at; });
  return found != charges_.end() && found->offset == offset ? &*found : nullptr;
}

} // namespace wasmc::wasm
