#pragma once
// Spec test scripts (.wast) read by wasmc itself (issue 19), into the same
// commands wast2json's JSON gives (WastScript.h): modules (text, binary,
// quote), register, invoke and get, and every 2.0 assertion, with results
// as numbers, NaN patterns, vectors by lane and references.

#include "tools/wasmc/WastScript.h"

#include <string>
#include <string_view>

namespace wasmc::tools {

/// The commands of the script `source` (`name` for messages). A module
/// written as `quote` text stays text (isText, never run: the text-form
/// assert_malformed cases, as with wast2json). Errors: Malformed, naming
/// line and column.
Expected<WastScript> parseWastText(std::string_view source, const std::string& name);

} // namespace wasmc::tools
