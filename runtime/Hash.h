#pragma once
// A fast 64-bit non-cryptographic hash: artifact integrity checks (catching
// corruption, not attacks) and compile-cache keys.

#include <cstdint>
#include <cstring>
#include <span>

namespace wasmc::rt {

inline uint64_t hashBytes(std::span<const uint8_t> bytes, uint64_t seed = 0x9E3779B97F4A7C15ull) {
  constexpr uint64_t kMul1 = 0xA0761D6478BD642Full;
  constexpr uint64_t kMul2 = 0xE7037ED1A0B428DBull;
  uint64_t h = seed ^ (bytes.size() * kMul1);
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = (h ^ (word * kMul1)) * kMul2;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
  h = (h ^ (tail * kMul1)) * kMul2;
  h ^= h >> 32;
  h *= kMul1;
  h ^= h >> 29;
  return h;
}

} // namespace wasmc::rt
