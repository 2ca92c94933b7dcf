// Builtins never longjmp: the ones that can fail return a TrapCode and the
// compiled caller raises it (raiseTrap is the one exception: it is the
// trap). Bounds are checked in 64 bits so offset + count cannot wrap.

#include "runtime/Builtins.h"

#include "runtime/CallState.h"
#include "runtime/Instance.h"
#include "runtime/Store.h"

#include <cstring>

namespace wasmc::rt {

namespace {

using abi::TrapCode;
using abi::VMContext;

uint32_t code(TrapCode trap) { return static_cast<uint32_t>(trap); }

bool outOfBounds(uint64_t start, uint64_t count, uint64_t size) { return start + count > size; }

void raiseTrapBuiltin(VMContext*, uint32_t trapCode) { raiseTrap(static_cast<TrapCode>(trapCode)); }

/// A failed grow is -1 to the guest, or with trap-on-grow-failure a trap:
/// raised here (like raiseTrapBuiltin, from a frame without destructors)
/// so compiled code needs no check of its own.
uint32_t growResult(Instance* instance, int64_t old) {
  if (old >= 0)
    return static_cast<uint32_t>(old);
  if (instance->store().limits().trapOnGrowFailure)
    raiseTrap(TrapCode::GrowFailed);
  return UINT32_MAX;
}

uint32_t memoryGrow(VMContext* vmctx, uint32_t delta) {
  Instance* instance = Instance::fromVmctx(vmctx);
  return growResult(instance, instance->store().growMemory(*instance->memory()->memory, delta));
}

uint32_t memoryInit(VMContext* vmctx, uint32_t segment, uint32_t dst, uint32_t src, uint32_t count) {
  return code(builtinMemoryInit(Instance::fromVmctx(vmctx), segment, dst, src, count));
}

void dataDrop(VMContext* vmctx, uint32_t segment) { Instance::fromVmctx(vmctx)->dropDataSegment(segment); }

uint32_t tableGrow(VMContext* vmctx, uint32_t table, void* init, uint32_t delta) {
  Instance* instance = Instance::fromVmctx(vmctx);
  return growResult(instance, instance->table(table)->grow(delta, init));
}

uint32_t tableFill(VMContext* vmctx, uint32_t tableIndex, uint32_t dst, void* value, uint32_t count) {
  Table& table = *Instance::fromVmctx(vmctx)->table(tableIndex);
  if (outOfBounds(dst, count, table.size()))
    return code(TrapCode::TableOutOfBounds);
  for (uint32_t i = 0; i < count; ++i)
    table.set(dst + i, value);
  return 0;
}

uint32_t tableCopy(VMContext* vmctx, uint32_t dstTable, uint32_t srcTable, uint32_t dst, uint32_t src,
                   uint32_t count) {
  Instance* instance = Instance::fromVmctx(vmctx);
  Table& to = *instance->table(dstTable);
  Table& from = *instance->table(srcTable);
  if (outOfBounds(dst, count, to.size()) || outOfBounds(src, count, from.size()))
    return code(TrapCode::TableOutOfBounds);
  void** toElements = to.record()->elements;
  void** fromElements = from.record()->elements;
  std::memmove(toElements + dst, fromElements + src, uint64_t(count) * sizeof(void*));
  return 0;
}

uint32_t tableInit(VMContext* vmctx, uint32_t table, uint32_t segment, uint32_t dst, uint32_t src,
                   uint32_t count) {
  return code(builtinTableInit(Instance::fromVmctx(vmctx), table, segment, dst, src, count));
}

void elemDrop(VMContext* vmctx, uint32_t segment) { Instance::fromVmctx(vmctx)->dropElemSegment(segment); }

__attribute__((preserve_all)) void outOfFuel(VMContext* vmctx) { Instance::fromVmctx(vmctx)->store().outOfFuel(); }

constexpr abi::Builtins kBuiltins = {
    &raiseTrapBuiltin, &memoryGrow, &memoryInit, &dataDrop, &tableGrow,
    &tableFill,        &tableCopy,  &tableInit,  &elemDrop, &outOfFuel,
};

} // namespace

const abi::Builtins& builtinTable() { return kBuiltins; }

TrapCode builtinTableInit(Instance* instance, uint32_t tableIndex, uint32_t segment, uint32_t dst, uint32_t src,
                          uint32_t count) {
  Table& table = *instance->table(tableIndex);
  const std::vector<void*>& refs = instance->elemSegment(segment);
  if (outOfBounds(src, count, refs.size()) || outOfBounds(dst, count, table.size()))
    return TrapCode::TableOutOfBounds;
  for (uint32_t i = 0; i < count; ++i)
    table.set(dst + i, refs[src + i]);
  return TrapCode::None;
}

TrapCode builtinMemoryInit(Instance* instance, uint32_t segment, uint32_t dst, uint32_t src, uint32_t count) {
  std::span<const uint8_t> bytes = instance->dataSegment(segment);
  MemoryInstance* memory = instance->memory();
  uint64_t size = memory ? memory->memory->sizeBytes() : 0;
  if (outOfBounds(src, count, bytes.size()) || outOfBounds(dst, count, size))
    return TrapCode::MemoryOutOfBounds;
  if (count)
    std::memcpy(memory->memory->base() + dst, bytes.data() + src, count);
  return TrapCode::None;
}

} // namespace wasmc::rt
