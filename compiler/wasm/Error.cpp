#include "compiler/wasm/Error.h"

namespace wasmc {

const char* errorKindName(ErrorKind kind) {
  switch (kind) {
  case ErrorKind::Malformed: return "malformed";
  case ErrorKind::Invalid: return "invalid";
  case ErrorKind::Unlinkable: return "unlinkable";
  case ErrorKind::Uninstantiable: return "uninstantiable";
  case ErrorKind::Io: return "i/o error";
  case ErrorKind::Usage: return "usage";
  case ErrorKind::Artifact: return "bad artifact";
  case ErrorKind::Unsupported: return "unsupported";
  }
  return "error";
}

std::string Error::describe() const {
  std::string out = message;
  if (offset != kNoOffset || function != kNoFunction) {
    char where[80];
    if (offset != kNoOffset && function != kNoFunction)
      std::snprintf(where, sizeof where, " (at byte 0x%llx, function %u)",
                    static_cast<unsigned long long>(offset), function);
    else if (offset != kNoOffset)
      std::snprintf(where, sizeof where, " (at byte 0x%llx)", static_cast<unsigned long long>(offset));
    else
      std::snprintf(where, sizeof where, " (function %u)", function);
    out += where;
  }
  return out;
}

void fatal(const char* what) {
  std::fprintf(stderr, "wasmc: internal error: %s\n", what);
  std::abort();
}

} // namespace wasmc
