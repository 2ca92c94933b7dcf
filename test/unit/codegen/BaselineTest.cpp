// The baseline compiler's first version (compiler/baseline/X64Compiler,
// integer subset) against the LLVM JIT: each function of baseline.wat is
// compiled by both and called with the same arguments, edge values and
// random ones; results must agree. Also: what it does not handle yet is
// refused with its offset, never miscompiled.

#include "compiler/baseline/X64Compiler.h"
#include "test/unit/codegen/ModuleFixture.h"

#include <sys/mman.h>

#include <cstring>
#include <optional>
#include <random>

namespace wasmc {
namespace {

const char* kModule = R"((module
  (func (export "fact") (param $n i64) (result i64) (local $r i64)
    (local.set $r (i64.const 1))
    (block $done (loop $next
      (br_if $done (i64.le_s (local.get $n) (i64.const 1)))
      (local.set $r (i64.mul (local.get $r) (local.get $n)))
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br $next)))
    (local.get $r))
  (func (export "collatz") (param $n i32) (result i32) (local $steps i32)
    (block $done (loop $next
      (br_if $done (i32.le_u (local.get $n) (i32.const 1)))
      (br_if $done (i32.ge_u (local.get $steps) (i32.const 1000)))
      (local.set $n (select
        (i32.add (i32.mul (local.get $n) (i32.const 3)) (i32.const 1))
        (i32.shr_u (local.get $n) (i32.const 1))
        (i32.and (local.get $n) (i32.const 1))))
      (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
      (br $next)))
    (local.get $steps))
  (func (export "mix") (param $a i32) (param $b i64) (param $c i32) (param $d i64) (param $e i32)
                       (param $f i32) (param $g i64) (result i64)
    (i64.xor
      (i64.add (i64.rotl (local.get $b) (local.get $d)) (i64.extend_i32_s (i32.rotr (local.get $a) (local.get $c))))
      (i64.sub
        (i64.mul (local.get $g) (i64.extend_i32_u (i32.xor (local.get $e) (local.get $f))))
        (i64.or (i64.shr_s (local.get $d) (local.get $b))
                (i64.and (i64.shl (local.get $g) (i64.const 7))
                         (i64.extend_i32_u (i32.wrap_i64 (i64.shr_u (local.get $b) (i64.const 13)))))))))
  (func (export "classify") (param $x i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get $x)))
      (return (i32.const 100)))
      (return (i32.add (local.get $x) (i32.const 200))))
      (return (i32.const 300)))
    (i32.sub (i32.const 0) (local.get $x)))
  (func (export "choose") (param $x i64) (param $y i64) (result i64)
    (if (result i64) (i64.lt_s (local.get $x) (local.get $y))
      (then (if (result i64) (i64.eqz (i64.and (local.get $x) (i64.const 1)))
        (then (i64.add (local.get $x) (local.get $y)))
        (else (i64.sub (local.get $y) (local.get $x)))))
      (else (block (result i64) (br_if 0 (i64.const 77) (i64.eq (local.get $x) (local.get $y))) (drop) (local.get $x)))))
  (func (export "gcd") (param $a i32) (param $b i32) (result i32)
    (if (i32.eqz (local.get $a)) (then (return (local.get $b))))
    (if (i32.eqz (local.get $b)) (then (return (local.get $a))))
    (block $done (loop $next
      (br_if $done (i32.eq (local.get $a) (local.get $b)))
      (if (i32.gt_u (local.get $a) (local.get $b))
        (then (local.set $a (i32.sub (local.get $a) (local.get $b))))
        (else (local.set $b (i32.sub (local.get $b) (local.get $a)))))
      (br $next)))
    (local.get $a))
  (func (export "dead") (param $x i32) (result i32)
    (block $out (result i32)
      (br $out (i32.add (local.get $x) (i32.const 1)))
      (block (loop (br 0)))
      (i32.const 5)))
  (func (export "compare") (param $a i64) (param $b i64) (result i32)
    (i32.or (i32.or (i32.or (i32.shl (i64.lt_s (local.get $a) (local.get $b)) (i32.const 0))
                            (i32.shl (i64.lt_u (local.get $a) (local.get $b)) (i32.const 1)))
                    (i32.or (i32.shl (i64.gt_s (local.get $a) (local.get $b)) (i32.const 2))
                            (i32.shl (i64.ge_u (local.get $a) (local.get $b)) (i32.const 3))))
            (i32.or (i32.or (i32.shl (i32.le_s (i32.wrap_i64 (local.get $a)) (i32.wrap_i64 (local.get $b))) (i32.const 4))
                            (i32.shl (i32.ne (i32.wrap_i64 (local.get $a)) (i32.wrap_i64 (local.get $b))) (i32.const 5)))
                    (i32.shl (i64.ne (local.get $a) (local.get $b)) (i32.const 6)))))
  (func (export "carry") (param $x i32) (result i32)
    ;; Branches that carry a value from above other operands: it must land
    ;; where the block's result goes, not where it sits.
    (i32.add (local.get $x)
      (block $outer (result i32)
        (i32.add (i32.const 1000) (i32.add
          (block $inner (result i32)
            (local.get $x) (i32.const 3)
            (br_if $inner (i32.mul (local.get $x) (i32.const 7)) (i32.and (local.get $x) (i32.const 1)))
            (i32.add) (i32.add)
            (i32.const 50)
            (br_table $inner $outer (i32.and (local.get $x) (i32.const 2)) (i32.and (local.get $x) (i32.const 4))))
          (i32.const 9))))))
  (func (export "dispatch") (param $x i32) (param $y i64) (result i64)
    ;; A br_table large enough for a jump table, carrying a value, with an
    ;; index whose register still holds the i64's upper half (wrap moves
    ;; nothing): the table must be indexed by its 32 bits.
    (i64.add (i64.const 1)
      (block $d (result i64) (block $c (result i64) (block $b (result i64) (block $a (result i64)
        (i64.mul (local.get $y) (i64.const 3))
        (br_table $a $b $c $a $d $b $c (i32.wrap_i64 (i64.add (local.get $y) (i64.extend_i32_u (local.get $x))))))
        (return (i64.add (i64.const 100))))
        (return (i64.sub (i64.const 200))))
        (return (i64.xor (i64.const 300))))))
  (func (export "pressure") (param $a i64) (param $b i64) (result i64)
    ;; Fourteen values in registers at once (more than the eight the
    ;; compiler hands out), then division and shifts, which need rax, rdx
    ;; and rcx whoever holds them.
    (i64.add (local.get $a) (i64.const 1)) (i64.mul (local.get $b) (i64.const 3))
    (i64.xor (local.get $a) (local.get $b)) (i64.sub (local.get $b) (i64.const 7))
    (i64.or (local.get $a) (i64.const 9)) (i64.and (local.get $b) (i64.const 0xFFFF))
    (i64.add (local.get $a) (local.get $b)) (i64.rotl (local.get $b) (i64.const 5))
    (i64.shr_u (local.get $a) (i64.const 3)) (i64.mul (local.get $a) (local.get $a))
    (i64.add (local.get $b) (i64.const 11)) (i64.xor (local.get $a) (i64.const -1))
    (i64.sub (i64.const 0) (local.get $b)) (i64.or (local.get $b) (i64.const 1))
    (i64.div_u) (i64.rotr) (i64.rem_s (i64.or (local.get $b) (i64.const 1))) (i64.shl) (i64.shr_s)
    (i64.div_u (i64.or (i64.const 3))) (i64.add) (i64.xor) (i64.sub) (i64.mul) (i64.add) (i64.xor)
    (i64.add) (i64.rem_u (i64.or (i64.const 5))))
  (func (export "aliasing") (param $x i32) (param $y i32) (result i32)
    ;; Operands that read a local before it is set keep the old value.
    (local.get $x)
    (local.set $x (i32.mul (local.get $x) (local.get $y)))
    (local.get $x)
    (i32.sub)
    (local.get $y)
    (local.tee $y (i32.add (local.get $y) (i32.const 1)))
    (i32.sub)
    (local.get $x) (local.set $y) (local.get $y)
    (local.set $x (local.get $x)) (local.tee $x (local.get $x))
    (i32.add) (i32.add) (i32.add))
  (func (export "floaty") (param $a i64) (param $b i64) (result i64) (local $f f32) (local $d f64)
    ;; Floats between integer and float registers, slots and locals (no NaN
    ;; is made, so both compilers' bits must agree).
    (local.set $d (f64.convert_i64_s (local.get $a)))
    (local.set $f (f32.reinterpret_i32 (i32.and (i32.wrap_i64 (local.get $b)) (i32.const 0x3FFFFFFF))))
    (i64.add
      (i64.reinterpret_f64
        (select (f64.mul (local.get $d) (f64.const 1.5))
                (f64.promote_f32 (f32.neg (f32.abs (local.get $f))))
                (i32.wrap_i64 (local.get $b))))
      (i64.extend_i32_u (i32.reinterpret_f32
        (f32.add (f32.convert_i32_u (i32.wrap_i64 (local.get $a)))
                 (f32.mul (local.get $f) (f32.demote_f64 (f64.sqrt (f64.abs (local.get $d))))))))))
  (func (export "conditions") (param $a i64) (param $b i64) (result i64) (local $r i64) (local $nan f64)
    ;; Comparisons left in the flags for br_if, if, select and eqz (and
    ;; made 0 or 1 for anything else), NaN operands included.
    (local.set $nan (f64.div (f64.const 0) (f64.convert_i64_s (i64.and (local.get $a) (i64.const 0)))))
    (block $skip (br_if $skip (i64.lt_u (local.get $a) (local.get $b))) (local.set $r (i64.const 1)))
    (if (i32.eqz (i32.lt_s (i32.wrap_i64 (local.get $a)) (i32.wrap_i64 (local.get $b))))
      (then (local.set $r (i64.or (local.get $r) (i64.const 2)))))
    (local.set $r (i64.or (local.get $r)
      (select (i64.const 4) (local.get $b) (f64.gt (f64.convert_i64_s (local.get $a)) (f64.convert_i64_s (local.get $b))))))
    (local.set $r (i64.add (local.get $r) (i64.extend_i32_u (i32.eqz (i32.eqz (i64.ge_s (local.get $a) (local.get $b)))))))
    (local.set $r (i64.add (local.get $r) (i64.extend_i32_u (i32.add (i64.ne (local.get $a) (local.get $b)) (i32.const 16)))))
    (if (f64.lt (local.get $nan) (f64.convert_i64_s (local.get $a)))
      (then (local.set $r (i64.add (local.get $r) (i64.const 1000)))))
    (if (i32.eqz (f64.le (local.get $nan) (f64.convert_i64_s (local.get $a))))
      (then (local.set $r (i64.add (local.get $r) (i64.const 2000)))))
    (local.set $r (i64.add (local.get $r) (i64.extend_i32_u (f64.ge (f64.convert_i64_s (local.get $b)) (local.get $nan)))))
    (if (f64.le (f64.convert_i64_s (local.get $a)) (f64.convert_i64_s (local.get $a)))
      (then (local.set $r (i64.add (local.get $r) (i64.const 4000)))))
    (if (f32.ge (f32.convert_i64_s (local.get $b)) (f32.convert_i64_s (local.get $b)))
      (then (local.set $r (i64.add (local.get $r) (i64.const 8000)))))
    (i64.add (local.get $r) (i64.extend_i32_u (i32.eqz (i64.eqz (i64.and (local.get $a) (i64.const 3)))))))
  (func (export "vector") (param v128) (result i32) (i32x4.extract_lane 0 (local.get 0)))
))";

