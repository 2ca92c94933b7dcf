// Exact fuel counts where LLVM code meets the world outside it: after a
// host function that sets the fuel mid-call, across a wasm callee's
// charges, and where a fault stops a stretch, also inside a loop (the
// store holds the count the code has paid at every trap). The refuel
// callback's side is tested through wasmc.h (test/embed/fuel.c, "dripped").

#include "test/unit/codegen/ModuleFixture.h"

namespace wasmc {
namespace {

const char* kModule = R"((module
  (import "host" "refill" (func $refill))
  (memory 1)
  (func $three (result i32) (i32.add (i32.const 1) (i32.const 2)))
  (func (export "after_refill") (result i32)
    (call $refill)
    (i32.add (i32.const 1) (i32.const 2)))
  (func (export "loop_after_refill") (param $n i32) (result i32)
    (call $refill)
    (loop $again
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (local.get $n)))
    (local.get $n))
  (func (export "after_callee") (result i32)
    (drop (call $three))
    (i32.const 5))
  (func (export "fault_in_loop") (param $at i32) (result i32)
    (loop $again
      (local.set $at (i32.add (local.get $at) (i32.const 4096)))
      (drop (i32.load (local.get $at)))
      (br $again))
    (i32.const 0))
  (func (export "fault") (param $at i32) (result i32)
    (drop (i32.add (i32.const 1) (i32.const 2)))
    (i32.load (local.get $at)))
))";

constexpr int64_t kRefill = 1000;

struct Metered {
  rt::Store store;
  rt::Linker linker;
  rt::Instance* instance = nullptr;

  explicit Metered(unsigned optLevel, bool lazy) {
    auto compiled = engine::compileModule(test::assembleWat(kModule),
                                          codegen::Options{.optLevel = optLevel, .lazy = lazy, .fuel = true});
    EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
    if (!compiled)
      return;
    rt::Extern refill;
    refill.func = store.createHostFunction(wasm::FuncType{}, [this](std::span<abi::Slot>) {
      store.setFuel(kRefill);
      return abi::TrapCode::None;
    });
    linker.define("host", "refill", refill);
    auto created = rt::Instance::instantiate(store, *compiled, linker);
    EXPECT_TRUE(created) << (created ? "" : created.error().describe());
    if (created)
      instance = *created;
  }

  /// The fuel `name(args)` leaves, starting from `fuel`; traps as asked.
  int64_t leftAfter(const char* name, std::vector<rt::Value> args, int64_t fuel, bool traps = false) {
    store.setFuel(fuel);
    rt::CallResult result = rt::callFunction(store, *instance->findExport(name)->func, args);
    EXPECT_EQ(bool(result.trap), traps) << name << (result.trap ? ": " + result.trap->describe() : "");
    return store.fuel();
  }
};

TEST(Fuel, CountsSurviveCallsThatChangeTheFuel) {
  for (unsigned optLevel : {0u, 2u, 3u}) {
    for (bool lazy : {false, true}) {
      SCOPED_TRACE(std::to_string(optLevel) + (lazy ? " lazy" : ""));
      Metered m(optLevel, lazy);
      ASSERT_NE(m.instance, nullptr);
      // The host set 1000 inside the call; the stretch after it costs 3.
      EXPECT_EQ(m.leftAfter("after_refill", {}, 100), kRefill - 3);
      // The same with a loop after it: each iteration's stretch costs 6
      // (local.get, i32.const, i32.sub, local.set, local.get, br_if), the
      // exit 1 (local.get).
      EXPECT_EQ(m.leftAfter("loop_after_refill", {rt::Value::i32(10)}, 100), kRefill - 10 * 6 - 1);
      // A wasm callee's charges (its 3 plus the call's stretch and ours).
      EXPECT_EQ(m.leftAfter("after_callee", {}, 100), 100 - 1 - 3 - 2);
      // A trap inside a stretch has paid for all of it, in the store.
      EXPECT_EQ(m.leftAfter("fault", {rt::Value::i32(70000)}, 100, /*traps=*/true), 100 - 6);
      EXPECT_EQ(m.leftAfter("fault", {rt::Value::i32(0)}, 100), 100 - 6);
      // In a loop, where a plain store would be kept in a register until
      // the loop ends (which it never does but by the trap): 16 iterations
      // of 8 each, the 16th faulting at 65536.
      EXPECT_EQ(m.leftAfter("fault_in_loop", {rt::Value::i32(0)}, 1000, /*traps=*/true), 1000 - 16 * 8);
    }
  }
}

} // namespace
} // namespace wasmc
