// WrittenPages (PAGEMAP_SCAN): a pooled memory's reset trusts it to name
// every page the last instance wrote, so each kind of page is checked:
// written anonymous pages are named, pages only read (the zero page) and
// pages never touched are not; a private file mapping's pages are named
// once written (their copy-on-write copies) and not while still the
// file's; too many pages or ranges is "unknown", never a short answer.

#include "runtime/WrittenPages.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vector>

namespace wasmc::rt {
namespace {

constexpr size_t kPage = 4096;

struct Mapping {
  explicit Mapping(size_t pages, int fd = -1)
      : size(pages * kPage),
        base(static_cast<uint8_t*>(mmap(nullptr, size, PROT_READ | PROT_WRITE,
                                         fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_PRIVATE, fd, 0))) {}
  ~Mapping() { munmap(base, size); }
  uintptr_t start() const { return reinterpret_cast<uintptr_t>(base); }
  size_t size;
  uint8_t* base;
};

std::vector<std::pair<size_t, size_t>> pagesOf(const Mapping& m, std::optional<size_t> count,
                                               const PageRange* ranges) {
  std::vector<std::pair<size_t, size_t>> pages;
  for (size_t i = 0; count && i < *count; ++i)
    pages.emplace_back((ranges[i].start - m.start()) / kPage, (ranges[i].end - m.start()) / kPage);
  return pages;
}

TEST(WrittenPages, NamesWrittenAnonymousPagesOnly) {
  if (!writtenPagesSupported())
    GTEST_SKIP() << "no PAGEMAP_SCAN on this kernel (Linux 6.7)";
  Mapping m(8);
  ASSERT_NE(m.base, MAP_FAILED);
  m.base[0] = 1;
  m.base[3 * kPage + 100] = 1;
  m.base[4 * kPage] = 1;
  volatile uint8_t read = m.base[6 * kPage]; // the zero page
  (void)read;
  PageRange ranges[8];
  auto count = writtenPages(m.start(), m.start() + m.size, ranges, m.size);
  ASSERT_TRUE(count);
  EXPECT_EQ(pagesOf(m, count, ranges), (std::vector<std::pair<size_t, size_t>>{{0, 1}, {3, 5}}));
}

TEST(WrittenPages, NamesAFileMappingsPagesOnceCopied) {
  if (!writtenPagesSupported())
    GTEST_SKIP() << "no PAGEMAP_SCAN on this kernel (Linux 6.7)";
  int fd = memfd_create("written-pages-test", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::vector<uint8_t> bytes(4 * kPage, 7);
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()), ssize_t(bytes.size()));
  Mapping m(4, fd);
  ASSERT_NE(m.base, MAP_FAILED);
  volatile uint8_t read = m.base[kPage]; // the file's page, mapped
  (void)read;
  m.base[2 * kPage] = 1; // copied
  PageRange ranges[8];
  auto count = writtenPages(m.start(), m.start() + m.size, ranges, m.size);
  ASSERT_TRUE(count);
  EXPECT_EQ(pagesOf(m, count, ranges), (std::vector<std::pair<size_t, size_t>>{{2, 3}}));
  close(fd);
}

TEST(WrittenPages, TooManyPagesOrRangesIsUnknown) {
  if (!writtenPagesSupported())
    GTEST_SKIP() << "no PAGEMAP_SCAN on this kernel (Linux 6.7)";
  Mapping m(16);
  ASSERT_NE(m.base, MAP_FAILED);
  for (size_t page = 0; page < 16; page += 2)
    m.base[page * kPage] = 1; // 8 ranges of one page
  PageRange ranges[8];
  EXPECT_TRUE(writtenPages(m.start(), m.start() + m.size, ranges, 8 * kPage));
  EXPECT_FALSE(writtenPages(m.start(), m.start() + m.size, ranges, 7 * kPage)) << "more bytes than allowed";
  EXPECT_FALSE(writtenPages(m.start(), m.start() + m.size, std::span(ranges, 7), 8 * kPage))
      << "more ranges than room";
}

} // namespace
} // namespace wasmc::rt
