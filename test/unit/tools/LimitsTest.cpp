// -W options (tools/wasmc/Limits.h): durations, sizes, counts, flags, and
// which options a compile accepts.

#include "tools/wasmc/Limits.h"

#include <gtest/gtest.h>

namespace wasmc::tools {
namespace {

TEST(LimitsTest, Durations) {
  EXPECT_EQ(*parseDuration("10ms"), 10'000'000u);
  EXPECT_EQ(*parseDuration("1.5s"), 1'500'000'000u);
  EXPECT_EQ(*parseDuration("2"), 2'000'000'000u);
  EXPECT_EQ(*parseDuration("3us"), 3'000u);
  EXPECT_FALSE(parseDuration("ms"));
  EXPECT_FALSE(parseDuration("-1s"));
  EXPECT_FALSE(parseDuration("10 ms"));
}

TEST(LimitsTest, Sizes) {
  EXPECT_EQ(*parseSize("65536"), 65536u);
  EXPECT_EQ(*parseSize("64K"), 65536u);
  EXPECT_EQ(*parseSize("16MiB"), 16u << 20);
  EXPECT_EQ(*parseSize("1G"), 1u << 30);
  EXPECT_FALSE(parseSize("1Q"));
  EXPECT_FALSE(parseSize("K"));
  EXPECT_FALSE(parseSize("-5"));
  EXPECT_FALSE(parseSize("99999999999999999999"));
}

TEST(LimitsTest, RunOptionsSetTheStoreLimits) {
  RunLimits limits;
  ASSERT_TRUE(applyLimitOption("max-memory-size=1M", limits, true));
  ASSERT_TRUE(applyLimitOption("max-table-elements=7", limits, true));
  ASSERT_TRUE(applyLimitOption("max-instances=3", limits, true));
  ASSERT_TRUE(applyLimitOption("max-tables=4", limits, true));
  ASSERT_TRUE(applyLimitOption("max-memories=5", limits, true));
  ASSERT_TRUE(applyLimitOption("max-wasm-stack=64K", limits, true));
  ASSERT_TRUE(applyLimitOption("trap-on-grow-failure", limits, true));
  ASSERT_TRUE(applyLimitOption("timeout=5ms", limits, true));
  EXPECT_EQ(limits.store.memoryBytes, 1u << 20);
  EXPECT_EQ(limits.store.tableElements, 7u);
  EXPECT_EQ(limits.store.instances, 3u);
  EXPECT_EQ(limits.store.tables, 4u);
  EXPECT_EQ(limits.store.memories, 5u);
  EXPECT_EQ(limits.store.maxWasmStack, 65536u);
  EXPECT_TRUE(limits.store.trapOnGrowFailure);
  EXPECT_EQ(limits.timeoutNs, 5'000'000u);
  EXPECT_TRUE(limits.interruptible); // implied by timeout
  ASSERT_TRUE(applyLimitOption("trap-on-grow-failure=n", limits, true));
  EXPECT_FALSE(limits.store.trapOnGrowFailure);
}

TEST(LimitsTest, BadValuesAndUnknownOptionsAreUsageErrors) {
  RunLimits limits;
  for (const char* option : {"max-instances=-1", "max-tables=", "trap-on-grow-failure=maybe", "bogus=1",
                             "max-memory-size=1.5G"}) {
    auto applied = applyLimitOption(option, limits, true);
    ASSERT_FALSE(applied) << option;
    EXPECT_EQ(applied.error().kind, ErrorKind::Usage) << option;
  }
}

TEST(LimitsTest, CompilingAcceptsOnlyWhatChangesTheCode) {
  RunLimits limits;
  EXPECT_TRUE(applyLimitOption("interruptible", limits, false));
  EXPECT_FALSE(applyLimitOption("timeout=1s", limits, false));
  EXPECT_FALSE(applyLimitOption("max-instances=1", limits, false));
}

} // namespace
} // namespace wasmc::tools