using Entry = uint64_t (*)(void*, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/// Baseline code in an executable mapping.
class Mapped {
public:
  explicit Mapped(const std::vector<uint8_t>& code) : size_((code.size() + 4095) & ~size_t(4095)) {
    void* page = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(page, MAP_FAILED);
    std::memcpy(page, code.data(), code.size());
    EXPECT_EQ(mprotect(page, size_, PROT_READ | PROT_EXEC), 0);
    page_ = page;
  }
  ~Mapped() { munmap(page_, size_); }
  Entry entry() const { return reinterpret_cast<Entry>(page_); }

private:
  void* page_ = nullptr;
  size_t size_;
};

/// A test module: decoded (for the baseline compiler) and compiled by the
/// LLVM JIT (the reference), or empty after a test failure.
struct Subject {
  std::optional<wasm::Module> module;
  std::shared_ptr<const rt::CompiledModule> jit;

  Subject(const char* wat, unsigned optLevel) {
    auto bytes = test::assembleWat(wat);
    auto decoded = wasm::loadModule(bytes);
    EXPECT_TRUE(decoded) << (decoded ? "" : decoded.error().describe());
    if (!decoded)
      return;
    module = std::move(*decoded);
    auto compiled = engine::compileModule(bytes, codegen::Options{.optLevel = optLevel});
    EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
    if (compiled)
      jit = *compiled;
  }
  bool ok() const { return module && jit; }

  /// The function index (imports included) of export `name`.
  uint32_t exportIndex(const std::string& name) const {
    for (const wasm::Export& exp : module->exports)
      if (exp.name == name)
        return exp.index;
    ADD_FAILURE() << "no export " << name;
    return 0;
  }
  /// Baseline code for export `name`.
  Expected<std::vector<uint8_t>> baselineCode(const std::string& name) const {
    return baseline::compileFunctionX64(*module, exportIndex(name) - module->numImportedFuncs);
  }
};

TEST(Baseline, IntegerFunctionsAgreeWithTheLlvmJit) {
  Subject subject(kModule, 0);
  ASSERT_TRUE(subject.ok());
  const auto& module = subject.module;
  test::Fixture f(subject.jit);
  ASSERT_NE(f.instance, nullptr);

  const uint64_t edges[] = {0, 1, 2, 3, 7, 31, 32, 63, 64, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                            0x100000000ull, 0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull, ~0ull, 27, 97};
  std::mt19937_64 random(15);
  int functionsChecked = 0;
  for (const wasm::Export& exp : module->exports) {
    if (exp.name == "vector")
      continue;
    uint32_t index = exp.index - module->numImportedFuncs;
    auto code = baseline::compileFunctionX64(*module, index);
    ASSERT_TRUE(code) << exp.name << ": " << code.error().describe();
    Mapped mapped(*code);
    const wasm::FuncType& type = module->funcType(exp.index);
    bool i32Result = type.results[0] == wasm::ValType::I32;
    for (int trial = 0; trial < 400; ++trial) {
      uint64_t raw[7] = {};
      std::vector<rt::Value> args;
      for (size_t p = 0; p < type.params.size(); ++p) {
        uint64_t value = trial < 40 ? edges[(trial + p * 5) % std::size(edges)] : random() >> (random() % 64);
        if (exp.name == "fact")
          value %= 25; // small n: the loop runs n times
        if (exp.name == "gcd")
          value &= 0xFFFF; // subtraction runs up to max/min times
        if (type.params[p] == wasm::ValType::I32) {
          // The upper half of an i32 argument register is garbage in the ABI.
          raw[p] = (random() << 32) | (value & 0xFFFFFFFF);
          args.push_back(rt::Value::i32(static_cast<uint32_t>(value)));
        } else {
          raw[p] = value;
          args.push_back(rt::Value::i64(value));
        }
      }
      rt::CallResult expected = rt::callFunction(f.store, *f.instance->findExport(exp.name)->func, args);
      ASSERT_FALSE(expected.trap) << exp.name;
      // The JIT instance's VMContext: the prologue reads its stack limit.
      uint64_t got = mapped.entry()(f.instance->vmctx(), raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6]);
      if (i32Result)
        ASSERT_EQ(uint32_t(got), expected.values[0].asI32()) << exp.name << " trial " << trial;
      else
        ASSERT_EQ(got, expected.values[0].asI64()) << exp.name << " trial " << trial;
    }
    ++functionsChecked;
  }
  EXPECT_EQ(functionsChecked, 14);
}

