#pragma once
// The "name" custom section (module, function and local names), read
// leniently: the spec lets an engine ignore a malformed name section, so a
// broken one yields whatever was read before the problem, never an error.

#include "compiler/wasm/Module.h"

#include <span>

namespace wasmc::wasm {

Names parseNameSection(std::span<const uint8_t> contents, uint32_t baseOffset);

} // namespace wasmc::wasm
