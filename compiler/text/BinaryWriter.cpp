#include "compiler/text/BinaryWriter.h"

#include "compiler/wasm/Error.h"

#include <cstddef>

namespace wasmc::text {

void BinaryWriter::unsignedLeb(uint64_t value) {
  do {
    uint8_t low = value & 0x7F;
    value >>= 7;
    byte(value ? low | 0x80 : low);
  } while (value);
}

void BinaryWriter::signedLeb(int64_t value) {
  while (true) {
    uint8_t low = value & 0x7F;
    value >>= 7; // arithmetic: the sign stays
    const bool done = (value == 0 && !(low & 0x40)) || (value == -1 && (low & 0x40));
    byte(done ? low : low | 0x80);
    if (done)
      return;
  }
}

void BinaryWriter::littleEndian(uint64_t value, int count) {
  for (int i = 0; i < count; ++i)
    byte(static_cast<uint8_t>(value >> (8 * i)));
}

void BinaryWriter::name(std::string_view text) {
  u32(static_cast<uint32_t>(text.size()));
  bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

void BinaryWriter::header() {
  static constexpr uint8_t kHeader[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  bytes(kHeader, sizeof kHeader);
}

void BinaryWriter::beginSection(uint8_t id) {
  if (inSection_)
    fatal("BinaryWriter: a section inside a section");
  byte(id);
  sectionStart_ = bytes_.size();
  inSection_ = true;
}

void BinaryWriter::endSection() {
  if (!inSection_)
    fatal("BinaryWriter: endSection without beginSection");
  inSection_ = false;
  // The contents are written; their size goes in front of them.
  std::vector<uint8_t> contents(bytes_.begin() + static_cast<std::ptrdiff_t>(sectionStart_), bytes_.end());
  bytes_.resize(sectionStart_);
  u32(static_cast<uint32_t>(contents.size()));
  bytes_.insert(bytes_.end(), contents.begin(), contents.end());
}

} // namespace wasmc::text
