// Store limits (issue 17): each count and size refuses the one past it,
// grows stop at the per-table limit, and limits apply from setLimits on.

#include "runtime/Store.h"

#include <gtest/gtest.h>

namespace wasmc::rt {
namespace {

wasm::TableType funcTable(uint32_t min) {
  return wasm::TableType{wasm::ValType::FuncRef, wasm::Limits{min, 0, false}};
}

wasm::MemoryType memoryOf(uint32_t minPages) { return wasm::MemoryType{wasm::Limits{minPages, 0, false}}; }

bool mentions(const Error& error, const std::string& text) { return error.message.find(text) != std::string::npos; }

TEST(StoreLimitsTest, TableCountRefusesTheOnePastIt) {
  Store store;
  store.setLimits(StoreLimits{.tables = 2});
  ASSERT_TRUE(store.createTable(funcTable(1)));
  ASSERT_TRUE(store.createTable(funcTable(1)));
  auto third = store.createTable(funcTable(1));
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().kind, ErrorKind::Uninstantiable);
  EXPECT_TRUE(mentions(third.error(), "limit of 2 tables")) << third.error().message;
}

TEST(StoreLimitsTest, MemoryCountAndSize) {
  Store store;
  store.setLimits(StoreLimits{.memoryBytes = 2 * kWasmPageSize, .memories = 1});
  auto tooBig = store.createMemory(memoryOf(3));
  ASSERT_FALSE(tooBig);
  EXPECT_TRUE(mentions(tooBig.error(), "memory limit of 131072 bytes")) << tooBig.error().message;
  auto memory = store.createMemory(memoryOf(1));
  ASSERT_TRUE(memory);
  EXPECT_EQ((*memory)->memory->grow(1), 1);
  EXPECT_EQ((*memory)->memory->grow(1), -1); // the size limit is also the grow limit
  auto second = store.createMemory(memoryOf(0));
  ASSERT_FALSE(second);
  EXPECT_TRUE(mentions(second.error(), "limit of 1 memories")) << second.error().message;
}

TEST(StoreLimitsTest, ALimitSetLaterBoundsTheGrowthOfAnOlderMemory) {
  Store store;
  auto memory = store.createMemory(memoryOf(1));
  ASSERT_TRUE(memory);
  store.setLimits(StoreLimits{.memoryBytes = 2 * kWasmPageSize});
  EXPECT_EQ(store.growMemory(*(*memory)->memory, 2), -1);
  EXPECT_EQ(store.growMemory(*(*memory)->memory, 1), 1);
  EXPECT_EQ((*memory)->memory->pages(), 2u);
}

TEST(StoreLimitsTest, TableElementsBoundCreationAndGrowth) {
  Store store;
  store.setLimits(StoreLimits{.tableElements = 10});
  auto refused = store.createTable(funcTable(11));
  ASSERT_FALSE(refused);
  EXPECT_TRUE(mentions(refused.error(), "limit of 10 elements per table")) << refused.error().message;
  auto table = store.createTable(funcTable(4));
  ASSERT_TRUE(table);
  EXPECT_EQ((*table)->grow(6, nullptr), 4);
  EXPECT_EQ((*table)->grow(1, nullptr), -1);
  EXPECT_EQ((*table)->size(), 10u);
}

TEST(StoreLimitsTest, TotalTableElementsAreSharedByAllTables) {
  Store store;
  store.setLimits(StoreLimits{.totalTableElements = 100});
  auto first = store.createTable(funcTable(60));
  ASSERT_TRUE(first);
  EXPECT_FALSE(store.createTable(funcTable(41)));
  auto second = store.createTable(funcTable(40));
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)->grow(1, nullptr), -1);
}

TEST(StoreLimitsTest, InstanceLimitIsCheckedBeforeAnyWork) {
  Store store;
  EXPECT_TRUE(store.checkInstanceLimit());
  store.setLimits(StoreLimits{.instances = 0});
  auto refused = store.checkInstanceLimit();
  ASSERT_FALSE(refused);
  EXPECT_TRUE(mentions(refused.error(), "limit of 0 instances")) << refused.error().message;
}

TEST(StoreLimitsTest, MaxWasmStackReachesTheRecordTheRuntimeReads) {
  Store store;
  EXPECT_EQ(store.record()->maxWasmStack, 0u);
  store.setLimits(StoreLimits{.maxWasmStack = 65536});
  EXPECT_EQ(store.record()->maxWasmStack, 65536u);
}

} // namespace
} // namespace wasmc::rt
