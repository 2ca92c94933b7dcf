// UTF-8 validation for names, exactly as the spec's grammar: no overlong
// forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.

#include "compiler/wasm/ByteReader.h"

namespace wasmc::wasm {

bool isValidUtf8(std::span<const uint8_t> bytes) {
  size_t i = 0;
  const size_t n = bytes.size();
  auto isCont = [&](size_t at) { return at < n && (bytes[at] & 0xC0) == 0x80; };
  while (i < n) {
    uint8_t b = bytes[i];
    if (b < 0x80) {
      i += 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      if (!isCont(i + 1))
        return false;
      i += 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      if (!isCont(i + 1) || !isCont(i + 2))
        return false;
      uint8_t b1 = bytes[i + 1];
      if (b == 0xE0 && b1 < 0xA0) // overlong
        return false;
      if (b == 0xED && b1 >= 0xA0) // surrogates
        return false;
      i += 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      if (!isCont(i + 1) || !isCont(i + 2) || !isCont(i + 3))
        return false;
      uint8_t b1 = bytes[i + 1];
      if (b == 0xF0 && b1 < 0x90) // overlong
        return false;
      if (b == 0xF4 && b1 >= 0x90) // above U+10FFFF
        return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

} // namespace wasmc::wasm
