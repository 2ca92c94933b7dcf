// libFuzzer target: compile (the first byte picks -O0..-O3 and the lazy
// JIT), instantiate with every imported function returning zeros, and call
// every exported function with zero arguments. Traps are results; a crash,
// a leak or UB is a bug. Modules containing a loop are compiled and
// instantiated but not run: without fuel or deadlines (issue 17) a loop may
// never end. Recursion ends in "call stack exhausted".

#include "compiler/wasm/BodyDecoder.h"
#include "compiler/wasm/Validator.h"
#include "runtime/Instance.h"
#include "runtime/Invoke.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "engine/Engine.h"

#include <cstddef>
#include <cstdint>

namespace {

using namespace wasmc;

struct LoopFinder {
  bool found = false;
  Expected<void> visit(const wasm::Instr& instr) {
    found |= instr.op == wasm::Opcode::Loop;
    return {};
  }
};

bool hasLoop(const wasm::Module& module) {
  for (const wasm::Function& function : module.functions) {
    wasm::ByteReader reader(module.slice(function.body), function.body.offset);
    LoopFinder finder;
    if (!wasm::decodeBody(reader, finder) || finder.found)
      return true;
  }
  return false;
}

rt::Value zeroOf(wasm::ValType type) {
  switch (type) {
  case wasm::ValType::I64: return rt::Value::i64(0);
  case wasm::ValType::F32: return rt::Value::f32Bits(0);
  case wasm::ValType::F64: return rt::Value::f64Bits(0);
  case wasm::ValType::V128: {
    uint8_t zero[16] = {};
    return rt::Value::v128(zero);
  }
  case wasm::ValType::FuncRef:
  case wasm::ValType::ExternRef: return rt::Value::ref(type, nullptr);
  default: return rt::Value::i32(0);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  codegen::Options options{.optLevel = data[0] % 4u, .jobs = 1, .lazy = (data[0] & 4) != 0};
  std::span<const uint8_t> bytes(data + 1, size - 1);
  auto module = wasm::loadModule(bytes);
  if (!module)
    return 0;
  bool run = !hasLoop(*module);
  auto compiled = engine::compileModule(bytes, options);
  if (!compiled)
    return 0;
  rt::Store store;
  rt::Linker linker;
  for (const wasm::Import& import : module->imports) {
    if (import.kind != wasm::ExternKind::Func)
      continue;
    wasm::FuncType type = module->types[import.funcType];
    size_t results = type.results.size();
    rt::Function* dummy = store.createHostFunction(std::move(type), [results](std::span<abi::Slot> slots) {
      for (size_t i = 0; i < results; ++i)
        slots[i] = abi::Slot{};
      return abi::TrapCode::None;
    });
    linker.define(import.module, import.name, rt::Extern{wasm::ExternKind::Func, dummy});
  }
  auto instance = rt::Instance::instantiate(store, *compiled, linker);
  if (!instance || !run)
    return 0;
  // At most kMaxCalls calls per input: under the lazy JIT each first call
  // compiles a function, and hundreds of them (the spec's names.wast has
  // 479 exports) take longer than the fuzzer's per-input time limit under
  // ASan without finding anything more.
  constexpr int kMaxCalls = 64;
  int calls = 0;
  for (const wasm::Export& exported : module->exports) {
    if (exported.kind != wasm::ExternKind::Func || ++calls > kMaxCalls)
      continue;
    const rt::Extern* found = (*instance)->findExport(exported.name);
    std::vector<rt::Value> args;
    for (wasm::ValType type : found->func->type.params)
      args.push_back(zeroOf(type));
    (void)rt::callFunction(store, *found->func, args);
  }
  return 0;
}
