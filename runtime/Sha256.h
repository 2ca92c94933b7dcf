#pragma once
// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104): artifact integrity and
// authentication, and compile-cache keys. Small and dependency-free, as the
// runtime links no crypto library; tested against the FIPS and RFC 4231
// vectors in test/unit/runtime/Sha256Test.cpp.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace wasmc::rt {

using Digest = std::array<uint8_t, 32>;

/// An incremental SHA-256. Not thread-safe (one object per thread).
class Sha256 {
public:
  Sha256();
  Sha256& update(std::span<const uint8_t> bytes);
  Sha256& update(const void* data, size_t size) {
    return update(std::span<const uint8_t>(static_cast<const uint8_t*>(data), size));
  }
  /// `count` zero bytes, without a buffer of them.
  Sha256& updateZeros(size_t count);
  /// The digest; the object must not be updated afterwards.
  [[nodiscard]] Digest finish();

private:
  void compress(const uint8_t* block);

  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t length_ = 0; // bytes hashed so far
};

/// SHA-256 of `bytes` in one call.
[[nodiscard]] Digest sha256(std::span<const uint8_t> bytes);

/// sha256 without the CPU's SHA extensions, for tests comparing the two.
[[nodiscard]] Digest sha256Portable(std::span<const uint8_t> bytes);

/// HMAC-SHA256 of `message` under `key` (any length; longer than 64 bytes is
/// hashed first, as RFC 2104 says).
[[nodiscard]] Digest hmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> message);

/// Equality of two digests in time independent of where they differ.
[[nodiscard]] bool digestsEqual(std::span<const uint8_t> a, std::span<const uint8_t> b);

/// Lower-case hex of `bytes`.
[[nodiscard]] std::string toHex(std::span<const uint8_t> bytes);

} // namespace wasmc::rt
