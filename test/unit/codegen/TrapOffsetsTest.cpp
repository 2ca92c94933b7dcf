// Trap frames carry the wasm offset of their instruction (issue 16): the
// trapping one in the innermost frame, the call in each caller, in every
// way wasmc compiles code (LLVM JIT at each level, lazy, AOT through an
// artifact, baseline, tiered). LLVM code gets its table from the DWARF
// line table of the object (compiler/codegen/WasmOffsets.h), baseline code
// from its compiler; a trap's call of raiseTrap is per instruction in both.

#include "test/unit/codegen/ModuleFixture.h"

namespace wasmc {
namespace {

constexpr const char* kModule = R"(
(module
  (memory 1)
  (func $load (param i32) (result i32)
    (i32.load offset=4 (local.get 0)))
  (func $div (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1)))
  (func $never
    (unreachable))
  (func (export "via_load") (param i32) (result i32)
    (i32.add (i32.const 1) (call $load (local.get 0))))
  (func (export "via_div") (param i32) (result i32)
    (i32.mul (i32.const 3) (call $div (i32.const 1) (local.get 0))))
  (func (export "via_never")
    (call $never))
  ;; Two divisions that can trap: only the second does (b = 0).
  (func (export "second_div") (param $a i32) (param $b i32) (result i32)
    (drop (i32.div_u (i32.const 7) (local.get $a)))
    (i32.div_u (i32.const 1) (local.get $b))))
)";

constexpr uint32_t kLoad = 0, kDiv = 1, kNever = 2, kViaLoad = 3, kViaDiv = 4, kViaNever = 5, kSecondDiv = 6;
constexpr uint8_t kCallOp = 0x10, kLoadOp = 0x28, kDivOp = 0x6e, kUnreachableOp = 0x00;

/// The module offsets of every `opcode` byte in function `index`'s body
/// (the test bodies hold no immediates that look like them).
std::vector<uint32_t> opcodeOffsets(const wasm::Module& module, uint32_t index, uint8_t opcode) {
  const wasm::ByteRange body = module.definedFunc(index).body;
  std::vector<uint32_t> found;
  for (uint32_t at = body.offset; at < body.offset + body.size; ++at)
    if (module.bytes[at] == opcode)
      found.push_back(at);
  return found;
}

/// Checks one frame: it is in function `index` at its only (or, with
/// `last`, its last) `opcode`, and its function offset counts from the
/// function's locals.
void expectFrame(const rt::Frame& frame, const wasm::Module& module, uint32_t index, uint8_t opcode,
                 const std::string& where, bool last = false) {
  ASSERT_EQ(frame.funcIndex, index) << where;
  std::vector<uint32_t> offsets = opcodeOffsets(module, index, opcode);
  ASSERT_FALSE(offsets.empty()) << where;
  if (!last)
    ASSERT_EQ(offsets.size(), 1u) << where;
  EXPECT_EQ(frame.offset, offsets.back()) << where;
  EXPECT_EQ(frame.functionStart, module.localsOffset(index)) << where;
  EXPECT_EQ(frame.functionOffset(), offsets.back() - module.localsOffset(index)) << where;
}

/// A trap whose innermost frame is in `callee` at `opcode`, called from
/// `caller`. LLVM may inline the callee (-O1 and up): then the caller's
/// frame is the innermost one, at its call, which is where the inlined
/// code runs.
void expectCalleeAndCaller(const rt::Trap& trap, const wasm::Module& module, uint32_t callee, uint8_t opcode,
                           uint32_t caller, const std::string& where) {
  ASSERT_FALSE(trap.backtrace.empty()) << where;
  size_t next = 0;
  if (trap.backtrace[0].funcIndex == callee)
    expectFrame(trap.backtrace[next++], module, callee, opcode, where + " (callee)");
  ASSERT_GT(trap.backtrace.size(), next) << where;
  expectFrame(trap.backtrace[next], module, caller, kCallOp, where + " (caller)");
}

TEST(TrapOffsets, EveryFrameNamesItsInstructionInEveryCompiler) {
  std::vector<uint8_t> bytes = test::assembleWat(kModule);
  ASSERT_FALSE(bytes.empty());
  auto module = wasm::loadModule(bytes);
  ASSERT_TRUE(module);
  for (const test::CompileConfig& config : test::compileConfigs()) {
    const std::string name = config.name;
    auto compiled = config.compile(bytes);
    ASSERT_TRUE(compiled) << name << ": " << compiled.error().describe();
    test::Fixture f(*compiled);
    ASSERT_NE(f.instance, nullptr) << name;

    // A fault (a load past the memory), an explicit trap (division by
    // zero) and unreachable, each called from another function.
    rt::CallResult load = f.call("via_load", {rt::Value::i32(65536)});
    ASSERT_TRUE(load.trap) << name;
    EXPECT_EQ(load.trap->code, abi::TrapCode::MemoryOutOfBounds) << name;
    expectCalleeAndCaller(*load.trap, *module, kLoad, kLoadOp, kViaLoad, name + " via_load");

    rt::CallResult div = f.call("via_div", {rt::Value::i32(0)});
    ASSERT_TRUE(div.trap) << name;
    EXPECT_EQ(div.trap->code, abi::TrapCode::IntegerDivideByZero) << name;
    expectCalleeAndCaller(*div.trap, *module, kDiv, kDivOp, kViaDiv, name + " via_div");

    rt::CallResult never = f.call("via_never", {});
    ASSERT_TRUE(never.trap) << name;
    expectCalleeAndCaller(*never.trap, *module, kNever, kUnreachableOp, kViaNever, name + " via_never");

    // Two sites of one trap kind in a function: the frame names the one
    // that trapped, not the first (trap calls are never shared or merged).
    rt::CallResult second = f.call("second_div", {rt::Value::i32(1), rt::Value::i32(0)});
    ASSERT_TRUE(second.trap) << name;
    ASSERT_FALSE(second.trap->backtrace.empty()) << name;
    expectFrame(second.trap->backtrace[0], *module, kSecondDiv, kDivOp, name + " second_div", /*last=*/true);
  }
}

} // namespace
} // namespace wasmc
