// Issue 15's lazy-JIT bug: clang.wasm (133,398 functions) trapped under
// --lazy in a function it never called. ORC's local stubs manager numbers
// the stubs of one block with 16 bits; lazyReexports of all functions at
// once made one block of more than 65,536 stubs, stubs shared numbers, and
// calls reached other functions' bodies. LazyJit.cpp now reserves stubs in
// batches. Here: a module of 140,000 functions, each returning its index,
// called lazily at indices spread over the whole range.

#include "test/unit/codegen/ModuleFixture.h"
#include "test/unit/codegen/WasmWriter.h"

#include <sstream>

namespace wasmc {
namespace {

constexpr uint32_t kFunctions = 140000;

/// The binary, written directly (wat2wasm would take seconds on the text):
/// one type () -> i32, kFunctions functions `i32.const i`, and exports
/// "f<i>" of the probed ones.
std::vector<uint8_t> manyFunctions(const std::vector<uint32_t>& exported) {
  using test::leb;
  using test::section;
  std::vector<uint8_t> out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  section(out, 1, {0x01, 0x60, 0x00, 0x01, 0x7F});
  std::vector<uint8_t> functions;
  leb(functions, kFunctions);
  functions.insert(functions.end(), kFunctions, 0x00);
  section(out, 3, functions);
  std::vector<uint8_t> exports;
  leb(exports, exported.size());
  for (uint32_t index : exported) {
    std::string name = "f" + std::to_string(index);
    leb(exports, name.size());
    exports.insert(exports.end(), name.begin(), name.end());
    exports.push_back(0x00);
    leb(exports, index);
  }
  section(out, 7, exports);
  std::vector<uint8_t> code;
  leb(code, kFunctions);
  for (uint32_t i = 0; i < kFunctions; ++i) {
    std::vector<uint8_t> body = {0x00, 0x41}; // no locals; i32.const
    test::sleb(body, static_cast<int32_t>(i));
    body.push_back(0x0B);
    leb(code, body.size());
    code.insert(code.end(), body.begin(), body.end());
  }
  section(out, 10, code);
  return out;
}

TEST(LazyStubs, EveryCallReachesItsOwnFunctionPast65536Stubs) {
  std::vector<uint32_t> probes = {0, 1, 8, 37, 4463, 32767, 32768, 65535, 65536, 70000, 100000, 131071, 131072,
                                  kFunctions - 1};
  auto compiled = engine::compileModule(manyFunctions(probes), codegen::Options{.optLevel = 0, .lazy = true});
  ASSERT_TRUE(compiled) << compiled.error().describe();
  test::Fixture f(*compiled);
  ASSERT_NE(f.instance, nullptr);
  for (uint32_t index : probes) {
    rt::CallResult result = f.call("f" + std::to_string(index), {});
    ASSERT_FALSE(result.trap) << index;
    EXPECT_EQ(result.values.at(0).asI32(), index) << "export f" << index << " ran another function";
  }
}

} // namespace
} // namespace wasmc
