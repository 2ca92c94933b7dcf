// libFuzzer target: decode, validate and compile with the JIT at the -O
// level the first byte picks (0..3), the rest being the module. Valid
// modules must compile (or be refused as Unsupported with a location);
// nothing may crash LLVM or leak.

#include "compiler/wasm/Validator.h"
#include "engine/Engine.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  unsigned level = data[0] % 4;
  std::span<const uint8_t> bytes(data + 1, size - 1);
  bool valid = static_cast<bool>(wasmc::wasm::loadModule(bytes));
  auto compiled = wasmc::engine::compileModule(bytes, wasmc::codegen::Options{.optLevel = level, .jobs = 1});
  // A valid module either compiles or uses something wasmc does not
  // implement (Unsupported); any other failure is a wasmc bug.
  if (valid && !compiled && compiled.error().kind != wasmc::ErrorKind::Unsupported)
    std::abort();
  return 0;
}
