// CPU-bound work through the JIT: a prime sieve, sorting pseudo-random data,
// 64-bit hashing, floating point, and deep recursion; prints the results.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare(const void* a, const void* b) {
  uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return x < y ? -1 : x > y;
}

static uint64_t ackermannish(uint64_t depth) {
  return depth == 0 ? 1 : 1 + ackermannish(depth - 1) % 1000003;
}

int main(void) {
  const int limit = 5000000;
  char* composite = calloc((size_t)limit + 1, 1);
  int primes = 0;
  uint64_t primeSum = 0;
  for (int i = 2; i <= limit; ++i) {
    if (composite[i])
      continue;
    ++primes;
    primeSum += (uint64_t)i;
    for (long j = (long)i * i; j <= limit; j += i)
      composite[j] = 1;
  }
  printf("primes below %d: %d, sum %llu\n", limit, primes, (unsigned long long)primeSum);
  free(composite);

  const size_t count = 1000000;
  uint32_t* values = malloc(count * sizeof *values);
  uint64_t state = 88172645463325252ull;
  for (size_t i = 0; i < count; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    values[i] = (uint32_t)state;
  }
  qsort(values, count, sizeof *values, compare);
  uint64_t mix = 0;
  for (size_t i = 0; i < count; i += 1000)
    mix = mix * 31 + values[i];
  printf("sorted: min %u max %u sample-mix %llu\n", values[0], values[count - 1],
         (unsigned long long)mix);
  free(values);

  double sum = 0;
  for (int i = 1; i <= 1000000; ++i)
    sum += 1.0 / ((double)i * i);
  printf("basel partial sum %.12f (pi^2/6 = %.12f)\n", sum, M_PI * M_PI / 6);
  printf("sqrt(2) %.15f  exp(1) %.15f  sin(1) %.15f\n", sqrt(2.0), exp(1.0), sin(1.0));
  float f = 0.1f;
  for (int i = 0; i < 20; ++i)
    f = f * 1.5f + 0.25f;
  printf("float recurrence %.6e\n", (double)f);
  printf("recursion depth 50000: %llu\n", (unsigned long long)ackermannish(50000));
  char text[64];
  snprintf(text, sizeof text, "%d|%5.2f|%-6s|%x|%lld", -42, 3.14159, "ab", 48879, -1234567890123ll);
  printf("formatting: %s\n", text);
  return 0;
}