const char* kMemoryModule = R"((module
  (memory (export "mem") 1)
  (func (export "widths") (param $p i32) (param $v i64) (result i64)
    (i64.store (local.get $p) (local.get $v))
    (i32.store offset=8 (local.get $p) (i32.wrap_i64 (i64.rotl (local.get $v) (i64.const 17))))
    (i32.store16 offset=13 (local.get $p) (i32.wrap_i64 (i64.shr_u (local.get $v) (i64.const 8))))
    (i32.store8 offset=15 (local.get $p) (i32.wrap_i64 (local.get $v)))
    (i64.store32 offset=20 (local.get $p) (i64.xor (local.get $v) (i64.const -1)))
    (i64.store16 offset=26 (local.get $p) (local.get $v))
    (i64.store8 offset=29 (local.get $p) (i64.shr_u (local.get $v) (i64.const 56)))
    (i64.add
      (i64.add (i64.add (i64.load8_s offset=1 (local.get $p)) (i64.load8_u offset=2 (local.get $p)))
               (i64.add (i64.load16_s offset=3 (local.get $p)) (i64.load16_u offset=13 (local.get $p))))
      (i64.add (i64.add (i64.load32_s offset=5 (local.get $p)) (i64.load32_u offset=20 (local.get $p)))
               (i64.add (i64.extend_i32_s (i32.load8_s offset=15 (local.get $p)))
                        (i64.add (i64.extend_i32_u (i32.load16_s offset=26 (local.get $p)))
                                 (i64.add (i64.load offset=9 (local.get $p))
                                          (i64.extend_i32_u (i32.load8_u offset=29 (local.get $p)))))))))
  (func (export "sum") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (i32.mul (i32.load8_u (local.get $p)) (local.get $n))))
      (i32.store8 offset=1 (local.get $p) (local.get $s))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $s))
  (func (export "wrapped") (param $p i32) (param $v i64) (result i64)
    ;; i32 addresses whose registers hold garbage above bit 31 (wrap moves
    ;; nothing): every access must use the low 32 bits only.
    (i64.store (i32.wrap_i64 (i64.or (i64.extend_i32_u (local.get $p)) (i64.const 0x500000000))) (local.get $v))
    (memory.fill (i32.wrap_i64 (i64.or (i64.extend_i32_u (local.get $p)) (i64.const 0x300000008)))
                 (i32.wrap_i64 (i64.const 0x70000005A)) (i32.wrap_i64 (i64.const 0x900000010)))
    (i64.load offset=4 (i32.wrap_i64 (i64.add (i64.const 0x700000000) (i64.extend_i32_u (local.get $p))))))
))";

