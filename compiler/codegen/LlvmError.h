#pragma once
// The single conversion point from LLVM's errors to wasmc's.

#include "compiler/wasm/Error.h"

#include <llvm/Support/Error.h>

namespace wasmc::codegen {

inline Error toError(llvm::Error error, const char* context) {
  return makeError(ErrorKind::Unsupported, kNoOffset,
                   std::string(context) + ": " + llvm::toString(std::move(error)));
}

} // namespace wasmc::codegen
