#pragma once
// Calling a function (wasm or host) from the embedder with typed values.

#include "runtime/Function.h"
#include "runtime/Trap.h"
#include "runtime/Value.h"

#include <optional>
#include <span>
#include <vector>

namespace wasmc::rt {

class Store;

struct CallResult {
  std::optional<Trap> trap;  // set when the call trapped (or the guest exited)
  std::vector<Value> values; // the results otherwise
};

/// Calls `func` with `args`, which must match its parameter types (the
/// caller checks; see checkArguments). A trap is returned, never thrown; the
/// store and its instances stay usable afterwards.
CallResult callFunction(Store& store, const Function& func, std::span<const Value> args);

/// "" when `args` fit `type`'s parameters, else what is wrong.
std::string checkArguments(const wasm::FuncType& type, std::span<const Value> args);

} // namespace wasmc::rt
