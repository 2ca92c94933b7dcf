#include "compiler/wasm/Module.h"

#include <cstring>

namespace wasmc::wasm {

uint32_t ConstExpr::i32() const {
  uint32_t value;
  std::memcpy(&value, bits.data(), 4);
  return value;
}

uint64_t ConstExpr::i64() const {
  uint64_t value;
  std::memcpy(&value, bits.data(), 8);
  return value;
}

uint32_t Module::localsOffset(FuncIndex index) const {
  // The decoder checked the size's LEB128: at most five bytes, the last
  // without its high bit.
  uint32_t at = definedFunc(index).entryOffset;
  while (at < bytes.size() && (bytes[at] & 0x80))
    ++at;
  return at + 1;
}

std::string Module::funcName(FuncIndex index) const {
  auto it = names.functions.find(index);
  return it == names.functions.end() ? std::string() : it->second;
}

} // namespace wasmc::wasm
