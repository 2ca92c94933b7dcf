/* hash: three hashes of our own over a 32 MiB buffer: a 4-lane 64-bit multiply/rotate hash,
 * byte-serial FNV-1a and a murmur-style 32-bit block mixer. Measures integer ALU throughput. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE (32u << 20)

static const uint64_t P1 = 0x9E3779B185EBCA87ull, P2 = 0xC2B2AE3D27D4EB4Full,
                      P3 = 0x165667B19E3779F9ull;

static uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint64_t load64(const uint8_t *p) { /* little-endian, alignment-free */
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
static uint32_t load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static uint64_t lane_round(uint64_t acc, uint64_t in) { return rotl64(acc + in * P2, 31) * P1; }

/* Four independent accumulators over 32-byte stripes, then an avalanche finish. */
static uint64_t hash64(const uint8_t *p, size_t n, uint64_t seed) {
  uint64_t a = seed + P1 + P2, b = seed + P2, c = seed, d = seed - P1;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a = lane_round(a, load64(p + i));
    b = lane_round(b, load64(p + i + 8));
    c = lane_round(c, load64(p + i + 16));
    d = lane_round(d, load64(p + i + 24));
  }
  uint64_t h = rotl64(a, 1) + rotl64(b, 7) + rotl64(c, 12) + rotl64(d, 18) + (uint64_t)n;
  for (; i < n; i++)
    h = rotl64(h ^ (p[i] * P3), 11) * P1;
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

static uint32_t fnv1a(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static uint32_t murmurish32(const uint8_t *p, size_t n, uint32_t seed) {
  uint32_t h = seed;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint32_t k = load32(p + i) * 0xCC9E2D51u;
    k = rotl32(k, 15) * 0x1B873593u;
    h = rotl32(h ^ k, 13) * 5 + 0xE6546B64u;
  }
  for (; i < n; i++)
    h = (h ^ p[i]) * 0x01000193u;
  h ^= (uint32_t)n;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  return h ^ (h >> 16);
}

int main(int argc, char **argv) {
  int reps = 32 * (argc > 1 ? atoi(argv[1]) : 1);
  uint8_t *buf = malloc(SIZE);
  if (!buf)
    return 1;
  uint64_t s = 0x0123456789ABCDEFull;
  for (size_t i = 0; i < SIZE; i += 8) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    memcpy(buf + i, &s, 8);
  }
  uint64_t h64 = 0, small = 0;
  uint32_t hf = 0, hm = 0;
  for (int r = 0; r < reps; r++) {
    h64 ^= hash64(buf, SIZE - (size_t)r, (uint64_t)r);
    hm ^= murmurish32(buf + r, SIZE - (size_t)r, (uint32_t)r);
    if (r % 2 == 0)
      hf ^= fnv1a(buf + r, SIZE / 2);
    /* many short keys, as in a hash table */
    for (size_t off = 0; off + 64 <= SIZE / 8; off += 61)
      small += hash64(buf + off, 1 + (off + (size_t)r) % 63, 7);
  }
  printf("hash64=%016llx murmurish=%08x fnv1a=%08x short-keys=%016llx\n", (unsigned long long)h64,
         hm, hf, (unsigned long long)small);
  free(buf);
  return 0;
}
