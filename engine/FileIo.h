#pragma once
// Whole-file reads for the command line tools, with ErrorKind::Io errors
// whose message does not repeat the path (callers print it in front).

#include "compiler/wasm/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace wasmc::engine {

Expected<std::vector<uint8_t>> readFileBytes(const std::string& path);
/// The rest of the open file `fd` (from its current position); `fd` stays open.
Expected<std::vector<uint8_t>> readFdBytes(int fd);
Expected<std::string> readFileText(const std::string& path);

} // namespace wasmc::engine
