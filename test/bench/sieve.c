/* sieve: sieve of Eratosthenes over odd numbers below 2^27, with a byte array and a bitset,
 * repeated. Measures strided stores, byte/bit memory traffic and counting loops. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT (1u << 27) /* sieve [0, LIMIT) */

/* Byte sieve: composite[i] != 0 means 2*i+1 is composite. */
static uint32_t sieve_bytes(uint8_t *composite, uint64_t *sum) {
  uint32_t half = LIMIT / 2;
  memset(composite, 0, half);
  for (uint32_t i = 1; (2 * i + 1) * (2 * i + 1) < LIMIT; i++) {
    if (composite[i])
      continue;
    uint32_t p = 2 * i + 1;
    for (uint32_t j = (p * p) / 2; j < half; j += p)
      composite[j] = 1;
  }
  uint32_t count = 1; /* the prime 2 */
  uint64_t s = 2;
  for (uint32_t i = 1; i < half; i++)
    if (!composite[i]) {
      count++;
      s += 2 * i + 1;
    }
  *sum = s;
  return count;
}

/* Bit sieve: bit i of bits set means 2*i+1 is composite. */
static uint32_t sieve_bits(uint64_t *bits) {
  uint32_t half = LIMIT / 2;
  memset(bits, 0, half / 8);
  for (uint32_t i = 1; (2 * i + 1) * (2 * i + 1) < LIMIT; i++) {
    if (bits[i >> 6] >> (i & 63) & 1)
      continue;
    uint32_t p = 2 * i + 1;
    for (uint32_t j = (p * p) / 2; j < half; j += p)
      bits[j >> 6] |= 1ull << (j & 63);
  }
  uint32_t count = 1;
  for (uint32_t w = 0; w < half / 64; w++) {
    uint64_t x = ~bits[w];
    while (x) { /* portable popcount */
      x &= x - 1;
      count++;
    }
  }
  return count - 1; /* 1 is not prime (bit 0 is never set) */
}

int main(int argc, char **argv) {
  int reps = 2 * (argc > 1 ? atoi(argv[1]) : 1);
  uint8_t *bytes = malloc(LIMIT / 2);
  uint64_t *bits = malloc(LIMIT / 16);
  if (!bytes || !bits)
    return 1;
  uint32_t c1 = 0, c2 = 0;
  uint64_t sum = 0, check = 0;
  for (int r = 0; r < reps; r++) {
    c1 = sieve_bytes(bytes, &sum);
    c2 = sieve_bits(bits);
    check = check * 31 + c1 + c2 + sum;
  }
  printf("primes below %u: %u (bitset %u) sum=%llu check=%llu\n", LIMIT, c1, c2,
         (unsigned long long)sum, (unsigned long long)check);
  free(bytes);
  free(bits);
  return c1 == c2 ? 0 : 1;
}
