// Tables: growth within the declared maximum, the per-table implementation
// limit, and the store-wide budget that bounds what all of a store's tables
// hold together (issue 14 F8: 8 tables of 10M elements from a 59-byte
// module took 689 MB).

#include "runtime/Store.h"

#include <gtest/gtest.h>

namespace wasmc::rt {
namespace {

wasm::TableType funcTable(uint32_t min) {
  return wasm::TableType{wasm::ValType::FuncRef, wasm::Limits{min, 0, false}};
}

TEST(TableTest, TablesOfOneStoreShareOneBudget) {
  Store store;
  auto first = store.createTable(funcTable(Table::kMaxStoreTableElements - 100));
  ASSERT_TRUE(first);
  auto second = store.createTable(funcTable(101));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::Uninstantiable);
  EXPECT_NE(second.error().message.find("exceeds the store's limit"), std::string::npos);
  auto third = store.createTable(funcTable(60));
  ASSERT_TRUE(third);
  EXPECT_EQ((*third)->grow(40, nullptr), 60);
  EXPECT_EQ((*third)->grow(1, nullptr), -1); // the budget is used up
  EXPECT_EQ((*first)->grow(1, nullptr), -1);
  EXPECT_EQ((*third)->size(), 100u);
}

TEST(TableTest, AnotherStoreHasItsOwnBudget) {
  Store full;
  ASSERT_TRUE(full.createTable(funcTable(Table::kMaxStoreTableElements)));
  Store fresh;
  auto table = fresh.createTable(funcTable(1000));
  ASSERT_TRUE(table);
  EXPECT_EQ((*table)->grow(1000, nullptr), 1000);
}

} // namespace
} // namespace wasmc::rt