/// Loads and stores through a real instance's memory: the JIT runs on one
/// instance, the baseline code on another (given its VMContext); results
/// and both memories must agree. Addresses stay in bounds: a fault in
/// baseline code is not a trap yet.
TEST(Baseline, MemoryAccessesAgreeWithTheLlvmJit) {
  Subject subject(kMemoryModule, 0);
  ASSERT_TRUE(subject.ok());
  test::Fixture reference(subject.jit);
  test::Fixture target(subject.jit);
  ASSERT_TRUE(reference.instance && target.instance);
  std::mt19937_64 random(3);
  for (const char* name : {"widths", "sum", "wrapped"}) {
    auto code = subject.baselineCode(name);
    ASSERT_TRUE(code) << name << ": " << code.error().describe();
    Mapped mapped(*code);
    for (int trial = 0; trial < 300; ++trial) {
      uint32_t p = static_cast<uint32_t>(random() % (65536 - 300));
      uint64_t second = std::string(name) == "sum" ? random() % 256 : random();
      std::vector<rt::Value> args{rt::Value::i32(p), std::string(name) == "sum"
                                                         ? rt::Value::i32(static_cast<uint32_t>(second))
                                                         : rt::Value::i64(second)};
      rt::CallResult expected = rt::callFunction(reference.store, *reference.instance->findExport(name)->func, args);
      ASSERT_FALSE(expected.trap);
      uint64_t got = mapped.entry()(target.instance->vmctx(), p, second, 0, 0, 0, 0, 0);
      if (std::string(name) == "sum")
        ASSERT_EQ(uint32_t(got), expected.values[0].asI32()) << name << " trial " << trial;
      else
        ASSERT_EQ(got, expected.values[0].asI64()) << name << " trial " << trial;
      ASSERT_EQ(std::memcmp(reference.memory(), target.memory(), 65536), 0) << name << " trial " << trial;
    }
  }
}

