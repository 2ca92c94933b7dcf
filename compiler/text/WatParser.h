#pragma once
// The text format's modules (spec 6.6) into the binary format: issue 19's
// module parser. Every 2.0 module field with its abbreviations (inline
// imports and exports, inline element and data segments, implicit type
// uses, `offset` and `item` shorthands), identifiers for every index space,
// and every instruction of compiler/wasm/Opcodes.def, flat or folded. The
// result decodes into the same module model as a .wasm file
// (wasm::decodeModule), which checks what the text cannot say wrongly
// (validation) the same way for both.

#include "compiler/text/Lexer.h"
#include "compiler/wasm/Error.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace wasmc::text {

/// The binary encoding of the module in `source`: `(module $id? field*)`,
/// or the fields alone (the text format's abbreviation for a file holding
/// one module). Errors: Malformed, naming line and column.
Expected<std::vector<uint8_t>> parseWat(std::string_view source);

/// The same for a module whose tokens start at tokens[at] (its `(`); `at`
/// ends after its `)`. For scripts, which hold many modules.
Expected<std::vector<uint8_t>> parseModuleAt(const std::vector<Token>& tokens, size_t& at);

} // namespace wasmc::text
