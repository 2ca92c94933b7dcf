// The WASI sandbox resolver (wasi/Paths.h), under openat2 and under the
// fallback walk: both must give the same answers, and neither may reach
// outside the root directory.

#include "wasi/Paths.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace wasmc::wasi {
namespace {

/// root/ (the sandbox) and outside/ side by side in a fresh temp directory:
///   root/file  root/a/b/c/  root/a/b/file2
///   root/link -> file       root/dirlink -> a/b   root/chain -> dirlink
///   root/esc -> ../outside  root/absdir -> <abs>/outside
///   root/loop1 -> loop2 -> loop1
///   outside/secret
class PathsTest : public ::testing::TestWithParam<ResolveStrategy> {
protected:
  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/wasmc-paths-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    mkdir("root");
    mkdir("root/a");
    mkdir("root/a/b");
    mkdir("root/a/b/c");
    mkdir("outside");
    write("root/file");
    write("root/a/b/file2");
    write("outside/secret");
    symlink("file", "root/link");
    symlink("a/b", "root/dirlink");
    symlink("dirlink", "root/chain");
    symlink("../outside", "root/esc");
    symlink((base_ + "/outside").c_str(), "root/absdir");
    symlink("loop2", "root/loop1");
    symlink("loop1", "root/loop2");
    root_ = ::open((base_ + "/root").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(root_, 0);
  }

  void TearDown() override {
    if (root_ >= 0)
      ::close(root_);
    std::string command = "rm -rf '" + base_ + "'";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }

  void mkdir(const std::string& path) { ASSERT_EQ(::mkdir((base_ + "/" + path).c_str(), 0755), 0); }
  void write(const std::string& path) {
    int fd = ::open((base_ + "/" + path).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "data", 4), 4);
    ::close(fd);
  }
  void symlink(const char* target, const std::string& path) {
    ASSERT_EQ(::symlink(target, (base_ + "/" + path).c_str()), 0);
  }

  /// True if `fd` is the directory at `path` (relative to the temp dir).
  bool isDirectory(int fd, const std::string& path) {
    struct stat a, b;
    return ::fstat(fd, &a) == 0 && ::stat((base_ + "/" + path).c_str(), &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  }

  ErrnoOr<ResolvedPath> resolve(const std::string& path, bool follow) {
    return resolvePath(root_, path, follow, GetParam());
  }
  /// The errno of resolving and then opening `path` read-only.
  Errno openErrno(const std::string& path, bool follow, int flags = O_RDONLY) {
    ErrnoOr<ResolvedPath> resolved = resolve(path, follow);
    if (!resolved)
      return resolved.error();
    ErrnoOr<UniqueFd> fd = openResolved(*resolved, flags, 0644, GetParam());
    return fd ? Errno::Success : fd.error();
  }

  std::string base_;
  int root_ = -1;
};

TEST_P(PathsTest, GuestPathsAreCheckedFirst) {
  EXPECT_EQ(checkGuestPath(""), Errno::NoEnt);
  EXPECT_EQ(checkGuestPath(std::string_view("a\0b", 3)), Errno::Inval);
  EXPECT_EQ(checkGuestPath("/etc/passwd"), Errno::NotCapable);
  EXPECT_EQ(checkGuestPath(std::string(kMaxGuestPath + 1, 'a')), Errno::NameTooLong);
  EXPECT_EQ(checkGuestPath("a/b"), Errno::Success);
  EXPECT_EQ(resolve("/file", false).error(), Errno::NotCapable);
  EXPECT_EQ(resolve(std::string("file\0", 5), false).error(), Errno::Inval);
}

TEST_P(PathsTest, SplitsIntoParentDirectoryAndName) {
  auto resolved = resolve("a/b/file2", false);
  ASSERT_TRUE(resolved);
  EXPECT_TRUE(isDirectory(resolved->dirFd, "root/a/b"));
  EXPECT_EQ(resolved->name, "file2");
  EXPECT_FALSE(resolved->trailingSlash);

  auto single = resolve("file", false);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->dirFd, root_); // no syscall for the root itself
  EXPECT_EQ(single->name, "file");
}

TEST_P(PathsTest, DotDotMayNotLeaveTheRoot) {
  auto inside = resolve("a/b/../b/./file2", false);
  ASSERT_TRUE(inside);
  EXPECT_TRUE(isDirectory(inside->dirFd, "root/a/b"));
  for (const char* path : {"..", "../outside/secret", "a/../..", "a/b/../../../outside/secret",
                           "./a/./../../outside", "a/b/c/../../../../root/file"})
    EXPECT_EQ(resolve(path, false).error(), Errno::NotCapable) << path;
}

TEST_P(PathsTest, PathsEndingInDotOrDotDotNameTheDirectoryItself) {
  auto up = resolve("a/..", false);
  ASSERT_TRUE(up);
  EXPECT_TRUE(isDirectory(up->dirFd, "root"));
  EXPECT_EQ(up->name, ".");
  auto dot = resolve("a/b/.", false);
  ASSERT_TRUE(dot);
  EXPECT_TRUE(isDirectory(dot->dirFd, "root/a/b"));
  EXPECT_EQ(dot->name, ".");
}

