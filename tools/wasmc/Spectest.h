#pragma once
// The `spectest` host module every spec script may import: print functions,
// the globals 666 / 666.6, a funcref table of 10..20 and a memory of 1..2 pages.

#include "runtime/Linker.h"
#include "runtime/Store.h"

namespace wasmc::tools {

/// Creates the spectest objects in `store` and defines them in `linker`.
Expected<void> defineSpectest(rt::Store& store, rt::Linker& linker);

} // namespace wasmc::tools
