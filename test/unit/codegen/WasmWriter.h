#pragma once
// A tiny binary writer for the modules tests generate directly (large ones
// would take wat2wasm seconds): LEB128 integers and sections.

#include <cstdint>
#include <vector>

namespace wasmc::test {

inline void leb(std::vector<uint8_t>& out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7F;
    value >>= 7;
    out.push_back(byte | (value ? 0x80 : 0));
  } while (value);
}

inline void sleb(std::vector<uint8_t>& out, int64_t value) {
  bool more = true;
  while (more) {
    uint8_t byte = value & 0x7F;
    value >>= 7;
    more = !((value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40)));
    out.push_back(byte | (more ? 0x80 : 0));
  }
}

inline void section(std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& body) {
  out.push_back(id);
  leb(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
}

} // namespace wasmc::test
