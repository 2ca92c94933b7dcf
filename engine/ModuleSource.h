#pragma once
// A module file's contents as the wasm binary everything else reads: the
// bytes as they are, or, for the text format, what the text parser
// (compiler/text, issue 19) encodes them as.

#include "compiler/wasm/Error.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace wasmc::engine {

/// Whether `contents` is a module in the text format: not the binary's
/// magic, and a `.wat` file or text that starts (after white space and
/// comments) with a parenthesis.
bool looksLikeText(std::span<const uint8_t> contents, const std::string& path);

/// `contents` when it is a binary; the parsed module's encoding when it is
/// text (errors: Malformed, naming line and column).
Expected<std::vector<uint8_t>> moduleBinary(std::vector<uint8_t> contents, const std::string& path);

} // namespace wasmc::engine
