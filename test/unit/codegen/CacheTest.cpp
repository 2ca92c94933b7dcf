// The compile cache (issue 14): keys cover the compiler's identity (a
// relinked plugin is another key) and the options; entries must carry the
// user's MAC, so a planted entry is replaced, not run; symlinks planted at
// the entry or its temporary file are never written through; a cache
// directory others can write, or another user owns, is not used.

#include "runtime/Artifact.h"
#include "runtime/Instance.h"
#include "runtime/Invoke.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "engine/Aot.h"
#include "engine/Cache.h"
#include "engine/CodegenLoader.h"
#include "test/unit/codegen/ModuleFixture.h"

#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace wasmc {
namespace {

std::vector<uint8_t> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

void writeFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> listDirectory(const std::string& path) {
  std::vector<std::string> names;
  if (DIR* dir = ::opendir(path.c_str())) {
    while (dirent* entry = ::readdir(dir))
      if (std::string(entry->d_name) != "." && std::string(entry->d_name) != "..")
        names.push_back(entry->d_name);
    ::closedir(dir);
  }
  return names;
}

class CacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    char pattern[] = "/tmp/wasmc-cache-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    root_ = pattern;
    for (const char* name : {"XDG_CACHE_HOME", "XDG_CONFIG_HOME"}) {
      const char* value = std::getenv(name);
      saved_.emplace_back(name, value ? std::optional<std::string>(value) : std::nullopt);
    }
    ::setenv("XDG_CACHE_HOME", (root_ + "/cache").c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (root_ + "/config").c_str(), 1);
    directory_ = root_ + "/cache/wasmc";
    module_ = readFile(WASMC_TRAPS_WASM);
    ASSERT_FALSE(module_.empty());
    entry_ = directory_ + "/" + engine::cacheKey(module_, options_, engine::compilerIdentity());
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name.c_str(), value->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
    std::string command = "rm -rf '" + root_ + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
  }
  /// Loads the module through the cache and checks that it divides.
  void runThroughCache() {
    auto loaded = engine::loadThroughCache(module_, options_);
    ASSERT_TRUE(loaded) << loaded.error().describe();
    test::expectDivides(*loaded);
  }

  std::string root_, directory_, entry_;
  std::vector<uint8_t> module_;
  codegen::Options options_{.optLevel = 1, .jobs = 1};
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(CacheKey, CoversCompilerIdentityAndOptions) {
  std::vector<uint8_t> wasm = {0, 'a', 's', 'm', 1, 0, 0, 0};
  std::vector<uint8_t> wasmcId(20, 1), pluginId(20, 2), relinkedPluginId(20, 3), llvmId(20, 4);
  auto identity = engine::compilerIdentityOf(wasmcId, pluginId, llvmId, "19.1.7");
  codegen::Options options;
  std::string key = engine::cacheKey(wasm, options, identity);
  EXPECT_EQ(key, engine::cacheKey(wasm, options, engine::compilerIdentityOf(wasmcId, pluginId, llvmId, "19.1.7")));
  // A relinked plugin, another libLLVM or LLVM version, another wasmc.
  EXPECT_NE(key, engine::cacheKey(wasm, options, engine::compilerIdentityOf(wasmcId, relinkedPluginId, llvmId, "19.1.7")));
  EXPECT_NE(key, engine::cacheKey(wasm, options, engine::compilerIdentityOf(wasmcId, pluginId, pluginId, "19.1.7")));
  EXPECT_NE(key, engine::cacheKey(wasm, options, engine::compilerIdentityOf(wasmcId, pluginId, llvmId, "19.1.0")));
  EXPECT_NE(key, engine::cacheKey(wasm, options, engine::compilerIdentityOf(llvmId, pluginId, llvmId, "19.1.7")));
  // No ambiguity between where one id ends and the next begins.
  EXPECT_NE(engine::compilerIdentityOf(std::vector<uint8_t>(21, 1), std::vector<uint8_t>(19, 1), llvmId, "v"),
            engine::compilerIdentityOf(std::vector<uint8_t>(20, 1), std::vector<uint8_t>(20, 1), llvmId, "v"));
  // Options that change code.
  for (codegen::Options other : {codegen::Options{.optLevel = 3}, codegen::Options{.cpu = "generic"},
                                 codegen::Options{.jobs = 977}, codegen::Options{.partitions = 5}})
    EXPECT_NE(key, engine::cacheKey(wasm, other, identity));
  // The module.
  std::vector<uint8_t> otherWasm = wasm;
  otherWasm.push_back(0);
  EXPECT_NE(key, engine::cacheKey(otherWasm, options, identity));
}