TEST_P(PathsTest, AFinalSymlinkIsFollowedOnlyWhenAsked) {
  auto link = resolve("link", false);
  ASSERT_TRUE(link);
  EXPECT_EQ(link->name, "link");
  EXPECT_EQ(openErrno("link", false), Errno::Loop); // O_NOFOLLOW on the link itself
  auto target = resolve("link", true);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->name, "file");
  EXPECT_EQ(openErrno("link", true), Errno::Success);
}

TEST_P(PathsTest, SymlinksInsideTheRootAreFollowed) {
  for (const char* path : {"dirlink/file2", "chain/file2", "chain/c/../file2"}) {
    auto resolved = resolve(path, false);
    ASSERT_TRUE(resolved) << path;
    EXPECT_TRUE(isDirectory(resolved->dirFd, "root/a/b")) << path;
    EXPECT_EQ(resolved->name, "file2");
  }
  EXPECT_EQ(openErrno("chain/file2", false), Errno::Success);
}

TEST_P(PathsTest, SymlinksLeadingOutsideAreNotCapable) {
  EXPECT_EQ(resolve("esc/secret", false).error(), Errno::NotCapable);
  EXPECT_EQ(resolve("absdir/secret", false).error(), Errno::NotCapable);
  EXPECT_EQ(resolve("esc", true).error(), Errno::NotCapable);
  EXPECT_EQ(resolve("absdir", true).error(), Errno::NotCapable);
  EXPECT_EQ(resolve("esc/", false).error(), Errno::NotCapable); // a trailing slash follows
  // Not following the final link is fine: the link itself is inside.
  EXPECT_TRUE(resolve("esc", false));
  // A link made after the fact (as a guest could) is no different.
  symlink("a/../../outside/secret", "root/made");
  EXPECT_EQ(resolve("made", true).error(), Errno::NotCapable);
  EXPECT_EQ(openErrno("made", true, O_WRONLY | O_CREAT | O_TRUNC), Errno::NotCapable);
  symlink("../outside/new", "root/dangling");
  EXPECT_EQ(openErrno("dangling", true, O_WRONLY | O_CREAT), Errno::NotCapable);
  struct stat info;
  EXPECT_NE(::stat((base_ + "/outside/new").c_str(), &info), 0);
  EXPECT_EQ(::stat((base_ + "/outside/secret").c_str(), &info), 0);
  EXPECT_EQ(info.st_size, 4);
}

TEST_P(PathsTest, SymlinkLoopsAreLoop) {
  EXPECT_EQ(resolve("loop1", true).error(), Errno::Loop);
  EXPECT_EQ(resolve("loop1/x", false).error(), Errno::Loop);
  EXPECT_TRUE(resolve("loop1", false)); // the link itself
}

TEST_P(PathsTest, TrailingSlashesMeanADirectory) {
  auto dir = resolve("a/", false);
  ASSERT_TRUE(dir);
  EXPECT_EQ(dir->name, "a");
  EXPECT_TRUE(dir->trailingSlash);
  EXPECT_EQ(openErrno("a//", false), Errno::Success);
  EXPECT_EQ(openErrno("file/", false), Errno::NotDir);
  EXPECT_EQ(openErrno("newfile/", false, O_WRONLY | O_CREAT), Errno::IsDir);
  auto followed = resolve("dirlink/", false);
  ASSERT_TRUE(followed);
  EXPECT_TRUE(isDirectory(followed->dirFd, "root/a"));
  EXPECT_EQ(followed->name, "b");
}

TEST_P(PathsTest, OpenDirectoryBeneath) {
  auto root = openDirectoryBeneath(root_, "", GetParam());
  ASSERT_TRUE(root);
  EXPECT_TRUE(isDirectory(root->get(), "root"));
  auto nested = openDirectoryBeneath(root_, "chain/c", GetParam());
  ASSERT_TRUE(nested);
  EXPECT_TRUE(isDirectory(nested->get(), "root/a/b/c"));
  EXPECT_EQ(openDirectoryBeneath(root_, "file", GetParam()).error(), Errno::NotDir);
  EXPECT_EQ(openDirectoryBeneath(root_, "nothere", GetParam()).error(), Errno::NoEnt);
  EXPECT_EQ(openDirectoryBeneath(root_, "a/../..", GetParam()).error(), Errno::NotCapable);
}

INSTANTIATE_TEST_SUITE_P(Strategies, PathsTest,
                         ::testing::Values(ResolveStrategy::Auto, ResolveStrategy::Openat2,
                                           ResolveStrategy::Walk),
                         [](const ::testing::TestParamInfo<ResolveStrategy>& info) {
                           switch (info.param) {
                           case ResolveStrategy::Auto: return "Auto";
                           case ResolveStrategy::Openat2: return "Openat2";
                           case ResolveStrategy::Walk: return "Walk";
                           }
                           return "Unknown";
                         });

} // namespace
} // namespace wasmc::wasi
