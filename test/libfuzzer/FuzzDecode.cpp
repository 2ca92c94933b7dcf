// libFuzzer target: decode and validate arbitrary bytes. Any input must give
// a module or an error with a location, never a crash, a hang, a leak or
// undefined behaviour (run under ASan and UBSan: tools/sanitize.sh).

#include "compiler/wasm/Validator.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto module = wasmc::wasm::loadModule(std::span<const uint8_t>(data, size));
  if (!module)
    (void)module.error().describe();
  return 0;
}
