// Robustness of decodeModule + validateModule against corrupted input: random
// truncations and bit flips (fixed seed, so every run tests the same inputs)
// of every module in the wasi-testsuite and of a few hand-built ones. A
// corrupted module must either load or fail with a described Error whose
// offset lies inside the module; it must never crash, hang or assert.

#include "compiler/wasm/Decoder.h"
#include "compiler/wasm/Validator.h"
#include "test/unit/wasm/ModuleBuilder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#ifndef WASMC_WASI_TESTSUITE_DIR
#error "WASMC_WASI_TESTSUITE_DIR must be defined by the build (see test/unit/wasm/CMakeLists.txt)"
#endif

namespace wasmc::wasm {
namespace {

using namespace wasmc::wasm::test;
using V = ValType;

// Enough mutations to reach every section kind of the corpus many times,
// few enough to stay well under a second per thousand in a Release build.
constexpr size_t kTruncations = 1500;
constexpr size_t kBitFlips = 1500;
constexpr uint64_t kSeed = 0x5EED'C0DE'2024'0001ull;

struct Sample {
  std::string name;
  Bytes bytes;
};

// --- hand-built modules: every section and segment form, and the body
// features whose immediates the corpus rarely has (SIMD lanes, br_table,
// typed select, bulk memory and table operations). ---------------------------

Bytes everySection() {
  ModuleBuilder b;
  b.addType({}, {});
  b.addType({V::I32}, {V::I32});
  b.addType({V::I32, V::I64}, {V::I64, V::I32});
  b.importFunc("env", "f", 1);
  b.importTable("env", "t", V::FuncRef, limits(1, 4));
  b.importGlobal("env", "base", V::I32, false);
  b.addFunc(0, {0x0B});
  b.addFunc(1, {0x20, 0x00, 0x10, 0x00, 0x0B}, {{2, V::I64}, {1, V::V128}});
  b.addFunc(2, {0x20, 0x01, 0x20, 0x00, 0x0B});
  b.addTable(V::ExternRef, limits(4, 16));
  b.addMemory(limits(1, 2));
  b.addGlobal(V::I32, true, {0x23, 0x00, 0x0B});
  b.addGlobal(V::FuncRef, false, {0xD2, 0x01, 0x0B});
  b.addGlobal(V::F64, true, {0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x0B});
  b.addExport("run", ExternKind::Func, 2);
  b.addExport("mem", ExternKind::Memory, 0);
  b.addExport("tab", ExternKind::Table, 1);
  b.addExport("g", ExternKind::Global, 1);
  b.setStart(1);
  Bytes funcs = vec({u32(1), u32(2), u32(3)});
  b.addElem(cat({{0x00}, {0x23, 0x00, 0x0B}, funcs}));
  b.addElem(cat({{0x01, 0x00}, funcs}));
  b.addElem(cat({{0x02}, u32(0), i32ConstExpr(1), {0x00}, funcs}));
  b.addElem(cat({{0x03, 0x00}, funcs}));
  b.addElem(cat({{0x04}, i32ConstExpr(0), vec({{0xD2, 0x03, 0x0B}, {0xD0, 0x70, 0x0B}})}));
  b.addElem(cat({{0x05, 0x6F}, vec({{0xD0, 0x6F, 0x0B}})}));
  b.addElem(cat({{0x06}, u32(1), i32ConstExpr(0), {0x6F}, vec({{0xD0, 0x6F, 0x0B}})}));
  b.addElem(cat({{0x07, 0x70}, vec({{0xD2, 0x02, 0x0B}})}));
  b.setDataCount(3);
  b.addData(cat({{0x00}, i32ConstExpr(8), name("active")}));
  b.addData(cat({{0x01}, name("passive")}));
  b.addData(cat({{0x02}, u32(0), {0x23, 0x00, 0x0B}, name("explicit")}));
  Bytes functionNames = vec({cat({u32(0), name("f")}), cat({u32(3), name("run")})});
  Bytes localNames = vec({cat({u32(2), vec({cat({u32(0), name("x")})})})});
  b.addCustom("name", cat({section(0, name("every")), section(1, functionNames),
                           section(2, localNames)}));
  b.addCustom("producers", {0x00});
  return b.build();
}

Bytes controlFlow() {
  ModuleBuilder b;
  b.addType({V::I32}, {V::I32});
  b.addType({V::I32, V::I32}, {V::I32});
  b.addTable(V::FuncRef, limits(1));
  b.addFunc(0, {
                   0x02, 0x7F,                               // block (result i32)
                   0x02, 0x40, 0x02, 0x40,                   //   block block
                   0x20, 0x00, 0x0E, 0x02, 0x00, 0x01, 0x01, //     br_table 0 1 1 on local 0
                   0x0B, 0x0B,                               //   end end
                   0x02, 0x40, 0x03, 0x40,                   //   block loop
                   0x20, 0x00, 0x45, 0x0D, 0x01,             //     br_if 1 on !local 0
                   0x20, 0x00, 0x41, 0x01, 0x6B, 0x21, 0x00, //     local 0 -= 1
                   0x0C, 0x00,                               //     br 0
                   0x0B, 0x0B,                               //   end end
                   0x20, 0x00, 0x41, 0x02,                   //   local 0, 2
                   0x02, 0x01, 0x6A, 0x0B,                   //   block (type 1) i32.add end
                   0x20, 0x00,                               //   condition
                   0x04, 0x00,                               //   if (type 0)
                   0x41, 0x01, 0x6A,                         //     i32.add 1
                   0x05,                                     //   else
                   0x20, 0x00, 0x41, 0x00,                   //
                   0x1C, 0x01, 0x7F,                         //     select (result i32)
                   0x0B,                                     //   end
                   0x41, 0x00, 0x11, 0x00, 0x00,             //   call_indirect (type 0)
                   0x0B,                                     // end
                   0x0B,
               });
  b.addElem(cat({{0x00}, i32ConstExpr(0), vec({u32(0)})}));
  return b.build();
}

Bytes simdAndBulk() {
  ModuleBuilder b;
  b.addType({V::I32}, {V::V128});
  b.addMemory(limits(1));
  b.addTable(V::FuncRef, limits(2));
  Bytes lanes = {0, 17, 2, 19, 4, 21, 6, 23, 8, 25, 10, 27, 12, 29, 14, 31};
  Bytes v128 = cat({{0xFD, 0x0C}, Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}});
  b.addFunc(0, cat({
                   {0x20, 0x00, 0xFD, 0x00, 0x04, 0x10},      // v128.load align=16 offset=16
                   v128, {0xFD, 0x0D}, lanes,                 // i8x16.shuffle
                   {0x20, 0x00, 0xFD, 0x1C, 0x03},            // i32x4.replace_lane 3
                   v128, {0xFD, 0x1B, 0x03, 0x1A},            // i32x4.extract_lane 3, drop
                   {0x20, 0x00, 0xFD, 0x11},                  // i32x4.splat
                   {0xFD, 0xAE, 0x01},                        // i32x4.add (two-byte sub-opcode)
                   {0x20, 0x00}, v128, {0xFD, 0x55, 0x01, 0x00, 0x07}, // v128.load16_lane 7
                   {0xFD, 0x0E},                              // i8x16.swizzle
                   {0x20, 0x00, 0x41, 0x00, 0x41, 0x04, 0xFC, 0x08, 0x00, 0x00}, // memory.init
                   {0xFC, 0x09, 0x00},                        // data.drop
                   {0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xFC, 0x0C, 0x00, 0x00}, // table.init
                   {0xFC, 0x0D, 0x00},                        // elem.drop
                   {0x41, 0x00, 0x41, 0x01, 0x41, 0x01, 0xFC, 0x0E, 0x00, 0x00}, // table.copy
                   {0x41, 0x00, 0x41, 0x00, 0x41, 0x10, 0xFC, 0x0A, 0x00, 0x00}, // memory.copy
                   {0x0B},
               }));
  b.addElem(cat({{0x01, 0x00}, vec({u32(0)})}));
  b.setDataCount(1);
  b.addData(cat({{0x01}, name("0123456789")}));
  return b.build();
}

std::vector<Sample> handBuilt() {
  return {{"hand-built/every-section", everySection()},
          {"hand-built/control-flow", controlFlow()},
          {"hand-built/simd-and-bulk", simdAndBulk()}};
}

/// Every .wasm under `root`, sorted by path so the sample order (and with it
/// every random choice) is the same on every machine.
std::vector<Sample> readCorpus(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file() && it->path().extension() == ".wasm")
      paths.push_back(it->path());
  std::sort(paths.begin(), paths.end());
  std::vector<Sample> samples;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    samples.push_back({std::filesystem::relative(path, root).string(), std::move(bytes)});
  }
  return samples;
}

class CorruptionTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    root_ = new std::filesystem::path(std::filesystem::path(WASMC_WASI_TESTSUITE_DIR) / "tests");
    samples_ = new std::vector<Sample>(readCorpus(*root_));
    corpusSize_ = samples_->size();
    for (Sample& sample : handBuilt())
      samples_->push_back(std::move(sample));
  }
  static void TearDownTestSuite() {
    delete samples_;
    delete root_;
  }

  /// Fails the test when the wasi-testsuite is missing: a robustness test
  /// that silently ran on nothing would be worse than none.
  void requireCorpus() {
    if (corpusSize_ == 0)
      GTEST_FAIL() << "no .wasm files found under " << *root_
                   << "; set WASMC_WASI_TESTSUITE_DIR to the wasi-testsuite checkout "
                      "(its prebuilt tests/ directory)";
  }

  /// Loads a mutated module and checks the outcome. Returns true when it
  /// failed (to count rejections). Reports at most a few bad outcomes in
  /// full so a regression does not drown the log.
  bool check(const Bytes& bytes, const std::string& what) {
    auto result = loadModule(bytes);
    // loadModule decodes each body once, in the validator's pass
    // (BodyDecoding::ByValidator); it must accept and reject exactly what
    // decoding, then validating, does, with the same error.
    Expected<void> twoPass = [&]() -> Expected<void> {
      auto decoded = decodeModule(std::span<const uint8_t>(bytes));
      if (!decoded)
        return std::move(decoded).error();
      return validateModule(*decoded);
    }();
    if (bool(result) != bool(twoPass)) {
      if (++badOutcomes_ <= 10)
        ADD_FAILURE() << what << ": loadModule " << (result ? "accepts" : "rejects (" + result.error().describe() + ")")
                      << ", decode then validate " << (twoPass ? "accepts" : "rejects (" + twoPass.error().describe() + ")");
    } else if (!result && (result.error().kind != twoPass.error().kind || result.error().offset != twoPass.error().offset ||
                           result.error().message != twoPass.error().message ||
                           result.error().function != twoPass.error().function)) {
      if (++badOutcomes_ <= 10)
        ADD_FAILURE() << what << ": loadModule says " << result.error().describe() << ", decode then validate says "
                      << twoPass.error().describe();
    }
    if (result)
      return false;
    const Error& error = result.error();
    std::string problem;
    if (error.message.empty())
      problem = "empty message";
    else if (error.kind != ErrorKind::Malformed && error.kind != ErrorKind::Invalid)
      problem = std::string("kind ") + errorKindName(error.kind);
    else if (error.offset == kNoOffset && error.function != kNoFunction)
      problem = "no offset inside a function";
    else if (error.offset != kNoOffset && error.offset > bytes.size())
      problem = "offset past the end (module is " + std::to_string(bytes.size()) + " bytes)";
    if (!problem.empty() && ++badOutcomes_ <= 10)
      ADD_FAILURE() << what << ": " << problem << ": " << error.describe();
    return true;
  }

  int badOutcomes_ = 0;
  static inline std::filesystem::path* root_ = nullptr;
  static inline std::vector<Sample>* samples_ = nullptr;
  static inline size_t corpusSize_ = 0;
};

