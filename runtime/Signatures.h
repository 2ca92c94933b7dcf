#pragma once
// Engine-wide canonical signature ids: equal function types get equal ids in
// every module, so call_indirect checks a signature with one compare.

#include "compiler/wasm/Types.h"

#include <cstdint>

namespace wasmc::rt {

/// The canonical id of `type` (never 0). Thread-safe; ids live for the process.
uint32_t canonicalSignature(const wasm::FuncType& type);

} // namespace wasmc::rt
