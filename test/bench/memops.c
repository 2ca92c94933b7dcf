/* memops: memcpy/memset/memmove on 16 MiB buffers: bulk fills and copies, overlapping moves,
 * many small copies. Measures the libc (or bulk-memory) block primitives. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE (16u << 20)

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint32_t next(uint32_t bound) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)((rng >> 32) % bound);
}

static uint32_t fnv_sample(const uint8_t *p, size_t n, size_t stride, uint32_t h) {
  for (size_t i = 0; i < n; i += stride)
    h = (h ^ p[i]) * 16777619u;
  return (h ^ p[n - 1]) * 16777619u;
}

typedef struct {
  uint32_t id;
  uint16_t kind, flags;
  double weight;
  char name[20];
} Record; /* copied by value below, like real code does */

int main(int argc, char **argv) {
  int reps = 128 * (argc > 1 ? atoi(argv[1]) : 1);
  uint8_t *a = malloc(SIZE), *b = malloc(SIZE);
  Record *recs = malloc(sizeof(Record) * 4096);
  if (!a || !b || !recs)
    return 1;
  for (size_t i = 0; i < SIZE; i++)
    a[i] = (uint8_t)(i * 7 + (i >> 11));
  for (int i = 0; i < 4096; i++) {
    recs[i] = (Record){(uint32_t)i, (uint16_t)(i % 7), 0, i * 0.5, {0}};
    memset(recs[i].name, 'a' + i % 26, (size_t)(i % 19));
  }

  uint32_t h = 2166136261u;
  for (int r = 0; r < reps; r++) {
    /* 1. whole-buffer fill and copy */
    memset(b, r, SIZE);
    memcpy(b, a, SIZE);
    /* 2. overlapping moves by small odd distances, both directions */
    memmove(b + 1 + r % 7, b, SIZE - 8);
    memmove(b, b + 3, SIZE - 8);
    /* 3. large random block copies and fills */
    for (int k = 0; k < 256; k++) {
      uint32_t len = 1 + next(64 << 10);
      uint32_t src = next(SIZE - len), dst = next(SIZE - len);
      memcpy(a + dst, b + src, len);
      memset(b + next(SIZE - len), (int)k, len / 2);
    }
    /* 4. many small copies of 1..64 bytes at unaligned offsets */
    for (int k = 0; k < 200000; k++) {
      uint32_t len = 1 + next(64);
      uint32_t src = next(SIZE - 64), dst = next(SIZE - 64);
      memcpy(b + dst, a + src, len);
    }
    /* 5. struct copies and shifts of an array of records */
    for (int k = 0; k < 64; k++) {
      memmove(recs + 1, recs, sizeof(Record) * 4095);
      recs[0] = recs[4095];
      recs[0].flags = (uint16_t)(recs[0].flags + 1);
    }
    h = fnv_sample(a, SIZE, 4093, h);
    h = fnv_sample(b, SIZE, 4091, h);
  }
  uint32_t full = fnv_sample(a, SIZE, 1, 2166136261u);
  uint32_t rech = 2166136261u;
  for (int i = 0; i < 4096; i++)
    rech = (rech ^ recs[i].id ^ (uint32_t)recs[i].flags << 16) * 16777619u;
  printf("memops: reps=%d sampled=%08x full=%08x records=%08x\n", reps, h, full, rech);
  free(a);
  free(b);
  free(recs);
  return 0;
}
