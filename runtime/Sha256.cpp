// SHA-256 after FIPS 180-4 section 6.2, with the x86 SHA extensions where
// the CPU has them (an artifact is hashed on every start-up: about 8x
// faster), and HMAC after RFC 2104.

#include "runtime/Sha256.h"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace wasmc::rt {

namespace {

constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

constexpr uint32_t kInitialState[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

inline uint32_t loadBigEndian(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

void compressPortable(uint32_t* state, const uint8_t* block) {
  uint32_t w[64];
  for (int t = 0; t < 16; ++t)
    w[t] = loadBigEndian(block + 4 * t);
  for (int t = 16; t < 64; ++t) {
    uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (int t = 0; t < 64; ++t) {
    uint32_t sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    uint32_t choose = (e & f) ^ (~e & g);
    uint32_t t1 = h + sum1 + choose + kRoundConstants[t] + w[t];
    uint32_t sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
    uint32_t t2 = sum0 + majority;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

#if defined(__x86_64__)
// The SHA extensions keep the state as two registers, ABEF and CDGH (A in
// the highest lane), and do two rounds per sha256rnds2 with the round's
// W+K in the low half of the third operand.
__attribute__((target("sha,sse4.1,ssse3"))) void compressShaNi(uint32_t* state, const uint8_t* block) {
  __m128i abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));
  __m128i efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));
  __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
  __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  __m128i abef = _mm_alignr_epi8(badc, hgfe, 8);
  __m128i cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);
  const __m128i savedAbef = abef;
  const __m128i savedCdgh = cdgh;
  const __m128i byteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);

  __m128i w[4]; // the last 16 schedule words, four per register, rolling
  for (int group = 0; group < 16; ++group) {
    __m128i words;
    if (group < 4) {
      words = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * group)), byteSwap);
    } else {
      // W[t..t+3] from W[t-16..t-1]: msg1 adds sigma0, the alignr supplies
      // W[t-7..t-4], msg2 adds sigma1.
      __m128i minus4 = w[(group + 3) % 4];
      __m128i minus8 = w[(group + 2) % 4];
      __m128i partial = _mm_sha256msg1_epu32(w[group % 4], w[(group + 1) % 4]);
      partial = _mm_add_epi32(partial, _mm_alignr_epi8(minus4, minus8, 4));
      words = _mm_sha256msg2_epu32(partial, minus4);
    }
    w[group % 4] = words;
    __m128i withK = _mm_add_epi32(
        words, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kRoundConstants + 4 * group)));
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, withK);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(withK, 0x0E));
  }
  abef = _mm_add_epi32(abef, savedAbef);
  cdgh = _mm_add_epi32(cdgh, savedCdgh);

  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), _mm_alignr_epi8(dchg, feba, 8));
}

bool hasShaExtensions() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
    return false;
  bool sse41 = ecx & (1u << 19), ssse3 = ecx & (1u << 9);
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
    return false;
  return sse41 && ssse3 && (ebx & (1u << 29));
}
#endif

using CompressFn = void (*)(uint32_t*, const uint8_t*);

CompressFn pickCompress() {
#if defined(__x86_64__)
  if (hasShaExtensions())
    return &compressShaNi;
#endif
  return &compressPortable;
}

const CompressFn kCompress = pickCompress();

/// The test hook sha256Portable sets this for its thread.
thread_local bool forcePortable = false;

} // namespace

Sha256::Sha256() { std::memcpy(state_, kInitialState, sizeof state_); }

void Sha256::compress(const uint8_t* block) {
  (forcePortable ? &compressPortable : kCompress)(state_, block);
}

Sha256& Sha256::update(std::span<const uint8_t> bytes) {
  const uint8_t* at = bytes.data();
  size_t left = bytes.size();
  length_ += left;
  if (buffered_ > 0) {
    size_t take = std::min(left, sizeof buffer_ - buffered_);
    std::memcpy(buffer_ + buffered_, at, take);
    buffered_ += take;
    at += take;
    left -= take;
    if (buffered_ < sizeof buffer_)
      return *this;
    compress(buffer_);
    buffered_ = 0;
  }
  for (; left >= 64; at += 64, left -= 64)
    compress(at);
  std::memcpy(buffer_, at, left);
  buffered_ = left;
  return *this;
}

Sha256& Sha256::updateZeros(size_t count) {
  static const uint8_t kZeros[64] = {};
  while (count > 0) {
    size_t take = std::min(count, sizeof kZeros);
    update(kZeros, take);
    count -= take;
  }
  return *this;
}

Digest Sha256::finish() {
  uint64_t bits = length_ * 8;
  uint8_t padding[72] = {0x80};
  size_t padLength = (buffered_ < 56 ? 56 : 120) - buffered_;
  for (int i = 0; i < 8; ++i)
    padding[padLength + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  update(padding, padLength + 8);
  Digest out;
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 4; ++j)
      out[4 * i + j] = static_cast<uint8_t>(state_[i] >> (24 - 8 * j));
  return out;
}

Digest sha256(std::span<const uint8_t> bytes) { return Sha256().update(bytes).finish(); }

Digest sha256Portable(std::span<const uint8_t> bytes) {
  forcePortable = true;
  Digest out = sha256(bytes);
  forcePortable = false;
  return out;
}

Digest hmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> message) {
  uint8_t block[64] = {};
  if (key.size() > sizeof block) {
    Digest hashed = sha256(key);
    std::memcpy(block, hashed.data(), hashed.size());
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  uint8_t pad[64];
  for (size_t i = 0; i < sizeof pad; ++i)
    pad[i] = block[i] ^ 0x36;
  Digest inner = Sha256().update(pad, sizeof pad).update(message).finish();
  for (size_t i = 0; i < sizeof pad; ++i)
    pad[i] = block[i] ^ 0x5c;
  return Sha256().update(pad, sizeof pad).update(inner).finish();
}

bool digestsEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size())
    return false;
  uint8_t difference = 0;
  for (size_t i = 0; i < a.size(); ++i)
    difference |= a[i] ^ b[i];
  return difference == 0;
}

std::string toHex(std::span<const uint8_t> bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (uint8_t byte : bytes) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

} // namespace wasmc::rt
