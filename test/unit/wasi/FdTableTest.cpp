// The guest's fd table: inherited stdio is described when the guest first
// uses it (a context the guest never touches costs no system call), as it
// is then; a host fd closed by then is closed for the guest too, and its
// number is the lowest free one for the next open.

#include "wasi/Fds.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

namespace wasmc::wasi {
namespace {

/// Puts the host's fd 0 back when the test is done with it.
struct SavedStdin {
  SavedStdin() : saved(dup(0)) {}
  ~SavedStdin() {
    dup2(saved, 0);
    close(saved);
  }
  int saved;
};

FdEntry someFile() {
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ErrnoOr<FdEntry> entry = describeHostFd(UniqueFd(fd), fd);
  EXPECT_TRUE(entry);
  return entry ? std::move(*entry) : FdEntry{};
}

TEST(FdTable, InheritedStdioIsDescribedAtFirstUse) {
  SavedStdin saved;
  // fd 0 a pipe when the table is made, /dev/null by the first use.
  int pipeFds[2];
  ASSERT_EQ(pipe(pipeFds), 0);
  ASSERT_EQ(dup2(pipeFds[0], 0), 0);
  FdTable table;
  table.insertInherited(0);
  int null = open("/dev/null", O_RDONLY);
  ASSERT_EQ(dup2(null, 0), 0);
  ErrnoOr<FdEntry*> entry = table.get(0);
  ASSERT_TRUE(entry);
  EXPECT_EQ((*entry)->hostFd, 0);
  EXPECT_EQ((*entry)->type, Filetype::CharacterDevice) << "described when made, not when used";
  EXPECT_FALSE((*entry)->owned.valid()) << "inherited stdio is borrowed";
  close(null);
  close(pipeFds[0]);
  close(pipeFds[1]);
}

TEST(FdTable, AClosedInheritedFdIsClosedAndItsNumberFree) {
  SavedStdin saved;
  FdTable table;
  table.insertInherited(0);
  close(0);
  EXPECT_EQ(table.get(0).error(), Errno::Badf);
  // Opened before fd 0 is closed: borrowed stdio is a host fd number, which
  // the host could give to another file before the guest's first use.
  ASSERT_EQ(dup2(saved.saved, 0), 0);
  FdEntry file = someFile();
  FdTable other;
  other.insertInherited(0);
  other.insertInherited(1);
  close(0);
  ErrnoOr<uint32_t> fd = other.insert(std::move(file));
  ASSERT_TRUE(fd);
  EXPECT_EQ(*fd, 0u) << "the lowest number the guest does not hold";
  EXPECT_EQ(other.close(1), Errno::Success) << "host stdout is open";
  EXPECT_EQ(other.get(1).error(), Errno::Badf);
}

TEST(FdTable, AnEntryPlacedOverAnInheritedOneReplacesIt) {
  FdTable table;
  table.insertInherited(1);
  table.insertAt(1, someFile());
  ErrnoOr<FdEntry*> entry = table.get(1);
  ASSERT_TRUE(entry);
  EXPECT_TRUE((*entry)->owned.valid()) << "the inherited stdout came back over the embedder's";
  EXPECT_NE((*entry)->hostFd, 1);
}

} // namespace
} // namespace wasmc::wasi
