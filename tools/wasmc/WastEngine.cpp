#include "tools/wasmc/WastEngine.h"

namespace wasmc::tools {

// Out of line so the vtable has one home.
WastEngine::~WastEngine() = default;

} // namespace wasmc::tools
