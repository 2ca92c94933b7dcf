#pragma once
// Private to compiler/codegen: lld helpers beyond the Codegen.h ones.

#include "compiler/codegen/Codegen.h"

namespace wasmc::codegen {

/// Merges objects into one relocatable object (ld.lld -r), in process: the
/// single file `wasmc compile --emit=obj` writes for a partitioned module.
Expected<std::vector<uint8_t>> linkRelocatable(const ObjectFiles& objects);

} // namespace wasmc::codegen
