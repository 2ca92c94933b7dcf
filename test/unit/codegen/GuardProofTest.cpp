// The F1 family of the sandbox issue: loops whose i32 addresses p + c wrap
// (c from -8 down to -2^31, and c positive so that p + c passes 2^32 and
// lands on a legal low address), as loads and stores, stepping up until an
// end pointer (the guard proof of WidenLoopAddresses.cpp), counting (its
// trip-count proof) and stepping down, with starts near 0 and near 2^32.
// Each module is generated from its constants, compiled at -O0..-O3, lazily
// and through a .cwasm, and every call must give what wasm's semantics give
// (a C++ model of the same loop over the same memory): the same sum or the
// same trap, and the same memory afterwards.

#include "test/unit/codegen/ModuleFixture.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

namespace wasmc {
namespace {

constexpr uint64_t kPage = 65536;

/// One loop shape: where each iteration accesses memory relative to p.
struct Shape {
  const char* name;
  std::vector<int64_t> deltas; // added to p with i32 wrapping; each a separate access
};

/// The constants of the family: negative offsets from -8 to -2^31 and
/// positive ones for which p + c wraps past 2^32 from a large p.
const int64_t kOffsets[] = {-8, -16, -24, -4096, -65536, -(int64_t(1) << 20), -(int64_t(1) << 31),
                            16, 0x7FFFFFF0, 0x7FFFFFF8, 0xFFFF0000LL};

/// The module for offset `c`: every function of every shape, 1 page of memory.
std::string moduleText(int64_t c) {
  auto constant = [](int64_t value) { return std::to_string(int32_t(uint32_t(uint64_t(value)))); };
  // Three accesses per iteration (the pass widens loops with three or more):
  // mixed = p + c, p + c + 8, p; offsetOnly = p + c, p + c + 4, p + c + 8.
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes = {
      {"mixed", {c, c + 8, 0}}, {"offsets", {c, c + 4, c + 8}}, {"static", {c, c + 4, c + 8}}};
  std::ostringstream out;
  out << "(module (memory (export \"memory\") 1)\n"
         "  (table (export \"table\") 1 funcref)\n"
         "  (type $t (func (result i32)))\n"
         "  (func $seven (type $t) (i32.const 7))\n"
         "  (elem (i32.const 0) $seven)\n"
         "  (func (export \"call0\") (result i32) (call_indirect (type $t) (i32.const 0)))\n"
         "  (func (export \"grow_table\") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))\n";
  auto address = [&](int64_t delta) {
    return delta == 0 ? std::string("(local.get $p)")
                      : "(i32.add (local.get $p) (i32.const " + constant(delta) + "))";
  };
  for (const auto& [shape, deltas] : shapes) {
    // The "static" shape reaches the same words through a static offset of
    // 16 from p + delta - 16: the address the pass widens is 16 below the access.
    bool isStatic = shape == "static";
    std::string offset = isStatic ? " offset=16 " : " ";
    std::string loads, stores;
    for (int64_t delta : deltas) {
      std::string at = address(isStatic ? delta - 16 : delta);
      loads += "      (local.set $s (i32.add (local.get $s) (i32.load" + offset + at + ")))\n";
      stores += "      (i32.store" + offset + at + " (local.get $v))\n";
    }
    std::string until = "(br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 16))) (local.get $end)))";
    std::string count = "(local.set $p (i32.add (local.get $p) (i32.const 16)))\n"
                        "      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))";
    std::string down = "(local.set $p (i32.sub (local.get $p) (i32.const 16)))\n"
                       "      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))";
    out << "  (func (export \"load_until_" << shape << "\") (param $p i32) (param $end i32) (result i32) (local $s i32)\n"
        << "    (loop $next\n" << loads << "      " << until << ")\n    (local.get $s))\n";
    out << "  (func (export \"store_until_" << shape << "\") (param $p i32) (param $end i32) (param $v i32)\n"
        << "    (loop $next\n" << stores << "      " << until << "))\n";
    for (auto [kind, step] : {std::pair<const char*, const std::string*>{"count", &count}, {"down", &down}}) {
      out << "  (func (export \"load_" << kind << "_" << shape
          << "\") (param $p i32) (param $n i32) (result i32) (local $s i32)\n"
          << "    (block $done (br_if $done (i32.eqz (local.get $n)))\n"
          << "    (loop $next\n" << loads << "      " << *step << "))\n    (local.get $s))\n";
      out << "  (func (export \"store_" << kind << "_" << shape
          << "\") (param $p i32) (param $n i32) (param $v i32)\n"
          << "    (block $done (br_if $done (i32.eqz (local.get $n)))\n"
          << "    (loop $next\n" << stores << "      " << *step << ")))\n";
    }
  }
  out << ")\n";
  return out.str();
}

/// What one of the generated loops does under wasm's semantics, on `memory`
/// (S bytes): the sum, or nullopt for a trap; stores land in `memory`.
/// Each access is at zext(p + delta - staticOffset) + staticOffset.
std::optional<uint32_t> model(std::vector<uint8_t>& memory, const std::vector<int64_t>& deltas, uint32_t staticOffset,
                              bool store, uint32_t p, std::optional<uint32_t> end, uint32_t n, int32_t step,
                              uint32_t value) {
  uint32_t sum = 0;
  auto access = [&](uint64_t address) {
    if (address + 4 > memory.size())
      return false;
    if (store) {
      std::memcpy(memory.data() + address, &value, 4);
    } else {
      uint32_t word;
      std::memcpy(&word, memory.data() + address, 4);
      sum += word;
    }
    return true;
  };
  if (!end && n == 0)
    return sum;
  while (true) {
    for (int64_t delta : deltas)
      if (!access(uint64_t(uint32_t(p + uint32_t(uint64_t(delta)) - staticOffset)) + staticOffset))
        return std::nullopt;
    p += uint32_t(step);
    if (end ? p == *end : --n == 0)
      return sum;
  }
}

/// Starts near 0, near the end of the memory and near 2^32 (where p + c
/// with a large positive c wraps to the low words).
std::vector<uint32_t> startsFor(int64_t c) {
  std::vector<uint32_t> starts = {0, 4, 8, 16, 24, 32, 48, uint32_t(kPage - 16), uint32_t(kPage - 32),
                                  0xFFFFFFF0u, 0xFFFFFFE0u, 0x80000000u};
  // p = 2^32 - c + small: p + c wraps to the first words.
  for (uint32_t low : {0u, 8u, 16u, 32u})
    starts.push_back(uint32_t(uint64_t(0) - uint64_t(c)) + low);
  return starts;
}

class GuardProof : public ::testing::TestWithParam<int64_t> {};

TEST_P(GuardProof, WrappingLoopAddressesBehaveAsWasmSaysInEveryConfiguration) {
  const int64_t c = GetParam();
  std::vector<uint8_t> bytes = test::assembleWat(moduleText(c));
  ASSERT_FALSE(bytes.empty());
  const std::vector<std::pair<std::string, std::vector<int64_t>>> shapes = {
      {"mixed", {c, c + 8, 0}}, {"offsets", {c, c + 4, c + 8}}, {"static", {c, c + 4, c + 8}}};
  std::vector<uint8_t> initial(kPage);
  for (uint64_t i = 0; i < kPage; ++i)
    initial[i] = uint8_t(i * 131 + 7);
  auto i32 = [](uint32_t v) { return rt::Value::i32(v); };

  for (const test::CompileConfig& config : test::compileConfigs()) {
    auto compiled = config.compile(bytes);
    ASSERT_TRUE(compiled) << config.name << ": " << compiled.error().describe();
    test::Fixture f(*compiled);
    ASSERT_NE(f.instance, nullptr);
    // A table grown first: its element array is host heap memory, which may
    // land just below the memory's reservation (where the escape read it).
    ASSERT_EQ(f.call("grow_table", {i32(1 << 20)}).values.at(0).asI32(), 1u);
    std::memcpy(f.memory(), initial.data(), kPage);
    std::vector<uint8_t> scratch = initial;
    for (const auto& [shape, deltas] : shapes) {
      for (uint32_t p : startsFor(c)) {
        for (int kind = 0; kind < 3; ++kind) {
          for (uint32_t length : {1u, 2u, 5u}) {
            for (bool store : {false, true}) {
              std::vector<uint8_t>& expectedMemory = scratch; // equal to initial here
              std::optional<uint32_t> end;
              int32_t step = kind == 2 ? -16 : 16;
              if (kind == 0)
                end = p + 16 * length;
              std::optional<uint32_t> expected = model(expectedMemory, deltas, shape == "static" ? 16 : 0, store, p, end,
                                                           length, step, 0xA5A5A5A5u);
              std::string name = std::string(store ? "store_" : "load_") +
                                 (kind == 0 ? "until_" : kind == 1 ? "count_" : "down_") + shape;
              std::vector<rt::Value> args = {i32(p), i32(kind == 0 ? *end : length)};
              if (store)
                args.push_back(i32(0xA5A5A5A5u));
              rt::CallResult result = f.call(name, args);
              std::string where = std::string(config.name) + " " + name + "(p=" + std::to_string(p) +
                                  ", " + std::to_string(length) + ") with c=" + std::to_string(c);
              if (!expected) {
                ASSERT_TRUE(result.trap) << where << " should trap";
                EXPECT_EQ(result.trap->code, abi::TrapCode::MemoryOutOfBounds) << where;
              } else {
                ASSERT_FALSE(result.trap) << where << ": " << result.trap->message();
                if (!store)
                  EXPECT_EQ(result.values.at(0).asI32(), *expected) << where;
              }
              if (store) {
                ASSERT_EQ(std::memcmp(f.memory(), expectedMemory.data(), kPage), 0) << where << ": memory differs";
                std::memcpy(f.memory(), initial.data(), kPage);
                scratch = initial;
              }
            }
          }
        }
      }
    }
    // The table and the code it refers to are intact.
    EXPECT_EQ(f.call("call0", {}).values.at(0).asI32(), 7u) << config.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Offsets, GuardProof, ::testing::ValuesIn(kOffsets),
                         [](const ::testing::TestParamInfo<int64_t>& info) {
                           int64_t c = info.param;
                           return (c < 0 ? "minus" : "plus") + std::to_string(c < 0 ? -c : c);
                         });

} // namespace
} // namespace wasmc
