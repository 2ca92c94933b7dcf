// Loop strength reduction in the pipeline (ReduceLoopStrength.cpp): the
// loops of tables.wat compute the same at every -O level; the loop that
// reads through 16 independent addresses keeps its shape, while an
// ordinary loop is still strength-reduced.

#include "test/unit/codegen/ModuleFixture.h"

#include <cstring>

namespace wasmc {
namespace {

constexpr uint32_t kKeys = 0;
constexpr uint32_t kTable = 4096; // fixed in tables.wat
constexpr uint32_t kOut = 8192;
constexpr uint32_t kPairs = 16384;

uint32_t load32(const uint8_t* memory, uint32_t address) {
  uint32_t value;
  std::memcpy(&value, memory + address, 4);
  return value;
}

/// The body of one function of `ir`, from its `define` to the next one.
std::string functionIr(const std::string& ir, const std::string& name) {
  size_t start = ir.find("@" + name + "(");
  if (start == std::string::npos)
    return {};
  size_t end = ir.find("\ndefine ", start);
  return ir.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class StrengthReductionAtLevel : public ::testing::TestWithParam<unsigned> {};

TEST_P(StrengthReductionAtLevel, LoopsComputeTheSame) {
  test::Fixture f(test::compileWasm(WASMC_TABLES_WASM, GetParam()));
  ASSERT_NE(f.instance, nullptr);
  uint8_t* memory = f.memory();
  for (uint32_t i = 0; i < 1024 + 64; i += 4) {
    uint32_t entry = i * 2654435761u;
    std::memcpy(memory + kTable + i, &entry, 4);
  }
  for (uint32_t k = 0; k < 16; ++k)
    memory[kKeys + k] = uint8_t(k * 37 + 11);
  rt::CallResult gathered = f.call("gather16", {rt::Value::i32(kKeys), rt::Value::i32(kOut)});
  ASSERT_FALSE(gathered.trap) << gathered.trap->message();
  for (uint32_t k = 0; k < 16; ++k)
    for (uint32_t i = 0; i < 16; ++i) {
      uint32_t row = kTable + 4 * (memory[kKeys + k] & 15u) + 64 * i;
      EXPECT_EQ(load32(memory, kOut + 64 * k + 4 * i), load32(memory, row)) << k << " " << i;
    }

  uint32_t sum = 0;
  for (uint32_t n = 0; n < 37; ++n) {
    uint32_t a = n * 0x9E3779B9u, b = ~n;
    std::memcpy(memory + kPairs + 8 * n, &a, 4);
    std::memcpy(memory + kPairs + 8 * n + 4, &b, 4);
    sum += a + b;
    rt::CallResult summed = f.call("sum_pairs", {rt::Value::i32(kPairs), rt::Value::i32(n + 1)});
    ASSERT_FALSE(summed.trap) << summed.trap->message();
    EXPECT_EQ(uint32_t(summed.values.at(0).asI32()), sum) << n;
  }
}

INSTANTIATE_TEST_SUITE_P(OptLevels, StrengthReductionAtLevel, ::testing::Values(0u, 1u, 2u, 3u));

// LSR names what it makes "lsr.iv" (induction variables) and "scevgep"
// (addresses). "gather16" (function 0) has none; "sum_pairs" (function 1)
// has its counter strength-reduced.
TEST(StrengthReduction, SkipsLoopsWithMoreAddressesThanRegisters) {
  for (unsigned level : {1u, 2u, 3u}) {
    std::string ir = test::emitWasm(WASMC_TABLES_WASM, level, codegen::EmitForm::LlvmIr);
    std::string gather = functionIr(ir, "wasm_function_0");
    std::string sumPairs = functionIr(ir, "wasm_function_1");
    ASSERT_FALSE(gather.empty() || sumPairs.empty()) << ir;
    EXPECT_EQ(gather.find("lsr.iv"), std::string::npos) << "-O" << level;
    EXPECT_EQ(gather.find("scevgep"), std::string::npos) << "-O" << level;
    EXPECT_NE(sumPairs.find("lsr.iv"), std::string::npos) << "-O" << level;
  }
}

} // namespace
} // namespace wasmc
