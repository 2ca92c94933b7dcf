// .cwasm artifacts: a compiled artifact loads and runs; a foreign, stale,
// truncated or corrupted one is refused with a one-line error before any of
// its code is mapped (1,000 random corruptions, none crash); one not
// authenticated with the user's key (another user's, or patched with its
// digest recomputed) loads only when precompiled code is allowed.

#include "runtime/Artifact.h"
#include "runtime/Instance.h"
#include "runtime/Invoke.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "runtime/WriteAll.h"
#include "runtime/Blake3.h"
#include "engine/Aot.h"
#include "engine/CodegenLoader.h"
#include "test/unit/codegen/ModuleFixture.h"

#include <gtest/gtest.h>

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>

namespace wasmc {
namespace {

std::vector<uint8_t> readModule() {
  std::ifstream in(WASMC_TRAPS_WASM, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

const rt::ArtifactKey& userKey() {
  static const rt::ArtifactKey key = rt::ephemeralKey();
  return key;
}

rt::ArtifactPolicy policy(const rt::ArtifactKey* key = &userKey(), bool allowPrecompiled = false) {
  return {.compilerId = engine::compilerIdentity(), .key = key, .allowPrecompiled = allowPrecompiled};
}

const std::vector<uint8_t>& artifact() {
  static std::vector<uint8_t> bytes = [] {
    auto compiled = engine::compileArtifact(readModule(), codegen::Options{}, userKey());
    EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
    return compiled ? *compiled : std::vector<uint8_t>{};
  }();
  return bytes;
}

/// Writes `bytes` to a temporary .cwasm and loads it.
Expected<std::shared_ptr<const rt::CompiledModule>> load(const std::vector<uint8_t>& bytes,
                                                         const rt::ArtifactPolicy& with = policy()) {
  char path[] = "/tmp/wasmc-artifact-test-XXXXXX";
  int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
  auto loaded = rt::loadArtifact(std::string(path), with);
  ::unlink(path);
  return loaded;
}

size_t headerOffset(const std::vector<uint8_t>& bytes) {
  auto section = rt::findElfSection(bytes, abi::kArtifactSection);
  EXPECT_TRUE(section);
  return static_cast<size_t>(section->data() - bytes.data());
}

std::string loadError(const std::vector<uint8_t>& bytes, const rt::ArtifactPolicy& with = policy()) {
  auto loaded = load(bytes, with);
  return loaded ? "" : loaded.error().message;
}

/// What anyone can do to an artifact: recompute its digest after editing it.
void rehash(std::vector<uint8_t>& bytes) {
  size_t header = headerOffset(bytes);
  size_t digestAt = header + offsetof(abi::ArtifactHeader, digest);
  rt::Digest digest = rt::Blake3()
                          .update(bytes.data(), digestAt)
                          .updateZeros(64)
                          .update(std::span<const uint8_t>(bytes).subspan(digestAt + 64))
                          .finish();
  std::memcpy(bytes.data() + digestAt, digest.data(), digest.size());
}

/// The file offset of the first byte of the .text section.
size_t textOffset(const std::vector<uint8_t>& bytes) {
  auto text = rt::findElfSection(bytes, ".text");
  EXPECT_TRUE(text);
  EXPECT_FALSE(text->empty());
  return static_cast<size_t>(text->data() - bytes.data());
}

TEST(Artifact, LoadsAndRuns) {
  auto loaded = load(artifact());
  ASSERT_TRUE(loaded) << loaded.error().describe();
  test::Fixture f(*loaded);
  ASSERT_NE(f.instance, nullptr);
  rt::CallResult ok = f.call("divide", {rt::Value::i32(12), rt::Value::i32(4)});
  ASSERT_FALSE(ok.trap);
  EXPECT_EQ(ok.values[0].asI32(), 3u);
  rt::CallResult trapped = f.call("divide", {rt::Value::i32(1), rt::Value::i32(0)});
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
  auto loaded = rt::loadArtifact(std::string("plain.cwasm"), policy());
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

// Regression (issue 14): the loader checked the file, then dlopen opened
// it again by name. Now it maps the bytes it read from one descriptor: a
// file unlinked (or replaced) after opening still loads exactly as read.
TEST(Artifact, LoadsFromTheDescriptorNotThePath) {
  char path[] = "/tmp/wasmc-artifact-fd-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, artifact().data(), artifact().size()), static_cast<ssize_t>(artifact().size()));
  ASSERT_EQ(::lseek(fd, 0, SEEK_SET), 0);
  ASSERT_EQ(::unlink(path), 0);
  {
    std::ofstream planted(path, std::ios::binary); // another file at the same path
    planted << "not an artifact";
  }
  auto loaded = rt::loadArtifact(fd, policy());
  ::close(fd);
  ::unlink(path);
  ASSERT_TRUE(loaded) << loaded.error().describe();
  test::expectDivides(*loaded);
}

// Regression (issue 14): the integrity hash was unkeyed, so patched code
// with the hash recomputed ran. The digest still matches after rehash(),
// but the MAC under the user's key does not.
TEST(Artifact, RefusesPatchedCodeWithItsHashRecomputed) {
  std::vector<uint8_t> bytes = artifact();
  bytes[textOffset(bytes)] = 0xCC; // int3
  rehash(bytes);
  EXPECT_NE(loadError(bytes).find("not authenticated with your artifact key"), std::string::npos) << loadError(bytes);
  EXPECT_NE(loadError(bytes).find("--allow-precompiled"), std::string::npos) << loadError(bytes);
  // Without the rehash it is corrupt, whatever the policy.
  std::vector<uint8_t> corrupt = artifact();
  corrupt[textOffset(corrupt)] ^= 1;
  EXPECT_NE(loadError(corrupt, policy(nullptr, true)).find("digest mismatch"), std::string::npos);
}

TEST(Artifact, AnotherUsersArtifactNeedsAllowPrecompiled) {
  rt::ArtifactKey otherUser = rt::ephemeralKey();
  EXPECT_NE(loadError(artifact(), policy(&otherUser)).find("not authenticated"), std::string::npos);
  EXPECT_NE(loadError(artifact(), policy(nullptr)).find("not authenticated"), std::string::npos);
  auto allowed = load(artifact(), policy(&otherUser, true));
  ASSERT_TRUE(allowed) << allowed.error().describe();
  test::expectDivides(*allowed);
}

TEST(Artifact, RefusesAnotherCompilerIdentity) {
  rt::ArtifactPolicy relinked = policy();
  relinked.compilerId[0] ^= 1; // as when the plugin or libLLVM changes
  EXPECT_NE(loadError(artifact(), relinked).find("another wasmc build"), std::string::npos);
}

TEST(Artifact, LoadsFromMemory) {
  auto loaded = rt::loadArtifactBytes(artifact(), policy());
  ASSERT_TRUE(loaded) << loaded.error().describe();
  test::expectDivides(*loaded);
  // Many at once: each keeps its own memfd (and with it its name).
  std::vector<std::shared_ptr<const rt::CompiledModule>> many;
  for (int i = 0; i < 20; ++i) {
    auto again = rt::loadArtifactBytes(artifact(), policy());
    ASSERT_TRUE(again);
    many.push_back(*again);
  }
  many.erase(many.begin(), many.begin() + 10);
  for (int i = 0; i < 10; ++i) {
    auto again = rt::loadArtifactBytes(artifact(), policy());
    ASSERT_TRUE(again);
    many.push_back(*again);
  }
  for (const auto& module : many)
    test::expectDivides(module);
}

TEST(Artifact, RefusesTruncatedAndNonElfFiles) {
  std::vector<uint8_t> bytes = artifact();
  for (size_t size : {size_t(0), size_t(3), size_t(64), bytes.size() / 2, bytes.size() - 1}) {
    std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + size);
    EXPECT_FALSE(loadError(truncated).empty()) << size;
  }
  EXPECT_FALSE(loadError(readModule()).empty());
}

// Format 5: the wasm bytes follow the ELF image, then the trailer saying
// how many there are; the loader splits the file there, and the header
// (authenticated) must agree with both parts.
TEST(Artifact, WasmBytesFollowTheImageAndTheTrailerEndsTheFile) {
  const std::vector<uint8_t>& bytes = artifact();
  std::vector<uint8_t> wasm = readModule();
  abi::ArtifactTrailer trailer;
  ASSERT_GT(bytes.size(), sizeof trailer + wasm.size());
  std::memcpy(&trailer, bytes.data() + bytes.size() - sizeof trailer, sizeof trailer);
  EXPECT_EQ(std::memcmp(trailer.magic, abi::kArtifactTrailerMagic, sizeof trailer.magic), 0);
  EXPECT_EQ(trailer.wasmSize, wasm.size());
  size_t imageSize = bytes.size() - sizeof trailer - wasm.size();
  EXPECT_TRUE(std::equal(wasm.begin(), wasm.end(), bytes.begin() + static_cast<ptrdiff_t>(imageSize)));
  abi::ArtifactHeader header;
  std::memcpy(&header, bytes.data() + headerOffset(bytes), sizeof header);
  EXPECT_EQ(header.wasmOffset, imageSize);
  EXPECT_EQ(header.wasmSize, wasm.size());
}

TEST(Artifact, RefusesATrailerThatDisagreesWithTheHeader) {
  std::vector<uint8_t> bytes = artifact();
  abi::ArtifactTrailer trailer;
  size_t at = bytes.size() - sizeof trailer;
  std::memcpy(&trailer, bytes.data() + at, sizeof trailer);
  for (uint64_t size : {trailer.wasmSize - 1, trailer.wasmSize + 1, uint64_t(0), ~uint64_t(0), uint64_t(bytes.size())}) {
    std::vector<uint8_t> edited = bytes;
    abi::ArtifactTrailer lie = trailer;
    lie.wasmSize = size;
    std::memcpy(edited.data() + at, &lie, sizeof lie);
    rehash(edited); // even with the digest recomputed, and precompiled code allowed
    // Refused: by the header's wasm offset and size, or, where the image
    // now ends inside the section table, as a corrupt ELF file.
    std::string error = loadError(edited, policy(nullptr, true));
    EXPECT_TRUE(error.find("truncated artifact metadata") != std::string::npos ||
                error.find("corrupt ELF section table") != std::string::npos)
        << size << ": " << error;
  }
}

// The memory file holds the image only: a loadable segment reaching past
// it would be mapped past the end of that file (SIGBUS on first touch).
TEST(Artifact, RefusesALoadableSegmentPastTheImage) {
  std::vector<uint8_t> bytes = artifact();
  Elf64_Ehdr elf;
  std::memcpy(&elf, bytes.data(), sizeof elf);
  bool edited = false;
  for (size_t i = 0; i < elf.e_phnum && !edited; ++i) {
    size_t at = elf.e_phoff + i * sizeof(Elf64_Phdr);
    Elf64_Phdr segment;
    std::memcpy(&segment, bytes.data() + at, sizeof segment);
    if (segment.p_type != PT_LOAD)
      continue;
    segment.p_filesz = bytes.size() - segment.p_offset; // into the wasm bytes and the trailer
    std::memcpy(bytes.data() + at, &segment, sizeof segment);
    edited = true;
  }
  ASSERT_TRUE(edited);
  rehash(bytes);
  EXPECT_NE(loadError(bytes, policy(nullptr, true)).find("corrupt ELF program headers"), std::string::npos)
      << loadError(bytes, policy(nullptr, true));
}

TEST(Artifact, LoadsFromAPipeAndFromAnOffset) {
  const std::vector<uint8_t>& bytes = artifact();
  int pipeEnds[2];
  ASSERT_EQ(::pipe(pipeEnds), 0);
  std::thread writer([&] {
    EXPECT_TRUE(rt::writeAll(pipeEnds[1], bytes));
    ::close(pipeEnds[1]);
  });
  auto fromPipe = rt::loadArtifact(pipeEnds[0], policy());
  writer.join();
  ::close(pipeEnds[0]);
  ASSERT_TRUE(fromPipe) << fromPipe.error().describe();
  test::expectDivides(*fromPipe);

  // A descriptor positioned after a prefix: the artifact starts there.
  char path[] = "/tmp/wasmc-artifact-offset-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  std::vector<uint8_t> prefixed(777, 0xAB);
  prefixed.insert(prefixed.end(), bytes.begin(), bytes.end());
  ASSERT_TRUE(rt::writeAll(fd, prefixed));
  ASSERT_EQ(::lseek(fd, 777, SEEK_SET), 777);
  auto fromOffset = rt::loadArtifact(fd, policy());
  ::close(fd);
  ::unlink(path);
  ASSERT_TRUE(fromOffset) << fromOffset.error().describe();
  test::expectDivides(*fromOffset);
}

TEST(Artifact, ThousandRandomCorruptionsAreRefused) {
  const std::vector<uint8_t>& original = artifact();
  ASSERT_FALSE(original.empty());
  std::mt19937_64 random(20261124);
  size_t refused = 0;
  for (int i = 0; i < 1000; ++i) {
    std::vector<uint8_t> bytes = original;
    switch (i % 4) {
    case 0: { // bit flips anywhere
      int flips = 1 + static_cast<int>(random() % 4);
      for (int f = 0; f < flips; ++f)
        bytes[random() % bytes.size()] ^= static_cast<uint8_t>(1u << (random() % 8));
      break;
    }
    case 1: // truncation
      bytes.resize(random() % bytes.size());
      break;
    case 2: { // header edits
      size_t at = headerOffset(bytes) + random() % sizeof(abi::ArtifactHeader);
      bytes[at] = static_cast<uint8_t>(random());
      break;
    }
    default: { // trailer edits
      size_t at = bytes.size() - 1 - random() % sizeof(abi::ArtifactTrailer);
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
