// D1 of the sandbox issue: a load whose value a `select` discards must
// still trap when its address is out of bounds. LLVM's x86 back end folds
// the load into a `cmov` (which reads its memory operand whatever the
// condition, so that is fine) and then its CMOV conversion turned such a
// cmov into a branch with the load on one side only: the load ran only when
// its value was picked, and the trap was lost. Floats, and integers that
// end up in vector registers, were folded into masked AVX-512 moves, which
// do not fault for a masked-off element. Target.cpp turns off both the
// conversion and AVX-512 (docs/SECURITY.md, S4). Eager -O2 hid it when the
// caller was inlined with a constant condition; the lazy JIT, which
// inlines nothing, showed it.
//
// Each function takes the address and the select's condition as
// parameters, so no configuration can fold the select away. In every
// configuration, an address past the one page must trap whichever operand
// the select picks, and an address inside must give the picked value.

#include "test/unit/codegen/ModuleFixture.h"

#include <cstring>

namespace wasmc {
namespace {

constexpr uint32_t kPage = 65536;

// Memory word 0 holds 0x11223344 (f32 1.5 at 8, f64 2.5 at 16); the
// discarded operand's constant is 7.
const char* kModule = R"((module
  (memory (export "memory") 1)
  (data (i32.const 0) "\44\33\22\11\00\00\00\00\00\00\c0\3f\00\00\00\00\00\00\00\00\00\00\04\40")
  (func (export "load_first") (param $a i32) (param $pick i32) (result i32)
    (select (i32.load (local.get $a)) (i32.const 7) (local.get $pick)))
  (func (export "load_second") (param $a i32) (param $pick i32) (result i32)
    (select (i32.const 7) (i32.load (local.get $a)) (local.get $pick)))
  (func (export "load_offset") (param $a i32) (param $pick i32) (result i32)
    (select (i32.const 7) (i32.load offset=22 (local.get $a)) (local.get $pick)))
  (func (export "load_narrow") (param $a i32) (param $pick i32) (result i32)
    (select (i32.const 7) (i32.load16_u (local.get $a)) (local.get $pick)))
  (func (export "load_i64") (param $a i32) (param $pick i32) (result i32)
    (i32.wrap_i64 (select (i64.const 7) (i64.load (local.get $a)) (local.get $pick))))
  (func (export "load_f32") (param $a i32) (param $pick i32) (result i32)
    (i32.trunc_f32_s (select (f32.const 7) (f32.load offset=8 (local.get $a)) (local.get $pick))))
  (func (export "load_f64") (param $a i32) (param $pick i32) (result i32)
    (i32.trunc_f64_s (select (f64.const 7) (f64.load offset=16 (local.get $a)) (local.get $pick))))
  ;; A masked AVX-512 add can take its operand from memory, too.
  (func (export "load_add_f32") (param $a i32) (param $pick i32) (result i32)
    (i32.trunc_f32_s (select (f32.const 7) (f32.add (f32.load offset=8 (local.get $a)) (f32.const 1))
                             (local.get $pick))))
  ;; An integer load that ends up in a float or vector register can be
  ;; folded into a masked move or broadcast as well.
  (func (export "load_reinterpret") (param $a i32) (param $pick i32) (result i32)
    (i32.trunc_f32_s (select (f32.const 7) (f32.reinterpret_i32 (i32.load offset=8 (local.get $a)))
                             (local.get $pick))))
  (func (export "load_i64_reinterpret") (param $a i32) (param $pick i32) (result i32)
    (i32.trunc_f64_s (select (f64.const 7) (f64.reinterpret_i64 (i64.load offset=16 (local.get $a)))
                             (local.get $pick))))
  (func (export "load_i32_splat") (param $a i32) (param $pick i32) (result i32)
    (i32x4.extract_lane 3 (select (v128.const i32x4 7 7 7 7) (i32x4.splat (i32.load (local.get $a)))
                                  (local.get $pick))))
  (func (export "load_v128") (param $a i32) (param $pick i32) (result i32)
    (i32x4.extract_lane 0 (select (v128.const i32x4 7 7 7 7) (v128.load (local.get $a)) (local.get $pick))))
  (func (export "load_splat") (param $a i32) (param $pick i32) (result i32)
    (i32x4.extract_lane 2 (select (v128.const i32x4 7 7 7 7) (v128.load32_splat (local.get $a))
                                  (local.get $pick))))
  (func (export "load_extend") (param $a i32) (param $pick i32) (result i32)
    (i32x4.extract_lane 0 (select (v128.const i32x4 7 7 7 7) (v128.load16x4_u (local.get $a))
                                  (local.get $pick))))
  (func (export "load_zero") (param $a i32) (param $pick i32) (result i32)
    (i32x4.extract_lane 0 (select (v128.const i32x4 7 7 7 7) (v128.load32_zero (local.get $a))
                                  (local.get $pick))))
  (func (export "load_lane") (param $a i32) (param $pick i32) (result i32)
    (i32x4.extract_lane 1 (select (v128.const i32x4 7 7 7 7)
                                  (v128.load32_lane 1 (local.get $a) (v128.const i32x4 0 0 0 0))
                                  (local.get $pick))))
  ;; In a hot innermost loop, where the conversion's other heuristic looks.
  (func (export "load_loop") (param $a i32) (param $pick i32) (result i32)
    (local $i i32) (local $acc i32)
    (local.set $i (i32.const 1000))
    (loop $next
      (local.set $acc (i32.add (local.get $acc)
        (select (i32.const 7) (i32.load (local.get $a)) (local.get $pick))))
      (br_if $next (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (local.get $acc))
))";

struct Case {
  const char* name;
  uint32_t loaded;      // what the load gives at address 0
  uint32_t times = 1;   // selects summed (the loop's iterations)
};

const Case kCases[] = {
    {"load_first", 0x11223344u}, {"load_second", 0x11223344u}, {"load_offset", 0x4004u},
    {"load_narrow", 0x3344u},    {"load_i64", 0x11223344u},    {"load_f32", 1u},
    {"load_f64", 2u},            {"load_loop", 0x11223344u, 1000},
    {"load_add_f32", 2u},        {"load_reinterpret", 1u},     {"load_i64_reinterpret", 2u},
    {"load_i32_splat", 0x11223344u},        {"load_v128", 0x11223344u},   {"load_splat", 0x11223344u},
    {"load_extend", 0x3344u},    {"load_zero", 0x11223344u},   {"load_lane", 0x11223344u},
};

/// What a call at address 0 returns: `select` gives its first operand when
/// pick != 0, and only load_first has the load first.
uint32_t expected(const Case& c, uint32_t pick) {
  bool loadFirst = std::strcmp(c.name, "load_first") == 0;
  return ((pick != 0) == loadFirst ? c.loaded : 7u) * c.times;
}

TEST(DiscardedLoad, OutOfBoundsLoadTrapsWhicheverOperandSelectPicks) {
  std::vector<uint8_t> bytes = test::assembleWat(kModule);
  ASSERT_FALSE(bytes.empty());
  for (const test::CompileConfig& config : test::compileConfigs()) {
    auto compiled = config.compile(bytes);
    ASSERT_TRUE(compiled) << config.name << ": " << compiled.error().describe();
    test::Fixture f(*compiled);
    ASSERT_NE(f.instance, nullptr) << config.name;
    for (const Case& c : kCases) {
      for (uint32_t pick : {0u, 1u}) {
        std::string where = std::string(config.name) + " " + c.name + " pick=" + std::to_string(pick);
        for (uint32_t address : {kPage, 0x80000001u, 0xFFFFFFFFu}) {
          rt::CallResult result = f.call(c.name, {rt::Value::i32(address), rt::Value::i32(pick)});
          EXPECT_TRUE(result.trap) << where << " address=" << address << " must trap";
          if (result.trap)
            EXPECT_EQ(result.trap->code, abi::TrapCode::MemoryOutOfBounds) << where;
        }
        rt::CallResult result = f.call(c.name, {rt::Value::i32(0), rt::Value::i32(pick)});
        ASSERT_FALSE(result.trap) << where << ": " << result.trap->message();
        EXPECT_EQ(result.values.at(0).asI32(), expected(c, pick)) << where;
      }
    }
  }
}

} // namespace
} // namespace wasmc
