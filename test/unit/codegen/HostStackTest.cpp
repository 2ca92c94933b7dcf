// Issue 14 F6: a wasm function keeping thousands of values live across a
// host call, entered at every recursion depth up to the stack limit, must
// either return or trap "call stack exhausted"; the host function must
// always find the stack it needs (its frame is 48 KiB here) and never crash
// the process. Two mechanisms: the prologue's frame estimate counts the
// operand stack (FunctionLowering.cpp), and host calls check what is left
// of the reserve themselves (runtime/Store.cpp).

#include "test/unit/codegen/ModuleFixture.h"

#include <pthread.h>

#include <cstring>
#include <sstream>

namespace wasmc {
namespace {

constexpr int kLiveValues = 16000;

std::string spillModule() {
  std::ostringstream out;
  out << "(module\n"
         "  (import \"host\" \"touch\" (func $touch (param i32) (result i32)))\n"
         "  (memory 1)\n"
         "  (func $spill (result i64)\n";
  for (int i = 0; i < kLiveValues; ++i)
    out << "    (i64.load (i32.const " << (i * 8) % 65528 << "))\n";
  out << "    (drop (call $touch (i32.const 1)))\n";
  for (int i = 1; i < kLiveValues; ++i)
    out << "    (i64.add)\n";
  out << "  )\n"
         "  (func $rec (export \"rec\") (param $n i32) (result i64)\n"
         "    (if (result i64) (local.get $n)\n"
         "      (then (call $rec (i32.sub (local.get $n) (i32.const 1))))\n"
         "      (else (call $spill)))))\n";
  return out.str();
}

/// A host function that needs 48 KiB of stack, as a WASI call may.
[[gnu::noinline]] uint32_t useStack(uint32_t seed) {
  volatile uint8_t buffer[48 << 10];
  std::memset(const_cast<uint8_t*>(buffer), int(seed), sizeof buffer);
  return buffer[seed % sizeof buffer];
}

struct Sweep {
  std::shared_ptr<const rt::CompiledModule> module;
  int returned = 0, exhausted = 0, other = 0;
};

void* sweepDepths(void* arg) {
  auto& sweep = *static_cast<Sweep*>(arg);
  rt::Store store;
  rt::Linker linker;
  rt::Function* touch =
      store.createHostFunction(wasm::FuncType{{wasm::ValType::I32}, {wasm::ValType::I32}},
                               [](std::span<abi::Slot> slots) {
                                 uint32_t seed;
                                 std::memcpy(&seed, slots[0].bytes, 4);
                                 uint32_t result = useStack(seed);
                                 std::memcpy(slots[0].bytes, &result, 4);
                                 return abi::TrapCode::None;
                               });
  linker.define("host", "touch", rt::Extern{wasm::ExternKind::Func, touch});
  auto instance = rt::Instance::instantiate(store, sweep.module, linker);
  if (!instance) {
    ++sweep.other;
    return nullptr;
  }
  const rt::Function& rec = *(*instance)->findExport("rec")->func;
  // Every depth until ten in a row run out of stack: one of them enters
  // $spill just above the limit.
  for (uint32_t depth = 0, inARow = 0; inARow < 10; ++depth) {
    rt::Value arg = rt::Value::i32(depth);
    rt::CallResult result = rt::callFunction(store, rec, std::span<const rt::Value>(&arg, 1));
    if (!result.trap) {
      ++sweep.returned;
      inARow = 0;
    } else if (result.trap->code == abi::TrapCode::StackExhausted) {
      ++sweep.exhausted;
      ++inARow;
    } else {
      ++sweep.other;
      inARow = 0;
    }
  }
  return nullptr;
}

class HostStack : public ::testing::TestWithParam<unsigned> {};

TEST_P(HostStack, HostCallsNearTheStackLimitTrapOrRunNeverCrash) {
  auto bytes = test::assembleWat(spillModule());
  ASSERT_FALSE(bytes.empty());
  auto compiled = engine::compileModule(bytes, codegen::Options{.optLevel = GetParam()});
  ASSERT_TRUE(compiled) << compiled.error().describe();
  Sweep sweep{*compiled};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, sweepDepths, &sweep), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_GT(sweep.returned, 100);
  EXPECT_EQ(sweep.exhausted, 10);
  EXPECT_EQ(sweep.other, 0);
}

INSTANTIATE_TEST_SUITE_P(OptLevels, HostStack, ::testing::Values(0u, 2u));

} // namespace
} // namespace wasmc
