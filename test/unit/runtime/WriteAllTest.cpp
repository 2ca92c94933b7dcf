#include "runtime/WriteAll.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <thread>
#include <cstring>
#include <vector>

namespace wasmc::rt {
namespace {

std::vector<uint8_t> contents(int fd) {
  std::vector<uint8_t> out(static_cast<size_t>(::lseek(fd, 0, SEEK_END)));
  EXPECT_EQ(::pread(fd, out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  return out;
}

TEST(WriteAll, WritesEveryByteOfABufferLargerThanAPipeTakesAtOnce) {
  // A pipe takes at most 64 KiB per write: the loop must go on.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::vector<uint8_t> bytes(1 << 20);
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<uint8_t>(i * 7);
  std::vector<uint8_t> got;
  std::thread reader([&] {
    uint8_t chunk[4096];
    ssize_t n;
    while ((n = ::read(fds[0], chunk, sizeof chunk)) > 0)
      got.insert(got.end(), chunk, chunk + n);
  });
  EXPECT_TRUE(writeAll(fds[1], bytes));
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  EXPECT_EQ(got, bytes);
}

TEST(WriteAll, WritesAtTheOffsetAndLeavesThePositionAlone) {
  int fd = ::memfd_create("write-all-test", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  const uint8_t head[] = {1, 2, 3};
  const uint8_t tail[] = {9, 8};
  ASSERT_TRUE(writeAll(fd, head));
  ASSERT_TRUE(writeAllAt(fd, tail, 10));
  EXPECT_EQ(::lseek(fd, 0, SEEK_CUR), 3);
  EXPECT_EQ(contents(fd), (std::vector<uint8_t>{1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 9, 8}));
  ::close(fd);
}

TEST(WriteAll, FailsOnAClosedOrReadOnlyDescriptor) {
  const uint8_t byte[] = {0};
  EXPECT_FALSE(writeAll(-1, byte));
  EXPECT_FALSE(writeAllAt(-1, byte, 0));
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_FALSE(writeAll(fds[0], byte)); // the read end
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(WriteAll, AnEmptyBufferWritesNothingAndSucceeds) {
  EXPECT_TRUE(writeAll(-1, {}));
}

} // namespace
} // namespace wasmc::rt