TEST_F(CacheTest, StoresAnAuthenticatedEntryInADirectoryOf0700) {
  runThroughCache();
  struct stat info;
  ASSERT_EQ(::stat(directory_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(::lstat(entry_.c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::vector<uint8_t> stored = readFile(entry_);
  runThroughCache(); // a hit: the entry stays as it was
  EXPECT_EQ(readFile(entry_), stored);
  EXPECT_EQ(listDirectory(directory_).size(), 1u);
}

// Regression (issue 14): an entry was accepted when its wasm bytes matched,
// so whoever could write the cache ran native code on the next hit.
TEST_F(CacheTest, PlantedEntryIsReplacedNotRun) {
  rt::ArtifactKey attacker = rt::ephemeralKey();
  auto planted = engine::compileArtifact(module_, options_, attacker);
  ASSERT_TRUE(planted) << planted.error().describe();
  ASSERT_EQ(::mkdir((root_ + "/cache").c_str(), 0700), 0);
  ASSERT_EQ(::mkdir(directory_.c_str(), 0700), 0);
  writeFile(entry_, *planted);
  runThroughCache();
  std::vector<uint8_t> stored = readFile(entry_);
  EXPECT_NE(stored, *planted);
  // What replaced it is authenticated with the user's key.
  auto key = rt::readUserKey();
  ASSERT_TRUE(key && *key);
  auto loaded = rt::loadArtifactBytes(stored, {.compilerId = engine::compilerIdentity(), .key = &**key});
  EXPECT_TRUE(loaded) << loaded.error().describe();
}

// Regression (issue 14): the temporary file was <entry>.tmp.<pid>, opened
// without O_EXCL|O_NOFOLLOW: a symlink planted there made wasmc overwrite
// its target. Symlinks at that name and at the entry itself stay untouched.
TEST_F(CacheTest, PlantedSymlinksAreNotFollowed) {
  ASSERT_EQ(::mkdir((root_ + "/cache").c_str(), 0700), 0);
  ASSERT_EQ(::mkdir(directory_.c_str(), 0700), 0);
  std::string victim = root_ + "/victim", victim2 = root_ + "/victim2";
  writeFile(victim, {'k', 'e', 'e', 'p'});
  writeFile(victim2, {'k', 'e', 'e', 'p'});
  std::string oldTemp = entry_ + ".tmp." + std::to_string(::getpid());
  ASSERT_EQ(::symlink(victim.c_str(), oldTemp.c_str()), 0);
  ASSERT_EQ(::symlink(victim2.c_str(), entry_.c_str()), 0);
  runThroughCache();
  EXPECT_EQ(readFile(victim), (std::vector<uint8_t>{'k', 'e', 'e', 'p'}));
  EXPECT_EQ(readFile(victim2), (std::vector<uint8_t>{'k', 'e', 'e', 'p'}));
  struct stat info;
  ASSERT_EQ(::lstat(entry_.c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode)); // the symlink itself was replaced
}

// Regression (issue 14): the cache directory was trusted whatever its mode.
TEST_F(CacheTest, DirectoryOthersCanWriteIsNotUsed) {
  ASSERT_EQ(::mkdir((root_ + "/cache").c_str(), 0700), 0);
  ASSERT_EQ(::mkdir(directory_.c_str(), 0700), 0);
  ASSERT_EQ(::chmod(directory_.c_str(), 0777), 0);
  auto refused = engine::openCacheDirectory(directory_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("writable by group or others"), std::string::npos);
  testing::internal::CaptureStderr();
  runThroughCache(); // on the JIT
  std::string warning = testing::internal::GetCapturedStderr();
  EXPECT_NE(warning.find("warning: compile cache"), std::string::npos) << warning;
  EXPECT_TRUE(listDirectory(directory_).empty());
}

TEST_F(CacheTest, DirectoryOfAnotherUserIsNotUsed) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to give the directory another owner";
  ASSERT_EQ(::mkdir((root_ + "/cache").c_str(), 0700), 0);
  ASSERT_EQ(::mkdir(directory_.c_str(), 0700), 0);
  ASSERT_EQ(::chown(directory_.c_str(), 12345, 12345), 0);
  auto refused = engine::openCacheDirectory(directory_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("owned by another user"), std::string::npos);
  testing::internal::CaptureStderr();
  runThroughCache();
  EXPECT_NE(testing::internal::GetCapturedStderr().find("owned by another user"), std::string::npos);
  EXPECT_TRUE(listDirectory(directory_).empty());
}

// A first run fills the cache in the background (tools/wasmc/CacheFill.h);
// runs of one module started together each start a fill, and one compiles.
TEST_F(CacheTest, OneFillPerEntryAtATime) {
  ASSERT_TRUE(engine::fillCache(module_, options_)) << "a first fill compiles";
  std::vector<std::string> names = listDirectory(directory_);
  ASSERT_EQ(names.size(), 1u) << "the entry, and no lock left behind";
  EXPECT_EQ(directory_ + "/" + names[0], entry_);
  ASSERT_TRUE(engine::fillCache(module_, options_)) << "a filled entry needs no fill";
  auto cached = engine::lookUpCache(module_, options_);
  ASSERT_TRUE(cached && *cached);
  test::expectDivides(*cached);

  // Another fill holds the lock: this one leaves it and the entry alone.
  ASSERT_EQ(::unlink(entry_.c_str()), 0);
  const std::string lock = entry_ + ".filling";
  writeFile(lock, {});
  Expected<void> refused = engine::fillCache(module_, options_);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("another wasmc"), std::string::npos) << refused.error().message;
  EXPECT_EQ(listDirectory(directory_).size(), 1u) << "only the other fill's lock";
  auto none = engine::lookUpCache(module_, options_);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, nullptr);

  // A lock an hour old is a fill that died: taken over.
  struct timespec old[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, lock.c_str(), old, 0), 0);
  ASSERT_TRUE(engine::fillCache(module_, options_));
  EXPECT_EQ(listDirectory(directory_), std::vector<std::string>{names[0]});
}

} // namespace
} // namespace wasmc
