// wasi/Protected.h: wasmc's private directories stay out of a guest's reach
// through every name the resolver can produce, under both resolvers.

#include "wasi/Paths.h"
#include "wasi/Protected.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace wasmc::wasi {
namespace {

/// root/home/.config/wasmc/key   root/home/.cache/wasmc/
/// root/keydir -> home/.config/wasmc   root/up -> home/.config/wasmc/..
class ProtectedTest : public ::testing::TestWithParam<ResolveStrategy> {
protected:
  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/wasmc-protected-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    for (const char* dir : {"root", "root/home", "root/home/.config", "root/home/.config/wasmc",
                            "root/home/.cache", "root/home/.cache/wasmc", "root/other"})
      ASSERT_EQ(::mkdir((base_ + "/" + dir).c_str(), 0700), 0) << dir;
    int fd = ::open((base_ + "/root/home/.config/wasmc/key").c_str(), O_CREAT | O_WRONLY, 0600);
    ASSERT_GE(fd, 0);
    ::close(fd);
    ASSERT_EQ(::symlink("home/.config/wasmc", (base_ + "/root/keydir").c_str()), 0);
    root_ = UniqueFd(::open((base_ + "/root").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(root_.valid());
    dirs_.add(base_ + "/root/home/.config/wasmc");
    dirs_.add(base_ + "/root/home/.cache/wasmc");
  }
  void TearDown() override { std::system(("rm -rf '" + base_ + "'").c_str()); }

  /// The answer a path_* call gets for `path`.
  Errno check(const std::string& path, bool follow = false, PathUse use = PathUse::Access) {
    ErrnoOr<ResolvedPath> resolved = resolvePath(root_.get(), path, follow, GetParam());
    if (!resolved)
      return resolved.error();
    return dirs_.check(resolved->dirFd, resolved->name, use);
  }

  std::string base_;
  UniqueFd root_;
  ProtectedDirectories dirs_;
};

TEST_P(ProtectedTest, EveryNameForTheKeyIsRefused) {
  EXPECT_EQ(check("home/.config/wasmc/key"), Errno::Acces);
  EXPECT_EQ(check("home/.config/wasmc"), Errno::Acces);
  EXPECT_EQ(check("home/.config/wasmc/"), Errno::Acces);
  EXPECT_EQ(check("home/.config/wasmc/."), Errno::Acces);
  EXPECT_EQ(check("keydir/key"), Errno::Acces);
  EXPECT_EQ(check("keydir", /*follow=*/true), Errno::Acces);
  EXPECT_EQ(check("home/../home/.config/wasmc/../wasmc/key"), Errno::Acces);
  EXPECT_EQ(check("home/.cache/wasmc/new-entry"), Errno::Acces);
}

TEST_P(ProtectedTest, ParentsCanBeUsedButNotMoved) {
  EXPECT_EQ(check("home/.config"), Errno::Success);
  EXPECT_EQ(check("home/.config/other"), Errno::Success);
  EXPECT_EQ(check("home"), Errno::Success);
  EXPECT_EQ(check("home/.config", false, PathUse::Move), Errno::Acces);
  EXPECT_EQ(check("home", false, PathUse::Move), Errno::Acces);
  EXPECT_EQ(check("home/.cache", false, PathUse::Move), Errno::Acces);
  // A symlink to the key directory is itself just a link: moving it is fine.
  EXPECT_EQ(check("keydir", false, PathUse::Move), Errno::Success);
  EXPECT_EQ(check("other", false, PathUse::Move), Errno::Success);
}

TEST_P(ProtectedTest, ContainsSeesDirectoriesBeneath) {
  UniqueFd deep(::open((base_ + "/root/home/.config/wasmc").c_str(), O_PATH | O_DIRECTORY));
  ASSERT_TRUE(deep.valid());
  EXPECT_TRUE(dirs_.contains(deep.get()));
  ASSERT_EQ(::mkdir((base_ + "/root/home/.cache/wasmc/sub").c_str(), 0700), 0);
  UniqueFd sub(::open((base_ + "/root/home/.cache/wasmc/sub").c_str(), O_PATH | O_DIRECTORY));
  EXPECT_TRUE(dirs_.contains(sub.get()));
  EXPECT_FALSE(dirs_.contains(root_.get()));
}

TEST(ProtectedDirectoriesTest, NothingProtectedChecksNothing) {
  ProtectedDirectories none;
  none.add("/nonexistent/wasmc-protected-test");
  EXPECT_TRUE(none.empty());
  UniqueFd root(::open("/", O_PATH | O_DIRECTORY));
  EXPECT_EQ(none.check(root.get(), "etc", PathUse::Move), Errno::Success);
}

INSTANTIATE_TEST_SUITE_P(Resolvers, ProtectedTest,
                         ::testing::Values(ResolveStrategy::Auto, ResolveStrategy::Walk),
                         [](const ::testing::TestParamInfo<ResolveStrategy>& info) {
                           return info.param == ResolveStrategy::Walk ? "Walk" : "Openat2";
                         });

} // namespace
} // namespace wasmc::wasi
