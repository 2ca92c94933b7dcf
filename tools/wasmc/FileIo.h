#pragma once
// Whole-file reads for the command line tools, with ErrorKind::Io errors
// whose message does not repeat the path (callers print it in front).

#include "compiler/wasm/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace wasmc::tools {

Expected<std::vector<uint8_t>> readFileBytes(const std::string& path);
Expected<std::string> readFileText(const std::string& path);

} // namespace wasmc::tools
