#include "runtime/Function.h"

namespace wasmc::rt {

Table::Table(wasm::TableType type, Budget* budget)
    : budget_(budget), type_(type), elements_(type.limits.min, nullptr) {
  if (budget_)
    budget_->used += type.limits.min;
  record_.elements = elements_.data();
  record_.size = type.limits.min;
}

int64_t Table::grow(uint32_t delta, void* init) {
  uint64_t old = record_.size;
  uint64_t wanted = old + delta;
  uint64_t max = type_.limits.hasMax ? type_.limits.max : UINT32_MAX;
  if (wanted > max || wanted > kMaxTableElements)
    return -1;
  if (budget_ && (delta > budget_->limit - budget_->used || wanted > budget_->perTable))
    return -1;
  if (budget_)
    budget_->used += delta;
  elements_.resize(wanted, init);
  record_.elements = elements_.data();
  record_.size = static_cast<uint32_t>(wanted);
  return static_cast<int64_t>(old);
}

} // namespace wasmc::rt
