// The per-user artifact key: created once with mode 0600 under
// $XDG_CONFIG_HOME/wasmc, then read back; a key file anyone else could have
// written or read, a symlink, or a file of the wrong size is refused.

#include "runtime/ArtifactKey.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace wasmc::rt {
namespace {

class ArtifactKeyTest : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/wasmc-key-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    const char* previous = std::getenv("XDG_CONFIG_HOME");
    previous_ = previous ? std::optional<std::string>(previous) : std::nullopt;
    ::setenv("XDG_CONFIG_HOME", root_.c_str(), 1);
    keyPath_ = root_ + "/wasmc/artifact.key";
  }
  void TearDown() override {
    if (previous_)
      ::setenv("XDG_CONFIG_HOME", previous_->c_str(), 1);
    else
      ::unsetenv("XDG_CONFIG_HOME");
    std::string command = "rm -rf '" + root_ + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
  }
  std::string refusal() {
    auto key = readUserKey();
    return key ? "" : key.error().message;
  }

  std::string root_;
  std::string keyPath_;
  std::optional<std::string> previous_;
};

TEST_F(ArtifactKeyTest, CreatedOnceWithMode0600) {
  ASSERT_EQ(userKeyPath(), keyPath_);
  auto none = readUserKey();
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto created = loadOrCreateUserKey();
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->path, keyPath_);
  struct stat info;
  ASSERT_EQ(::stat(keyPath_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(info.st_size, 32);
  ASSERT_EQ(::stat((root_ + "/wasmc").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  auto again = loadOrCreateUserKey();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->bytes, created->bytes);
  EXPECT_NE(ephemeralKey().bytes, created->bytes);
}

TEST_F(ArtifactKeyTest, ConcurrentFirstUsesAgreeOnOneKey) {
  std::vector<std::array<uint8_t, 32>> keys(8);
  std::vector<std::thread> threads;
  for (auto& out : keys)
    threads.emplace_back([&out] {
      auto key = loadOrCreateUserKey();
      EXPECT_TRUE(key) << key.error().message;
      if (key)
        out = key->bytes;
    });
  for (std::thread& thread : threads)
    thread.join();
  for (const auto& key : keys)
    EXPECT_EQ(key, keys[0]);
}

TEST_F(ArtifactKeyTest, RefusesAKeyOthersCanReadOrWrite) {
  ASSERT_TRUE(loadOrCreateUserKey());
  ASSERT_EQ(::chmod(keyPath_.c_str(), 0644), 0);
  EXPECT_NE(refusal().find("readable or writable by group or others"), std::string::npos) << refusal();
  EXPECT_FALSE(loadOrCreateUserKey()); // never silently replaced
  ASSERT_EQ(::chmod(keyPath_.c_str(), 0620), 0);
  EXPECT_NE(refusal().find("group or others"), std::string::npos) << refusal();
}

TEST_F(ArtifactKeyTest, RefusesASymlinkAndAWrongSize) {
  ASSERT_TRUE(loadOrCreateUserKey());
  std::string real = root_ + "/real.key";
  ASSERT_EQ(::rename(keyPath_.c_str(), real.c_str()), 0);
  ASSERT_EQ(::symlink(real.c_str(), keyPath_.c_str()), 0);
  EXPECT_NE(refusal().find("symbolic link"), std::string::npos) << refusal();
  ASSERT_EQ(::unlink(keyPath_.c_str()), 0);
  {
    std::ofstream out(keyPath_);
    out << "short";
  }
  ASSERT_EQ(::chmod(keyPath_.c_str(), 0600), 0);
  EXPECT_NE(refusal().find("not 32 bytes"), std::string::npos) << refusal();
}

TEST_F(ArtifactKeyTest, RefusesAKeyOwnedBySomeoneElse) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to give the key file another owner";
  ASSERT_TRUE(loadOrCreateUserKey());
  ASSERT_EQ(::chown(keyPath_.c_str(), 12345, 12345), 0);
  EXPECT_NE(refusal().find("owned by another user"), std::string::npos) << refusal();
}

} // namespace
} // namespace wasmc::rt
