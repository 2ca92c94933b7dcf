// libFuzzer target: the text format (issue 19) on arbitrary text, as a
// module (compiler/text/WatParser.h) and as a script
// (tools/wasmc/WastText.h); every module that parses is decoded and
// validated too. Any input must give a result or an error naming its line
// and column, never a crash, a hang, a leak or undefined behaviour (run
// under ASan and UBSan: tools/sanitize.sh; seed it with the spec scripts).

#include "compiler/text/WatParser.h"
#include "compiler/wasm/Validator.h"
#include "tools/wasmc/WastText.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto bytes = wasmc::text::parseWat(text)) {
    auto module = wasmc::wasm::loadModule(std::span<const uint8_t>(*bytes));
    if (!module)
      (void)module.error().describe();
  }
  if (auto script = wasmc::tools::parseWastText(text, "fuzz.wast")) {
    for (const wasmc::tools::Command& command : script->commands)
      if (!command.bytes.empty())
        (void)wasmc::wasm::loadModule(std::span<const uint8_t>(command.bytes));
  }
  return 0;
}
