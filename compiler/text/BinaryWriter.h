#pragma once
// Writes the WebAssembly binary format (spec 5): what the text parser
// (issue 19) emits, so that a text module becomes bytes the binary decoder
// reads into the same module model as a .wasm file. LEB128 in its shortest
// form, IEEE bits little-endian, names as vec(byte), and sections framed
// with their size once their contents are known.

#include <cstdint>
#include <string_view>
#include <vector>

namespace wasmc::text {

class BinaryWriter {
public:
  void byte(uint8_t value) { bytes_.push_back(value); }
  void bytes(const uint8_t* data, size_t size) { bytes_.insert(bytes_.end(), data, data + size); }
  void u32(uint32_t value) { unsignedLeb(value); }
  void u64(uint64_t value) { unsignedLeb(value); }
  void s32(int32_t value) { signedLeb(value); }
  void s64(int64_t value) { signedLeb(value); }
  /// s33: a block type's type index (non-negative) in signed LEB128.
  void s33(int64_t value) { signedLeb(value); }
  void f32(uint32_t bits) { littleEndian(bits, 4); }
  void f64(uint64_t bits) { littleEndian(bits, 8); }
  /// vec(byte): the length, then the bytes.
  void name(std::string_view text);

  /// "\0asm" and version 1.
  void header();
  /// Starts section `id`: its contents follow until endSection, which
  /// writes their size in front of them.
  void beginSection(uint8_t id);
  void endSection();

  size_t size() const { return bytes_.size(); }
  /// Drops what was written after the first `size` bytes.
  void truncate(size_t size) { bytes_.resize(size); }
  const std::vector<uint8_t>& data() const { return bytes_; }
  std::vector<uint8_t> take() { return std::move(bytes_); }

private:
  void unsignedLeb(uint64_t value);
  void signedLeb(int64_t value);
  void littleEndian(uint64_t value, int count);

  std::vector<uint8_t> bytes_;
  size_t sectionStart_ = 0; // where the open section's contents begin
  bool inSection_ = false;
};

} // namespace wasmc::text