TEST_F(CorruptionTest, OriginalModulesLoad) {
  ASSERT_NO_FATAL_FAILURE(requireCorpus());
  for (const Sample& sample : *samples_) {
    auto result = loadModule(sample.bytes);
    EXPECT_TRUE(result.hasValue()) << sample.name << ": " << result.error().describe();
  }
}

TEST_F(CorruptionTest, RandomTruncations) {
  ASSERT_NO_FATAL_FAILURE(requireCorpus());
  std::mt19937_64 rng(kSeed);
  size_t rejected = 0;
  for (size_t i = 0; i < kTruncations; ++i) {
    const Sample& sample = (*samples_)[i % samples_->size()];
    // Favour the module's structure (header, type and import sections) in a
    // quarter of the cuts; elsewhere cut anywhere.
    size_t limit = (i % 4 == 0) ? std::min<size_t>(sample.bytes.size(), 256) : sample.bytes.size();
    size_t length = rng() % limit;
    Bytes cut(sample.bytes.begin(), sample.bytes.begin() + length);
    rejected += check(cut, sample.name + " truncated to " + std::to_string(length));
  }
  // A cut almost never lands exactly on a section boundary.
  EXPECT_GT(rejected, kTruncations * 9 / 10);
  RecordProperty("rejected", static_cast<int>(rejected));
}

