// .cwasm artifacts: a compiled artifact loads and runs; a foreign, stale,
// truncated or corrupted one is refused with a one-line error before any of
// its code is mapped (1,000 random corruptions, none crash).

#include "runtime/Artifact.h"
#include "runtime/Instance.h"
#include "runtime/Invoke.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "tools/wasmc/Aot.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

namespace wasmc {
namespace {

std::vector<uint8_t> readModule() {
  std::ifstream in(WASMC_TRAPS_WASM, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

const std::vector<uint8_t>& artifact() {
  static std::vector<uint8_t> bytes = [] {
    auto compiled = tools::compileArtifact(readModule(), codegen::Options{});
    EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
    return compiled ? *compiled : std::vector<uint8_t>{};
  }();
  return bytes;
}

/// Writes `bytes` to a temporary .cwasm and loads it.
Expected<std::shared_ptr<const rt::CompiledModule>> load(const std::vector<uint8_t>& bytes) {
  char path[] = "/tmp/wasmc-artifact-test-XXXXXX";
  int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
  auto loaded = rt::loadArtifact(path);
  ::unlink(path);
  return loaded;
}

size_t headerOffset(const std::vector<uint8_t>& bytes) {
  auto section = rt::findElfSection(bytes, abi::kArtifactSection);
  EXPECT_TRUE(section);
  return static_cast<size_t>(section->data() - bytes.data());
}

std::string loadError(const std::vector<uint8_t>& bytes) {
  auto loaded = load(bytes);
  return loaded ? "" : loaded.error().message;
}

TEST(Artifact, LoadsAndRuns) {
  auto loaded = load(artifact());
  ASSERT_TRUE(loaded) << loaded.error().describe();
  rt::Store store;
  rt::Linker linker;
  auto instance = rt::Instance::instantiate(store, *loaded, linker);
  ASSERT_TRUE(instance) << instance.error().describe();
  const rt::Extern* divide = (*instance)->findExport("divide");
  ASSERT_NE(divide, nullptr);
  rt::CallResult ok = rt::callFunction(store, *divide->func, {{rt::Value::i32(12), rt::Value::i32(4)}});
  ASSERT_FALSE(ok.trap);
  EXPECT_EQ(ok.values[0].asI32(), 3u);
  rt::CallResult trapped = rt::callFunction(store, *divide->func, {{rt::Value::i32(1), rt::Value::i32(0)}});
  ASSERT_TRUE(trapped.trap);
  EXPECT_EQ(trapped.trap->message(), "integer divide by zero");
  ASSERT_FALSE(trapped.trap->backtrace.empty());
}

// Regression: a path without a slash made dlopen search the library path.
TEST(Artifact, LoadsFromAPathWithoutASlash) {
  char dir[] = "/tmp/wasmc-artifact-dir-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  char previous[4096];
  ASSERT_NE(::getcwd(previous, sizeof previous), nullptr);
  ASSERT_EQ(::chdir(dir), 0);
  {
    std::ofstream out("plain.cwasm", std::ios::binary);
    out.write(reinterpret_cast<const char*>(artifact().data()), static_cast<std::streamsize>(artifact().size()));
  }
  auto loaded = rt::loadArtifact("plain.cwasm");
  EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().describe());
  ::unlink("plain.cwasm");
  ASSERT_EQ(::chdir(previous), 0);
  ::rmdir(dir);
}

TEST(Artifact, RefusesWrongMagic) {
  std::vector<uint8_t> bytes = artifact();
  bytes[headerOffset(bytes)] ^= 0xFF;
  EXPECT_NE(loadError(bytes).find("bad magic"), std::string::npos) << loadError(bytes);
}

TEST(Artifact, RefusesOtherFormatVersion) {
  std::vector<uint8_t> bytes = artifact();
  uint32_t version = abi::kArtifactFormatVersion + 1;
  std::memcpy(bytes.data() + headerOffset(bytes) + offsetof(abi::ArtifactHeader, formatVersion), &version, 4);
  EXPECT_NE(loadError(bytes).find("recompile"), std::string::npos) << loadError(bytes);
}

TEST(Artifact, RefusesOtherBuildId) {
  std::vector<uint8_t> bytes = artifact();
  bytes[headerOffset(bytes) + offsetof(abi::ArtifactHeader, buildId)] ^= 1;
  EXPECT_NE(loadError(bytes).find("another wasmc build"), std::string::npos) << loadError(bytes);
}

TEST(Artifact, RefusesMissingCpuFeatures) {
  std::vector<uint8_t> bytes = artifact();
  uint64_t all = ~uint64_t(0);
  std::memcpy(bytes.data() + headerOffset(bytes) + offsetof(abi::ArtifactHeader, requiredFeatures), &all, 8);
  EXPECT_NE(loadError(bytes).find("CPU features"), std::string::npos) << loadError(bytes);
}

TEST(Artifact, RefusesTruncatedAndNonElfFiles) {
  std::vector<uint8_t> bytes = artifact();
  for (size_t size : {size_t(0), size_t(3), size_t(64), bytes.size() / 2, bytes.size() - 1}) {
    std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + size);
    EXPECT_FALSE(loadError(truncated).empty()) << size;
  }
  EXPECT_FALSE(loadError(readModule()).empty());
}

TEST(Artifact, ThousandRandomCorruptionsAreRefused) {
  const std::vector<uint8_t>& original = artifact();
  ASSERT_FALSE(original.empty());
  std::mt19937_64 random(20261124);
  size_t refused = 0;
  for (int i = 0; i < 1000; ++i) {
    std::vector<uint8_t> bytes = original;
    switch (i % 3) {
    case 0: { // bit flips anywhere
      int flips = 1 + static_cast<int>(random() % 4);
      for (int f = 0; f < flips; ++f)
        bytes[random() % bytes.size()] ^= static_cast<uint8_t>(1u << (random() % 8));
      break;
    }
    case 1: // truncation
      bytes.resize(random() % bytes.size());
      break;
    default: { // header edits
      size_t at = headerOffset(bytes) + random() % sizeof(abi::ArtifactHeader);
      bytes[at] = static_cast<uint8_t>(random());
      break;
    }
    }
    auto loaded = load(bytes);
    if (!loaded) {
      ++refused;
      EXPECT_FALSE(loaded.error().message.empty());
      EXPECT_EQ(loaded.error().message.find('\n'), std::string::npos);
      continue;
    }
    // Only an edit that changed nothing may load, and then it must run.
    EXPECT_EQ(bytes, original);
  }
  EXPECT_GT(refused, 900u);
}

} // namespace
} // namespace wasmc
