#include "tools/wasmc/JitWastEngine.h"

#include <gtest/gtest.h>

#include <cstring>

namespace wasmc::tools {
namespace {

// (module (import "h" "f" (func (param i32) (result i32))) (memory (export "m") 1)
//   (func (export "g") (result i32)
//     (i32.store (i32.const 4) (i32.const 0x11223344)) (call 0 (i32.const 7))))
const uint8_t kHostCaller[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x60, 0x01, 0x7f,
    0x01, 0x7f, 0x60, 0x00, 0x01, 0x7f, 0x02, 0x07, 0x01, 0x01, 0x68, 0x01, 0x66, 0x00,
    0x00, 0x03, 0x02, 0x01, 0x01, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x09, 0x02, 0x01,
    0x6d, 0x02, 0x00, 0x01, 0x67, 0x00, 0x01, 0x0a, 0x13, 0x01, 0x11, 0x00, 0x41, 0x04,
    0x41, 0xc4, 0xe6, 0x88, 0x89, 0x01, 0x36, 0x02, 0x00, 0x41, 0x07, 0x10, 0x00, 0x0b};

TEST(JitWastEngineTest, HostFunctionAndExportedMemory) {
  JitWastEngine engine(codegen::Options{.optLevel = 2, .jobs = 1}, false);
  std::vector<uint32_t> seen;
  engine.defineHostFunction("h", "f", wasm::FuncType{{wasm::ValType::I32}, {wasm::ValType::I32}},
                            [&](std::span<abi::Slot> slots) {
                              uint32_t arg;
                              std::memcpy(&arg, slots[0].bytes, 4);
                              seen.push_back(arg);
                              uint32_t result = arg * 3;
                              std::memcpy(slots[0].bytes, &result, 4);
                              return abi::TrapCode::None;
                            });
  auto instance = engine.instantiate(kHostCaller);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto outcome = engine.invoke(*instance, "g", {});
  ASSERT_TRUE(outcome);
  ASSERT_FALSE(outcome->trapped);
  ASSERT_EQ(outcome->values.size(), 1u);
  EXPECT_EQ(outcome->values[0].bits[0], 21u);
  EXPECT_EQ(seen, std::vector<uint32_t>{7});

  auto memory = engine.exportedMemory(*instance, "m");
  ASSERT_TRUE(memory);
  ASSERT_EQ(memory->size(), 65536u);
  uint32_t stored;
  std::memcpy(&stored, memory->data() + 4, 4);
  EXPECT_EQ(stored, 0x11223344u);
  EXPECT_FALSE(engine.exportedMemory(*instance, "g"));
}

} // namespace
} // namespace wasmc::tools