const char* kCallsModule = R"((module
  (global $count (mut i64) (i64.const 0x100000005)) ;; above 2^32: all 8 bytes matter
  (global $last (mut i32) (i32.const 7))
  (func $note (param $x i32)
    (global.set $count (i64.add (global.get $count) (i64.const 1)))
    (global.set $last (local.get $x)))
  (func $divmod (export "divmod") (param $a i32) (param $b i32) (param $c i64) (param $d i64) (result i64)
    (call $note (local.get $a))
    (i64.add
      (i64.extend_i32_u (i32.add (i32.div_s (local.get $a) (local.get $b)) (i32.rem_u (local.get $a) (local.get $b))))
      (i64.xor (i64.div_u (local.get $c) (local.get $d)) (i64.rem_s (local.get $c) (local.get $d)))))
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $depth (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func (export "recurse") (param $n i32) (result i32) (call $recurse_forever (local.get $n)))
  (func $recurse_forever (param $n i32) (result i32)
    (i32.add (call $recurse_forever (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))
  (func (export "boom") (param $n i32) (result i32)
    (if (i32.gt_u (local.get $n) (i32.const 10)) (then unreachable))
    (call $depth (local.get $n)))
  (func $many (export "many") (param $a i64) (param $b i64) (param $c i64) (param $d i64) (param $e i64)
                               (param $f i64) (param $g i64) (param $h f64) (param $i f64) (param $j f64)
                               (param $k f64) (param $l f64) (param $m f64) (param $n f64) (param $o f64)
                               (param $p f64) (param $q f64) (param $r i32) (result f64)
    ;; Seven integers and ten floats: two of each go on the stack.
    (f64.add
      (f64.convert_i64_s (i64.add (i64.add (i64.mul (local.get $a) (i64.const 3)) (i64.mul (local.get $b) (i64.const 5)))
        (i64.add (i64.add (i64.mul (local.get $c) (i64.const 7)) (i64.mul (local.get $d) (i64.const 11)))
          (i64.add (i64.add (i64.mul (local.get $e) (i64.const 13)) (i64.mul (local.get $f) (i64.const 17)))
            (i64.add (i64.mul (local.get $g) (i64.const 19)) (i64.extend_i32_s (local.get $r)))))))
      (f64.add (f64.add (f64.add (f64.mul (local.get $h) (f64.const 2)) (f64.mul (local.get $i) (f64.const 4)))
                        (f64.add (f64.mul (local.get $j) (f64.const 8)) (f64.mul (local.get $k) (f64.const 16))))
               (f64.add (f64.add (f64.add (f64.mul (local.get $l) (f64.const 32)) (f64.mul (local.get $m) (f64.const 64)))
                                 (f64.add (f64.mul (local.get $n) (f64.const 128)) (f64.mul (local.get $o) (f64.const 256))))
                        (f64.add (f64.mul (local.get $p) (f64.const 512)) (f64.mul (local.get $q) (f64.const 1024)))))))
  (func (export "many_caller") (param $x i64) (result f64)
    (call $many (local.get $x) (i64.add (local.get $x) (i64.const 1)) (i64.const 2) (i64.const 3) (i64.const 4)
                (i64.const 5) (i64.sub (i64.const 6) (local.get $x))
                (f64.convert_i64_s (local.get $x)) (f64.const 0.5) (f64.const 1.5) (f64.const 2.5) (f64.const 3.5)
                (f64.const 4.5) (f64.const 5.5) (f64.const 6.5) (f64.const 7.5) (f64.const -8.25)
                (i32.wrap_i64 (local.get $x))))
  (func $blend (param $x f64) (result f64) (local $a f64) (local $b f64) (local $c f64) (local $d f64)
                                          (local $e f64) (local $f f64) (local $g f64) (local $i i32)
    ;; Seven hot float locals: every register the baseline compiler keeps
    ;; float locals in, so a caller's are clobbered unless it saves them.
    (local.set $a (local.get $x)) (local.set $b (f64.const 2)) (local.set $c (f64.const 3))
    (local.set $d (f64.const 4)) (local.set $e (f64.const 5)) (local.set $f (f64.const 6)) (local.set $g (f64.const 7))
    (loop $next
      (local.set $a (f64.add (local.get $a) (local.get $b))) (local.set $b (f64.add (local.get $b) (local.get $c)))
      (local.set $c (f64.add (local.get $c) (local.get $d))) (local.set $d (f64.add (local.get $d) (local.get $e)))
      (local.set $e (f64.add (local.get $e) (local.get $f))) (local.set $f (f64.add (local.get $f) (local.get $g)))
      (local.set $g (f64.mul (local.get $g) (f64.const 0.5)))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
    (f64.add (local.get $a) (f64.mul (local.get $g) (local.get $f))))
  (func (export "accumulate") (param $n i32) (result f64) (local $sum f64) (local $scale f64) (local $k i64)
    ;; Float locals in registers across calls (and a call's float result
    ;; beside them); integer ones in callee-saved registers.
    (local.set $scale (f64.const 1.25))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $sum (f64.add (f64.mul (local.get $sum) (local.get $scale))
                               (call $blend (f64.convert_i32_u (local.get $n)))))
      (local.set $k (i64.add (local.get $k) (i64.extend_i32_u (call $depth (i32.and (local.get $n) (i32.const 7))))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (f64.add (local.get $sum) (f64.convert_i64_s (local.get $k))))
  (func (export "count") (result i64) (global.get $count))
  (func (export "last") (result i32) (global.get $last))
))";

/// Installs baseline code for every function of the instance by swapping
/// its FuncRef's code (what tier-up will do, the other way round): calls
/// from the host go through the runtime's entry trampolines, with its
/// activation, so traps unwind as from LLVM code.
TEST(Baseline, CallsTrapsAndGlobalsThroughTheRuntime) {
  Subject subject(kCallsModule, 0);
  ASSERT_TRUE(subject.ok());
  const auto& module = subject.module;
  test::Fixture reference(subject.jit);
  test::Fixture target(subject.jit);
  ASSERT_TRUE(reference.instance && target.instance);
  std::vector<std::unique_ptr<Mapped>> code;
  for (uint32_t i = 0; i < module->functions.size(); ++i) {
    auto compiled = baseline::compileFunctionX64(*module, i);
    ASSERT_TRUE(compiled) << compiled.error().describe();
    code.push_back(std::make_unique<Mapped>(*compiled));
    auto* funcRef = const_cast<abi::FuncRef*>(target.instance->vmctx()->funcs[module->numImportedFuncs + i]);
    funcRef->code = reinterpret_cast<void*>(code.back()->entry());
  }
  auto same = [&](const std::string& name, std::vector<rt::Value> args) {
    rt::CallResult expected = reference.call(name, args);
    rt::CallResult got = target.call(name, args);
    ASSERT_EQ(bool(expected.trap), bool(got.trap)) << name;
    if (expected.trap) {
      EXPECT_EQ(got.trap->code, expected.trap->code) << name;
      return;
    }
    ASSERT_EQ(got.values.size(), expected.values.size());
    for (size_t i = 0; i < got.values.size(); ++i)
      EXPECT_EQ(std::memcmp(got.values[i].slot.bytes, expected.values[i].slot.bytes, 8), 0) << name;
  };
  const uint32_t ints[] = {0, 1, 3, 7, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF};
  const uint64_t longs[] = {0, 1, 5, 0x8000000000000000ull, ~0ull, 123456789012345ull};
  for (uint32_t a : ints)
    for (uint32_t b : ints)
      for (uint64_t c : longs)
        for (uint64_t d : longs)
          same("divmod", {rt::Value::i32(a), rt::Value::i32(b), rt::Value::i64(c), rt::Value::i64(d)});
  same("count", {});
  same("last", {});
  for (uint32_t n : {0u, 1u, 10u, 11u, 1000u})
    same("boom", {rt::Value::i32(n)});
  same("depth", {rt::Value::i32(5000)});
  for (uint64_t x : {0ull, 1ull, 12345ull, ~0ull})
    same("many_caller", {rt::Value::i64(x)});
  for (uint32_t n : {0u, 1u, 2u, 9u, 40u})
    same("accumulate", {rt::Value::i32(n)});
  // Unbounded recursion ends in "call stack exhausted", from baseline frames.
  rt::CallResult deep = target.call("recurse", {rt::Value::i32(0)});
  ASSERT_TRUE(deep.trap);
  EXPECT_EQ(deep.trap->code, abi::TrapCode::StackExhausted);
  // The instance is still usable afterwards.
  same("depth", {rt::Value::i32(3)});
}

/// Stack arguments between tiers: a baseline caller of LLVM code and an
/// LLVM caller of baseline code (only one of the two functions swapped).
TEST(Baseline, StackArgumentsCrossTiers) {
  Subject subject(kCallsModule, 2);
  ASSERT_TRUE(subject.ok());
  test::Fixture reference(subject.jit);
  for (const char* swapped : {"many", "many_caller"}) {
    test::Fixture mixed(subject.jit);
    ASSERT_TRUE(mixed.instance);
    uint32_t index = subject.exportIndex(swapped);
    auto compiled = subject.baselineCode(swapped);
    ASSERT_TRUE(compiled) << compiled.error().describe();
    Mapped code(*compiled);
    const_cast<abi::FuncRef*>(mixed.instance->vmctx()->funcs[index])->code = reinterpret_cast<void*>(code.entry());
    for (uint64_t x : {0ull, 7ull, 99999ull}) {
      rt::CallResult expected = reference.call("many_caller", {rt::Value::i64(x)});
      rt::CallResult got = mixed.call("many_caller", {rt::Value::i64(x)});
      ASSERT_FALSE(expected.trap || got.trap);
      EXPECT_EQ(got.values[0].asI64(), expected.values[0].asI64()) << swapped << " on baseline code, x " << x;
      // From the host: the LLVM-compiled entry trampoline passes all 18
      // arguments, stack ones included, to `many`'s FuncRef code.
      std::vector<rt::Value> args;
      for (int i = 0; i < 7; ++i)
        args.push_back(rt::Value::i64(x * 31 + i));
      for (int i = 0; i < 10; ++i) {
        double value = double(x) / 3 + i;
        uint64_t bits;
        std::memcpy(&bits, &value, 8);
        args.push_back(rt::Value::f64Bits(bits));
      }
      args.push_back(rt::Value::i32(static_cast<uint32_t>(x)));
      rt::CallResult direct = mixed.call("many", args);
      rt::CallResult directExpected = reference.call("many", args);
      ASSERT_FALSE(direct.trap || directExpected.trap);
      EXPECT_EQ(direct.values[0].asI64(), directExpected.values[0].asI64()) << swapped << " called from the host";
    }
  }
}

/// Asked at every loop header, answers "stay here" after clobbering every
/// xmm register, as any call may: float locals kept in registers must be
/// reloaded after it.
const void* clobberAndStay(void* context, uint32_t index, uint32_t) {
  static_cast<int32_t*>(context)[index] = 1; // ask again at the next header
  asm volatile("xorps %%xmm8, %%xmm8\n\txorps %%xmm9, %%xmm9\n\txorps %%xmm10, %%xmm10\n\t"
               "xorps %%xmm11, %%xmm11\n\txorps %%xmm12, %%xmm12\n\txorps %%xmm13, %%xmm13\n\t"
               "xorps %%xmm14, %%xmm14\n\txorps %%xmm15, %%xmm15" ::: "xmm8", "xmm9", "xmm10", "xmm11",
               "xmm12", "xmm13", "xmm14", "xmm15");
  return nullptr;
}

TEST(Baseline, LoopCountingKeepsLocalsInRegisters) {
  Subject subject(R"((module
    (func (export "series") (param $n i64) (result i64) (local $x f64) (local $y f32) (local $i i64)
      (local.set $x (f64.convert_i64_s (local.get $n)))
      (local.set $y (f32.const 0.25))
      (loop $next
        (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.75)) (f64.promote_f32 (local.get $y))))
        (local.set $y (f32.add (local.get $y) (f32.const 1)))
        (br_if $next (i64.lt_u (local.tee $i (i64.add (local.get $i) (i64.const 1))) (i64.const 20))))
      (i64.add (i64.reinterpret_f64 (local.get $x)) (i64.extend_i32_u (i32.reinterpret_f32 (local.get $y))))))
  )", 0);
  ASSERT_TRUE(subject.ok());
  test::Fixture f(subject.jit);
  ASSERT_NE(f.instance, nullptr);
  int32_t loopCounters[1] = {1};
  baseline::CallCounting counting{.context = loopCounters, .loopCounters = loopCounters,
                                  .enterLoop = &clobberAndStay};
  auto code = baseline::compileFunctionX64(*subject.module, 0, counting);
  ASSERT_TRUE(code) << code.error().describe();
  Mapped mapped(*code);
  for (uint64_t n : {0ull, 3ull, 1000ull, 123456789ull}) {
    std::vector<rt::Value> args{rt::Value::i64(n)};
    rt::CallResult expected = rt::callFunction(f.store, *f.instance->findExport("series")->func, args);
    ASSERT_FALSE(expected.trap);
    uint64_t got = mapped.entry()(f.instance->vmctx(), n, 0, 0, 0, 0, 0, 0);
    EXPECT_EQ(got, expected.values[0].asI64()) << n;
  }
}

TEST(Baseline, RefusesWhatItDoesNotHandleWithALocation) {
  Subject subject(kModule, 0);
  ASSERT_TRUE(subject.ok());
  auto code = subject.baselineCode("vector");
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error().kind, ErrorKind::Unsupported);
  EXPECT_EQ(code.error().function, subject.exportIndex("vector"));
  EXPECT_NE(code.error().describe().find("vector or reference parameter"), std::string::npos)
      << code.error().describe();

  auto simd = wasm::loadModule(
      test::assembleWat("(module (func (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))"));
  ASSERT_TRUE(simd);
  auto refused = baseline::compileFunctionX64(*simd, 0);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().describe().find("v128.const"), std::string::npos) << refused.error().describe();
}

} // namespace
} // namespace wasmc
