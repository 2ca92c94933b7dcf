#include "compiler/baseline/LocalWeights.h"

#include "compiler/wasm/BodyDecoder.h"

#include <algorithm>

namespace wasmc::baseline {

namespace {

class Weigher {
public:
  explicit Weigher(std::vector<uint64_t>& weights) : weights_(weights) {}

  Expected<void> visit(const wasm::Instr& instr) {
    switch (instr.op) {
    case wasm::Opcode::Block:
    case wasm::Opcode::If: blocks_.push_back(false); break;
    case wasm::Opcode::Loop:
      blocks_.push_back(true);
      ++loops_;
      break;
    case wasm::Opcode::End:
      if (!blocks_.empty()) {
        loops_ -= blocks_.back() ? 1 : 0;
        blocks_.pop_back();
      }
      break;
    case wasm::Opcode::LocalGet:
    case wasm::Opcode::LocalSet:
    case wasm::Opcode::LocalTee:
      if (instr.index < weights_.size())
        weights_[instr.index] += uint64_t(1) << (2 * std::min(loops_, 8u));
      break;
    default: break;
    }
    return {};
  }

private:
  std::vector<uint64_t>& weights_;
  std::vector<bool> blocks_; // per open block: is it a loop
  uint32_t loops_ = 0;
};

} // namespace

std::vector<uint64_t> weighLocals(const wasm::Module& module, const wasm::Function& function) {
  const wasm::FuncType& type = module.types[function.type];
  std::vector<uint64_t> weights(type.params.size() + function.numLocals, 0);
  Weigher weigher(weights);
  wasm::ByteReader reader(module.slice(function.body), function.body.offset);
  if (!wasm::decodeBody(reader, weigher))
    return std::vector<uint64_t>(weights.size(), 0); // the compile pass reports the error
  return weights;
}

} // namespace wasmc::baseline