TEST_F(CorruptionTest, RandomBitFlips) {
  ASSERT_NO_FATAL_FAILURE(requireCorpus());
  std::mt19937_64 rng(kSeed + 1);
  size_t rejected = 0;
  for (size_t i = 0; i < kBitFlips; ++i) {
    const Sample& sample = (*samples_)[i % samples_->size()];
    Bytes flipped = sample.bytes;
    size_t limit = (i % 4 == 0) ? std::min<size_t>(flipped.size(), 256) : flipped.size();
    size_t at = rng() % limit;
    unsigned bit = rng() % 8;
    flipped[at] ^= static_cast<uint8_t>(1u << bit);
    rejected += check(flipped, sample.name + " with bit " + std::to_string(bit) + " of byte " +
                                   std::to_string(at) + " flipped");
  }
  // Many flips land in data or constants and leave a valid module; some
  // must be caught, or the checks are not running at all.
  EXPECT_GT(rejected, kBitFlips / 10);
  RecordProperty("rejected", static_cast<int>(rejected));
}

/// The hand-built modules are small enough to try every prefix and every
/// single-bit flip.
TEST_F(CorruptionTest, ExhaustiveOnHandBuiltModules) {
  for (const Sample& sample : handBuilt()) {
    auto original = loadModule(sample.bytes);
    ASSERT_TRUE(original.hasValue()) << sample.name << ": " << original.error().describe();
    for (size_t length = 0; length < sample.bytes.size(); ++length) {
      Bytes cut(sample.bytes.begin(), sample.bytes.begin() + length);
      check(cut, sample.name + " truncated to " + std::to_string(length));
    }
    for (size_t at = 0; at < sample.bytes.size(); ++at) {
      for (unsigned bit = 0; bit < 8; ++bit) {
        Bytes flipped = sample.bytes;
        flipped[at] ^= static_cast<uint8_t>(1u << bit);
        check(flipped, sample.name + " with bit " + std::to_string(bit) + " of byte " +
                           std::to_string(at) + " flipped");
      }
    }
  }
}

} // namespace
} // namespace wasmc::wasm
