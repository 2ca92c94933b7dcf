#include "runtime/OffsetTableFormat.h"

#include <gtest/gtest.h>

#include <random>

namespace wasmc::rt {
namespace {

bool sameTables(const OffsetTableList& a, const OffsetTableList& b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != b[i].size())
      return false;
    for (size_t j = 0; j < a[i].size(); ++j)
      if (a[i][j].pc != b[i][j].pc || a[i][j].offset != b[i][j].offset)
        return false;
  }
  return true;
}

TEST(OffsetTableFormat, RoundTripsEveryShapeOfTable) {
  // Empty functions, offsets going down (code laid out out of order),
  // and the extremes of both fields.
  OffsetTableList tables = {{},
                            {{0, 0x30}, {4, 0x35}, {9, 0x31}, {200, 0x1000}},
                            {},
                            {{0, 0xffffffff}, {0xffffffff, 0}},
                            {{7, 1}}};
  std::vector<uint8_t> bytes = encodeOffsetTables(tables);
  std::optional<OffsetTableList> back = decodeOffsetTables(bytes, tables.size());
  ASSERT_TRUE(back);
  EXPECT_TRUE(sameTables(*back, tables));
}

TEST(OffsetTableFormat, SmallStepsTakeAFewBytesARow) {
  OffsetTableList tables(1);
  for (uint32_t i = 0; i < 1000; ++i)
    tables[0].push_back({i * 5, 0x10000 + i * 3});
  std::vector<uint8_t> bytes = encodeOffsetTables(tables);
  EXPECT_LT(bytes.size(), sizeof(abi::OffsetTables) + 8 + 1000 * 2 + 8);
  EXPECT_TRUE(sameTables(*decodeOffsetTables(bytes, 1), tables));
}

TEST(OffsetTableFormat, RefusesTablesForAnotherModuleOrOfTheWrongSize) {
  std::vector<uint8_t> bytes = encodeOffsetTables({{{0, 9}}, {{1, 12}}});
  EXPECT_FALSE(decodeOffsetTables(bytes, 3));
  std::vector<uint8_t> shorter(bytes.begin(), bytes.end() - 1);
  EXPECT_FALSE(decodeOffsetTables(shorter, 2));
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(decodeOffsetTables(longer, 2));
  EXPECT_FALSE(decodeOffsetTables({}, 0));
}

TEST(OffsetTableFormat, NeverReadsPastItsBytesWhateverTheyHold) {
  // Every corruption of a valid encoding decodes or is refused, without
  // reading outside the span (ASan builds check the reads).
  OffsetTableList tables = {{{0, 0x40}, {3, 0x44}, {130, 0x2000}}, {}, {{1, 2}}};
  std::vector<uint8_t> good = encodeOffsetTables(tables);
  std::mt19937 random(7);
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<uint8_t> bytes = good;
    for (int flips = 1 + trial % 3; flips > 0; --flips)
      bytes[random() % bytes.size()] ^= static_cast<uint8_t>(1u << (random() % 8));
    auto heap = std::make_unique<uint8_t[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), heap.get());
    std::optional<OffsetTableList> decoded = decodeOffsetTables({heap.get(), bytes.size()}, tables.size());
    if (decoded)
      EXPECT_EQ(decoded->size(), tables.size());
  }
}

} // namespace
} // namespace wasmc::rt
