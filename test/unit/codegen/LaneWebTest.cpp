// Webs of i64 vector arithmetic around lane multiplies
// (ScalarizeI64VectorWebs.cpp): the scalar chains compute what the vectors
// did, lane by lane, at every -O level; at -O1 and above no i64x2 value is
// left in the loop of "rounds", and no vector multiply of i64 lanes (the SLP
// vectoriser makes them of "scalar_rounds"). Also: the inlined callee's
// stack check folds away.

#include "test/unit/codegen/ModuleFixture.h"

#include <bit>
#include <cstring>

namespace wasmc {
namespace {

constexpr uint64_t kP1 = 0x9E3779B185EBCA87ull;
constexpr uint64_t kP2 = 0xC2B2AE3D27D4EB4Full;

uint64_t round(uint64_t acc, uint64_t in) { return std::rotl(acc + in * kP2, 31) * kP1; }

struct RoundsResult {
  uint64_t value;
  uint64_t b[2];
};

/// What lanes.wat's "rounds" computes, one lane at a time.
RoundsResult roundsModel(const uint8_t* memory, uint32_t p, uint32_t n, uint64_t seed, uint32_t shift) {
  uint64_t a[2] = {seed, seed};
  uint64_t b[2] = {seed, 77};
  for (; n != 0; --n, p += 32) {
    for (unsigned lane = 0; lane < 2; ++lane) {
      uint64_t in[2];
      std::memcpy(in, memory + p + 8 * lane, 8);
      std::memcpy(in + 1, memory + p + 16 + 8 * lane, 8);
      a[lane] = round(a[lane], in[0]);
      b[lane] = round(b[lane], in[1]);
      b[lane] ^= b[lane] >> (shift & 63);
      a[lane] = a[lane] - b[lane] + ((n & 3) == 1 ? 1 : 0);
    }
  }
  return {(a[0] ^ (a[1] * 3)) ^ (b[0] + b[1]), {b[0], b[1]}};
}

/// What lanes.wat's "scalar_rounds" computes.
uint64_t scalarRoundsModel(const uint8_t* memory, uint32_t p, uint32_t n, uint64_t seed) {
  uint64_t acc[4] = {seed, seed + 1, seed + 2, seed + 3};
  for (; n != 0; --n, p += 32)
    for (unsigned lane = 0; lane < 4; ++lane) {
      uint64_t in;
      std::memcpy(&in, memory + p + 8 * lane, 8);
      acc[lane] = round(acc[lane], in);
    }
  return std::rotl(acc[0], 1) + std::rotl(acc[1], 7) + std::rotl(acc[2], 12) + std::rotl(acc[3], 18);
}

class LaneWebAtLevel : public ::testing::TestWithParam<unsigned> {};

TEST_P(LaneWebAtLevel, ScalarChainsComputeWhatTheVectorsDid) {
  test::Fixture f(test::compileWasm(WASMC_LANES_WASM, GetParam()));
  ASSERT_NE(f.instance, nullptr);
  uint64_t state = 0x0123456789ABCDEFull;
  for (uint32_t i = 0; i < 4096; i += 8) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    std::memcpy(f.memory() + i, &state, 8);
  }
  constexpr uint32_t kOut = 8192;
  for (uint32_t n : {0u, 1u, 2u, 5u, 64u, 127u})
    for (uint64_t seed : {uint64_t(0), uint64_t(7), ~uint64_t(0) - 12345})
      for (uint32_t shift : {0u, 5u, 63u, 64u + 9u}) {
        RoundsResult expected = roundsModel(f.memory(), 0, n, seed, shift);
        rt::CallResult result = f.call("rounds", {rt::Value::i32(0), rt::Value::i32(n), rt::Value::i64(seed),
                                                  rt::Value::i32(shift), rt::Value::i32(kOut)});
        ASSERT_FALSE(result.trap) << result.trap->message();
        EXPECT_EQ(result.values.at(0).asI64(), expected.value) << n << " " << seed << " " << shift;
        uint64_t stored[2];
        std::memcpy(stored, f.memory() + kOut, 16);
        EXPECT_EQ(stored[0], expected.b[0]) << n << " " << seed << " " << shift;
        EXPECT_EQ(stored[1], expected.b[1]) << n << " " << seed << " " << shift;
      }
  for (uint32_t n : {0u, 1u, 3u, 100u})
    for (uint64_t seed : {uint64_t(0), ~uint64_t(0) - 2}) {
      rt::CallResult result =
          f.call("scalar_rounds", {rt::Value::i32(8), rt::Value::i32(n), rt::Value::i64(seed)});
      ASSERT_FALSE(result.trap) << result.trap->message();
      EXPECT_EQ(result.values.at(0).asI64(), scalarRoundsModel(f.memory(), 8, n, seed)) << n << " " << seed;
    }
}

INSTANTIATE_TEST_SUITE_P(OptLevels, LaneWebAtLevel, ::testing::Values(0u, 1u, 2u, 3u));

// The web of "rounds" (both accumulators, the shift, the br_table) is
// computed in scalars: no i64x2 phi is left at -O1 and above. And whatever
// the SLP vectoriser (-O2 and -O3) made of "scalar_rounds", no vector
// multiply of i64 lanes is left.
TEST(LaneWeb, LoopsCarryNoI64Vectors) {
  for (unsigned level : {1u, 2u, 3u}) {
    std::string ir = test::emitWasm(WASMC_LANES_WASM, level, codegen::EmitForm::LlvmIr);
    EXPECT_EQ(ir.find("phi <2 x i64>"), std::string::npos) << "-O" << level;
    EXPECT_NE(ir.find("phi i64"), std::string::npos) << "-O" << level;
    for (const char* multiply : {"mul <2 x i64>", "mul <4 x i64>", "mul <8 x i64>"})
      EXPECT_EQ(ir.find(multiply), std::string::npos) << multiply << " at -O" << level;
  }
}

// $round is inlined into the loop of "rounds" ($round64 into that of
// "scalar_rounds"); its stack check tests the same frame against a smaller
// size than the caller's check did, so it folds away (the check's add is
// nuw) and the loop keeps no branch to a stack trap. One check is left per
// function, four in all.
TEST(LaneWeb, InlinedCalleesKeepNoStackCheck) {
  std::string ir = test::emitWasm(WASMC_LANES_WASM, 2, codegen::EmitForm::LlvmIr);
  std::string stackTrap = ", i32 " + std::to_string(unsigned(abi::TrapCode::StackExhausted)) + ")";
  EXPECT_EQ(test::countOccurrences(ir, stackTrap), 4u);
}

} // namespace
} // namespace wasmc
