// Global, table and memory instances, made by the embedder or exported by
// an instance.

#include "embed/capi/Handles.h"

#include <cstring>

using namespace wasmc;
using namespace wasmc::capi;

namespace {

/// A reference as a table element of `type`; false when it is not one.
bool toElement(wasm_store_t* store, wasm::ValType type, wasm_ref_t* ref, void*& out) {
  wasm_val_t value{};
  value.kind = type == wasm::ValType::FuncRef ? WASM_FUNCREF : WASM_EXTERNREF;
  value.of.ref = ref;
  rt::Value converted;
  if (!toRuntimeValue(store, value, type, converted))
    return false;
  out = converted.asRef();
  return true;
}

} // namespace

extern "C" {

// --- globals -----------------------------------------------------------

wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* type, const wasm_val_t* value) {
  wasm::GlobalType globalType;
  if (!type || !type->content || !toValType(type->content->kind, globalType.type))
    return nullptr;
  globalType.isMutable = type->mutability == WASM_VAR;
  rt::Value initial;
  if (!value || !toRuntimeValue(store, *value, globalType.type, initial))
    return nullptr;
  rt::Global* global = store->runtime.createGlobal(globalType, initial);
  return newHandle<wasm_global_t>(RefKind::Global, store, global);
}

wasm_globaltype_t* wasm_global_type(const wasm_global_t* global) { return newGlobalType(globalOf(global)->type); }

void wasm_global_get(const wasm_global_t* global, wasm_val_t* out) {
  const rt::Global& cell = *globalOf(global);
  rt::Value value;
  value.type = cell.type.type;
  std::memcpy(value.slot.bytes, cell.cell.bytes, sizeof value.slot.bytes);
  *out = fromRuntimeValue(refOf(global)->store, value);
}

void wasm_global_set(wasm_global_t* global, const wasm_val_t* value) {
  rt::Global& cell = *globalOf(global);
  rt::Value converted;
  // wasm.h gives no way to fail: an immutable global or a value of another
  // type leaves the global as it was.
  if (!cell.type.isMutable || !toRuntimeValue(refOf(global)->store, *value, cell.type.type, converted))
    return;
  std::memcpy(cell.cell.bytes, converted.slot.bytes, sizeof cell.cell.bytes);
}

// --- tables ------------------------------------------------------------

wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type, wasm_ref_t* init) {
  wasm::TableType tableType;
  if (!type || !type->element || !toValType(type->element->kind, tableType.elemType) ||
      (tableType.elemType != wasm::ValType::FuncRef && tableType.elemType != wasm::ValType::ExternRef))
    return nullptr;
  tableType.limits = toLimits(type->limits);
  void* element = nullptr;
  if (!toElement(store, tableType.elemType, init, element))
    return nullptr;
  Expected<rt::Table*> table = store->runtime.createTable(tableType);
  if (!table)
    return nullptr;
  for (uint32_t i = 0; i < (*table)->size(); ++i)
    (*table)->set(i, element);
  return newHandle<wasm_table_t>(RefKind::Table, store, *table);
}

wasm_tabletype_t* wasm_table_type(const wasm_table_t* table) {
  wasm::TableType type = tableOf(table)->type();
  type.limits.min = tableOf(table)->size();
  return newTableType(type);
}

wasm_ref_t* wasm_table_get(const wasm_table_t* table, wasm_table_size_t index) {
  const rt::Table& elements = *tableOf(table);
  if (index >= elements.size())
    return nullptr;
  return fromRuntimeValue(refOf(table)->store, rt::Value::ref(elements.type().elemType, elements.get(index))).of.ref;
}

bool wasm_table_set(wasm_table_t* table, wasm_table_size_t index, wasm_ref_t* ref) {
  rt::Table& elements = *tableOf(table);
  void* element = nullptr;
  if (index >= elements.size() || !toElement(refOf(table)->store, elements.type().elemType, ref, element))
    return false;
  elements.set(index, element);
  return true;
}

wasm_table_size_t wasm_table_size(const wasm_table_t* table) { return tableOf(table)->size(); }

bool wasm_table_grow(wasm_table_t* table, wasm_table_size_t delta, wasm_ref_t* init) {
  rt::Table& elements = *tableOf(table);
  void* element = nullptr;
  return toElement(refOf(table)->store, elements.type().elemType, init, element) && elements.grow(delta, element) >= 0;
}

// --- memories ----------------------------------------------------------

wasm_memory_t* wasm_memory_new(wasm_store_t* store, const wasm_memorytype_t* type) {
  if (!type)
    return nullptr;
  Expected<rt::MemoryInstance*> memory = store->runtime.createMemory(wasm::MemoryType{toLimits(type->limits)});
  if (!memory)
    return nullptr;
  return newHandle<wasm_memory_t>(RefKind::Memory, store, *memory);
}

wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* memory) {
  wasm::MemoryType type{memoryOf(memory)->declared};
  type.limits.min = memoryOf(memory)->memory->pages();
  return newMemoryType(type);
}

byte_t* wasm_memory_data(wasm_memory_t* memory) { return reinterpret_cast<byte_t*>(memoryOf(memory)->memory->base()); }
size_t wasm_memory_data_size(const wasm_memory_t* memory) { return memoryOf(memory)->memory->sizeBytes(); }
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* memory) { return memoryOf(memory)->memory->pages(); }
bool wasm_memory_grow(wasm_memory_t* memory, wasm_memory_pages_t delta) {
  return refOf(memory)->store->runtime.growMemory(*memoryOf(memory)->memory, delta) >= 0;
}

} // extern "C"
