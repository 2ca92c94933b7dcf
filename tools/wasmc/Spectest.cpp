#include "tools/wasmc/Spectest.h"

#include <bit>

namespace wasmc::tools {

using wasm::ValType;

Expected<void> defineSpectest(rt::Store& store, rt::Linker& linker) {
  auto func = [&](const char* name, std::vector<ValType> params) {
    // The reference interpreter prints the arguments; the scripts only need
    // the functions to exist and accept them, and quiet output keeps test
    // logs readable.
    rt::Function* function = store.createHostFunction(wasm::FuncType{std::move(params), {}},
                                                       [](std::span<abi::Slot>) { return abi::TrapCode::None; });
    linker.define("spectest", name, rt::Extern{wasm::ExternKind::Func, function});
  };
  func("print", {});
  func("print_i32", {ValType::I32});
  func("print_i64", {ValType::I64});
  func("print_f32", {ValType::F32});
  func("print_f64", {ValType::F64});
  func("print_i32_f32", {ValType::I32, ValType::F32});
  func("print_f64_f64", {ValType::F64, ValType::F64});

  auto global = [&](const char* name, ValType type, rt::Value value) {
    rt::Global* created = store.createGlobal(wasm::GlobalType{type, false}, value);
    rt::Extern ext;
    ext.kind = wasm::ExternKind::Global;
    ext.global = created;
    linker.define("spectest", name, ext);
  };
  global("global_i32", ValType::I32, rt::Value::i32(666));
  global("global_i64", ValType::I64, rt::Value::i64(666));
  global("global_f32", ValType::F32, rt::Value::f32Bits(std::bit_cast<uint32_t>(666.6f)));
  global("global_f64", ValType::F64, rt::Value::f64Bits(std::bit_cast<uint64_t>(666.6)));

  rt::Extern table;
  table.kind = wasm::ExternKind::Table;
  table.table = WASMC_TRY(store.createTable(wasm::TableType{ValType::FuncRef, wasm::Limits{10, 20, true}}));
  linker.define("spectest", "table", table);

  rt::Extern memory;
  memory.kind = wasm::ExternKind::Memory;
  memory.memory = WASMC_TRY(store.createMemory(wasm::MemoryType{wasm::Limits{1, 2, true}}));
  linker.define("spectest", "memory", memory);
  return {};
}

} // namespace wasmc::tools
