/* lz: our own LZ77 compressor (hash chains, 64 KiB window) and decompressor round-tripping
 * 8 MiB of text-like data. Measures byte loops, hashing, branches and overlapping copies. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_SIZE (8u << 20)
#define WINDOW (1u << 16)
#define HASH_BITS 15
#define MIN_MATCH 4
#define MAX_MATCH (MIN_MATCH + 127)
#define MAX_CHAIN 16

/* Stream format: a control byte c. c < 128: c+1 literal bytes follow.
 * c >= 128: a match of length c-128+MIN_MATCH at the 16-bit little-endian offset that follows. */

static uint32_t hash4(const uint8_t *p) {
  uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  return (v * 2654435761u) >> (32 - HASH_BITS);
}

static size_t flush_literals(uint8_t *out, size_t o, const uint8_t *lit, size_t n) {
  while (n > 0) {
    size_t run = n > 128 ? 128 : n;
    out[o++] = (uint8_t)(run - 1);
    memcpy(out + o, lit, run);
    o += run;
    lit += run;
    n -= run;
  }
  return o;
}

static size_t compress(const uint8_t *in, size_t n, uint8_t *out, int32_t *head, int32_t *prev) {
  for (size_t i = 0; i < (1u << HASH_BITS); i++)
    head[i] = -1;
  size_t o = 0, lit_start = 0, i = 0;
  while (i + MIN_MATCH <= n) {
    uint32_t h = hash4(in + i);
    size_t best_len = 0, best_off = 0;
    int32_t cand = head[h];
    for (int chain = 0; cand >= 0 && chain < MAX_CHAIN; chain++) {
      size_t off = i - (size_t)cand;
      if (off >= WINDOW)
        break;
      size_t limit = n - i < MAX_MATCH ? n - i : MAX_MATCH, len = 0;
      while (len < limit && in[cand + len] == in[i + len])
        len++;
      if (len > best_len) {
        best_len = len;
        best_off = off;
        if (len == limit)
          break;
      }
      cand = prev[cand & (WINDOW - 1)];
    }
    prev[i & (WINDOW - 1)] = head[h];
    head[h] = (int32_t)i;
    if (best_len >= MIN_MATCH) {
      o = flush_literals(out, o, in + lit_start, i - lit_start);
      out[o++] = (uint8_t)(128 + best_len - MIN_MATCH);
      out[o++] = (uint8_t)best_off;
      out[o++] = (uint8_t)(best_off >> 8);
      /* insert the skipped positions into the chains too */
      for (size_t k = i + 1; k < i + best_len && k + MIN_MATCH <= n; k++) {
        uint32_t hk = hash4(in + k);
        prev[k & (WINDOW - 1)] = head[hk];
        head[hk] = (int32_t)k;
      }
      i += best_len;
      lit_start = i;
    } else {
      i++;
    }
  }
  return flush_literals(out, o, in + lit_start, n - lit_start);
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out) {
  size_t i = 0, o = 0;
  while (i < n) {
    uint8_t c = in[i++];
    if (c < 128) {
      memcpy(out + o, in + i, (size_t)c + 1);
      i += (size_t)c + 1;
      o += (size_t)c + 1;
    } else {
      size_t len = (size_t)c - 128 + MIN_MATCH;
      size_t off = (size_t)in[i] | (size_t)in[i + 1] << 8;
      i += 2;
      for (size_t k = 0; k < len; k++) /* may overlap: copy byte by byte */
        out[o + k] = out[o - off + k];
      o += len;
    }
  }
  return o;
}

static uint64_t rng = 0xDEADBEEFCAFEF00Dull;
static uint32_t next(uint32_t bound) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)((rng >> 32) % bound);
}

/* Text-like input: words from a random 600-word vocabulary with a skewed distribution. */
static void generate(uint8_t *buf, size_t n) {
  static char words[600][12];
  for (int w = 0; w < 600; w++) {
    int len = 2 + (int)next(9);
    for (int k = 0; k < len; k++)
      words[w][k] = (char)('a' + next(26));
    words[w][len] = 0;
  }
  size_t o = 0;
  while (o < n) {
    uint32_t r = next(1000);
    const char *w = words[(r * r) / 1700]; /* small indices are more frequent */
    for (size_t k = 0; w[k] && o < n; k++)
      buf[o++] = (uint8_t)w[k];
    if (o < n)
      buf[o++] = next(12) == 0 ? '\n' : next(15) == 0 ? ',' : ' ';
    if (next(50) == 0) /* the occasional number breaks up repetition */
      for (int d = 0; d < 5 && o < n; d++)
        buf[o++] = (uint8_t)('0' + next(10));
  }
}

int main(int argc, char **argv) {
  int reps = 6 * (argc > 1 ? atoi(argv[1]) : 1);
  uint8_t *in = malloc(INPUT_SIZE);
  uint8_t *packed = malloc(INPUT_SIZE + INPUT_SIZE / 64 + 16);
  uint8_t *back = malloc(INPUT_SIZE);
  int32_t *head = malloc(sizeof(int32_t) << HASH_BITS);
  int32_t *prev = malloc(sizeof(int32_t) * WINDOW);
  if (!in || !packed || !back || !head || !prev)
    return 1;
  generate(in, INPUT_SIZE);
  size_t packed_size = 0;
  uint32_t h = 2166136261u;
  for (int r = 0; r < reps; r++) {
    packed_size = compress(in, INPUT_SIZE, packed, head, prev);
    size_t n = decompress(packed, packed_size, back);
    if (n != INPUT_SIZE || memcmp(in, back, INPUT_SIZE) != 0) {
      printf("round trip failed\n");
      return 1;
    }
  }
  for (size_t i = 0; i < packed_size; i++)
    h = (h ^ packed[i]) * 16777619u;
  printf("lz: %u -> %zu bytes (%.2f%%), compressed fnv1a=%08x\n", INPUT_SIZE, packed_size,
         100.0 * (double)packed_size / INPUT_SIZE, h);
  return 0;
}
