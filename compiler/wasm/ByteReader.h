#pragma once
// A bounded cursor over module bytes: LEB128 with the spec's exact rules for
// over-long and too-large encodings, fixed-width values, and names. Every
// error carries the absolute byte offset of the offending item.

#include "compiler/wasm/Error.h"

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace wasmc::wasm {

bool isValidUtf8(std::span<const uint8_t> bytes);

class ByteReader {
public:
  /// `base` is the absolute offset of bytes[0] in the module, for messages.
  ByteReader(std::span<const uint8_t> bytes, uint32_t base = 0) : bytes_(bytes), base_(base) {}

  uint32_t offset() const { return base_ + static_cast<uint32_t>(pos_); }
  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  bool atEnd() const { return pos_ == bytes_.size(); }
  std::span<const uint8_t> bytes() const { return bytes_; }
  uint32_t base() const { return base_; }

  Error error(std::string message) const { return error(offset(), std::move(message)); }
  Error error(uint32_t at, std::string message) const {
    return makeError(ErrorKind::Malformed, at, std::move(message));
  }
  Error unexpectedEnd() const { return error("unexpected end of section or function"); }

  Expected<uint8_t> readByte() {
    if (pos_ >= bytes_.size())
      return unexpectedEnd();
    return bytes_[pos_++];
  }

  Expected<uint8_t> peekByte() const {
    if (pos_ >= bytes_.size())
      return unexpectedEnd();
    return bytes_[pos_];
  }

  // One-byte values (most indices, offsets and constants) take the short
  // way: a single byte is never over-long nor too large.
  Expected<uint32_t> readU32() {
    if (pos_ < bytes_.size() && bytes_[pos_] < 0x80)
      return bytes_[pos_++];
    uint64_t value = WASMC_TRY(readLeb(32, false));
    return static_cast<uint32_t>(value);
  }
  Expected<int32_t> readS32() {
    if (pos_ < bytes_.size() && bytes_[pos_] < 0x80)
      return oneByteSigned();
    uint64_t value = WASMC_TRY(readLeb(32, true));
    return static_cast<int32_t>(static_cast<uint32_t>(value));
  }
  Expected<int64_t> readS33() {
    uint64_t value = WASMC_TRY(readLeb(33, true));
    return static_cast<int64_t>(value);
  }
  Expected<int64_t> readS64() {
    if (pos_ < bytes_.size() && bytes_[pos_] < 0x80)
      return oneByteSigned();
    uint64_t value = WASMC_TRY(readLeb(64, true));
    return static_cast<int64_t>(value);
  }

  Expected<uint32_t> readFixed32() {
    if (remaining() < 4)
      return unexpectedEnd();
    uint32_t value;
    std::memcpy(&value, bytes_.data() + pos_, 4);
    pos_ += 4;
    return value;
  }
  Expected<uint64_t> readFixed64() {
    if (remaining() < 8)
      return unexpectedEnd();
    uint64_t value;
    std::memcpy(&value, bytes_.data() + pos_, 8);
    pos_ += 8;
    return value;
  }

  Expected<std::span<const uint8_t>> readBytes(size_t count) {
    if (remaining() < count)
      return unexpectedEnd();
    auto out = bytes_.subspan(pos_, count);
    pos_ += count;
    return out;
  }

  /// A u32 length that must fit in what is left ("length out of bounds").
  Expected<uint32_t> readLength() {
    uint32_t at = offset();
    uint32_t length = WASMC_TRY(readU32());
    if (length > remaining())
      return error(at, "length out of bounds");
    return length;
  }

  /// A vector count. Every element takes at least one byte, so a count the
  /// remaining bytes cannot hold is refused before anything is allocated.
  Expected<uint32_t> readCount() {
    uint32_t count = WASMC_TRY(readU32());
    if (count > remaining())
      return unexpectedEnd();
    return count;
  }

  /// A one-bit LEB128 flag (limits): 0 or 1.
  Expected<uint8_t> readFlag() {
    uint64_t value = WASMC_TRY(readLeb(1, false));
    return static_cast<uint8_t>(value);
  }

  Expected<std::string> readName() {
    uint32_t length = WASMC_TRY(readLength());
    uint32_t at = offset();
    auto raw = WASMC_TRY(readBytes(length));
    if (!isValidUtf8(raw))
      return error(at, "malformed UTF-8 encoding");
    return std::string(raw.begin(), raw.end());
  }

  void skip(size_t count) { pos_ += count; }

private:
  /// A one-byte signed LEB128 at the cursor: 7 bits, sign-extended.
  int32_t oneByteSigned() {
    uint8_t byte = bytes_[pos_++];
    return byte & 0x40 ? static_cast<int32_t>(byte) - 0x80 : byte;
  }

  /// LEB128 of at most `bits` bits. Over-long encodings are "integer
  /// representation too long"; set bits beyond `bits` (or, for signed, bits
  /// that are not a sign extension) are "integer too large".
  Expected<uint64_t> readLeb(unsigned bits, bool isSigned) {
    const unsigned maxBytes = (bits + 6) / 7;
    uint32_t start = offset();
    uint64_t result = 0;
    unsigned shift = 0;
    for (unsigned i = 0;; ++i) {
      if (pos_ >= bytes_.size())
        return unexpectedEnd();
      uint8_t byte = bytes_[pos_++];
      if (i == maxBytes - 1) {
        if (byte & 0x80)
          return error(start, "integer representation too long");
        unsigned used = bits - 7 * i; // payload bits this byte may carry
        if (isSigned) {
          uint8_t mask = static_cast<uint8_t>(0x7F & ~((1u << (used - 1)) - 1));
          if ((byte & mask) != 0 && (byte & mask) != mask)
            return error(start, "integer too large");
        } else if (used < 7 && (byte & 0x7F & ~((1u << used) - 1)) != 0) {
          return error(start, "integer too large");
        }
      }
      result |= static_cast<uint64_t>(byte & 0x7F) << shift;
      shift += 7;
      if (!(byte & 0x80)) {
        if (isSigned && shift < 64 && (byte & 0x40))
          result |= ~uint64_t(0) << shift;
        return result;
      }
    }
  }

  std::span<const uint8_t> bytes_;
  uint32_t base_;
  size_t pos_ = 0;
};

} // namespace wasmc::wasm
