/* simd_image: 8-bit image kernels with i8x16/i16x8 SIMD (<wasm_simd128.h>, SSE2 natively,
 * scalar fallback): alpha blend, 3x3 average blur, 4-bin histogram, SAD block search. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* u8x16 / u16x8 layer for wasm and SSE2; the kernels below have plain scalar fallbacks that
 * compute exactly the same values. Define BENCH_SCALAR to force the fallback. */
#if !defined(BENCH_SCALAR) && (defined(__wasm_simd128__) || defined(__SSE2__))
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
typedef v128_t vu8;
static inline vu8 u8_load(const uint8_t *p) { return wasm_v128_load(p); }
static inline void u8_store(uint8_t *p, vu8 v) { wasm_v128_store(p, v); }
static inline vu8 u8_splat(uint8_t x) { return wasm_u8x16_splat(x); }
static inline vu8 u8_avg(vu8 a, vu8 b) { return wasm_u8x16_avgr(a, b); }
static inline vu8 u8_subs(vu8 a, vu8 b) { return wasm_u8x16_sub_sat(a, b); }
static inline vu8 u8_or(vu8 a, vu8 b) { return wasm_v128_or(a, b); }
static inline vu8 u8_eq(vu8 a, vu8 b) { return wasm_i8x16_eq(a, b); }
static inline vu8 u8_sub(vu8 a, vu8 b) { return wasm_i8x16_sub(a, b); }
static inline vu8 u16_lo(vu8 v) { return wasm_u16x8_extend_low_u8x16(v); }
static inline vu8 u16_hi(vu8 v) { return wasm_u16x8_extend_high_u8x16(v); }
static inline vu8 u16_splat(uint16_t x) { return wasm_u16x8_splat(x); }
static inline vu8 u16_add(vu8 a, vu8 b) { return wasm_i16x8_add(a, b); }
static inline vu8 u16_mul(vu8 a, vu8 b) { return wasm_i16x8_mul(a, b); }
static inline vu8 u16_shr8(vu8 v) { return wasm_u16x8_shr(v, 8); }
static inline vu8 u8_pack(vu8 lo, vu8 hi) { return wasm_u8x16_narrow_i16x8(lo, hi); }
#define SIMD_KIND "wasm-simd128"
#else
#include <emmintrin.h>
typedef __m128i vu8;
static inline vu8 u8_load(const uint8_t *p) { return _mm_loadu_si128((const __m128i *)p); }
static inline void u8_store(uint8_t *p, vu8 v) { _mm_storeu_si128((__m128i *)p, v); }
static inline vu8 u8_splat(uint8_t x) { return _mm_set1_epi8((char)x); }
static inline vu8 u8_avg(vu8 a, vu8 b) { return _mm_avg_epu8(a, b); }
static inline vu8 u8_subs(vu8 a, vu8 b) { return _mm_subs_epu8(a, b); }
static inline vu8 u8_or(vu8 a, vu8 b) { return _mm_or_si128(a, b); }
static inline vu8 u8_eq(vu8 a, vu8 b) { return _mm_cmpeq_epi8(a, b); }
static inline vu8 u8_sub(vu8 a, vu8 b) { return _mm_sub_epi8(a, b); }
static inline vu8 u16_lo(vu8 v) { return _mm_unpacklo_epi8(v, _mm_setzero_si128()); }
static inline vu8 u16_hi(vu8 v) { return _mm_unpackhi_epi8(v, _mm_setzero_si128()); }
static inline vu8 u16_splat(uint16_t x) { return _mm_set1_epi16((short)x); }
static inline vu8 u16_add(vu8 a, vu8 b) { return _mm_add_epi16(a, b); }
static inline vu8 u16_mul(vu8 a, vu8 b) { return _mm_mullo_epi16(a, b); }
static inline vu8 u16_shr8(vu8 v) { return _mm_srli_epi16(v, 8); }
static inline vu8 u8_pack(vu8 lo, vu8 hi) { return _mm_packus_epi16(lo, hi); }
#define SIMD_KIND "sse2"
#endif
static inline uint32_t u16_hsum(vu8 v) {
  uint16_t l[8];
  u8_store((uint8_t *)l, v);
  return (uint32_t)l[0] + l[1] + l[2] + l[3] + l[4] + l[5] + l[6] + l[7];
}
#define HAVE_SIMD 1
#else
#define SIMD_KIND "scalar"
#endif

#define W 1024
#define H 1024
#define BLOCK 16
#define RANGE 4 /* search displacements -RANGE..RANGE in x and y */

/* out = (a*alpha + b*(256-alpha) + 128) >> 8, per byte */
static void blend(const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n, uint8_t alpha) {
#ifndef HAVE_SIMD
  for (size_t i = 0; i < n; i++)
    out[i] = (uint8_t)((a[i] * alpha + b[i] * (256 - alpha) + 128) >> 8);
#else
  vu8 va = u16_splat(alpha), vb = u16_splat((uint16_t)(256 - alpha)), half = u16_splat(128);
  for (size_t i = 0; i < n; i += 16) {
    vu8 x = u8_load(a + i), y = u8_load(b + i);
    vu8 lo = u16_add(u16_add(u16_mul(u16_lo(x), va), u16_mul(u16_lo(y), vb)), half);
    vu8 hi = u16_add(u16_add(u16_mul(u16_hi(x), va), u16_mul(u16_hi(y), vb)), half);
    u8_store(out + i, u8_pack(u16_shr8(lo), u16_shr8(hi)));
  }
#endif
}

static inline uint8_t avg3(int left, int right, int centre) {
  return (uint8_t)((((left + right + 1) >> 1) + centre + 1) >> 1);
}

/* 3x3 blur as avg(avg(left, right), centre), horizontally then vertically; edges are copied. */
static void blur(const uint8_t *src, uint8_t *tmp, uint8_t *dst) {
  for (int y = 0; y < H; y++) {
    const uint8_t *s = src + (size_t)y * W;
    uint8_t *t = tmp + (size_t)y * W;
    int x = 1;
    t[0] = s[0];
#ifdef HAVE_SIMD
    for (; x < 16; x++)
      t[x] = avg3(s[x - 1], s[x + 1], s[x]);
    for (; x < W - 16; x += 16)
      u8_store(t + x, u8_avg(u8_avg(u8_load(s + x - 1), u8_load(s + x + 1)), u8_load(s + x)));
#endif
    for (; x < W - 1; x++)
      t[x] = avg3(s[x - 1], s[x + 1], s[x]);
    t[W - 1] = s[W - 1];
  }
  memcpy(dst, tmp, W);
  memcpy(dst + (size_t)(H - 1) * W, tmp + (size_t)(H - 1) * W, W);
  for (int y = 1; y < H - 1; y++) {
    const uint8_t *c = tmp + (size_t)y * W;
    uint8_t *d = dst + (size_t)y * W;
#ifdef HAVE_SIMD
    for (int x = 0; x < W; x += 16)
      u8_store(d + x, u8_avg(u8_avg(u8_load(c + x - W), u8_load(c + x + W)), u8_load(c + x)));
#else
    for (int x = 0; x < W; x++)
      d[x] = avg3(c[x - W], c[x + W], c[x]);
#endif
  }
}

/* Counts of pixels <= 63, <= 127, <= 191 (cumulative), via saturating-subtract compares. */
static void histogram4(const uint8_t *p, size_t n, uint32_t counts[3]) {
  const uint8_t limits[3] = {63, 127, 191};
#ifdef HAVE_SIMD
  for (int k = 0; k < 3; k++) {
    vu8 t = u8_splat(limits[k]), zero = u8_splat(0);
    for (size_t i = 0; i < n;) {
      vu8 acc = zero; /* byte counters: flush before they can overflow */
      for (int j = 0; j < 255 && i < n; j++, i += 16)
        acc = u8_sub(acc, u8_eq(u8_subs(u8_load(p + i), t), zero));
      counts[k] += u16_hsum(u16_add(u16_lo(acc), u16_hi(acc)));
    }
  }
#else
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < 3; k++)
      counts[k] += p[i] <= limits[k];
#endif
}

static uint32_t sad16x16(const uint8_t *a, const uint8_t *b) {
#ifdef HAVE_SIMD
  vu8 acc = u16_splat(0);
  for (int r = 0; r < BLOCK; r++) {
    vu8 x = u8_load(a + (size_t)r * W), y = u8_load(b + (size_t)r * W);
    vu8 d = u8_or(u8_subs(x, y), u8_subs(y, x)); /* |x - y| */
    acc = u16_add(acc, u16_add(u16_lo(d), u16_hi(d)));
  }
  return u16_hsum(acc);
#else
  uint32_t sum = 0;
  for (int r = 0; r < BLOCK; r++)
    for (int c = 0; c < BLOCK; c++) {
      int x = a[(size_t)r * W + c], y = b[(size_t)r * W + c];
      sum += (uint32_t)(x > y ? x - y : y - x);
    }
  return sum;
#endif
}

/* Motion search: for each block of cur, the best displacement into ref. */
static uint64_t motion_search(const uint8_t *cur, const uint8_t *ref, uint32_t *total_sad) {
  uint64_t h = 0;
  uint32_t total = 0;
  for (int by = RANGE; by + BLOCK + RANGE <= H; by += BLOCK)
    for (int bx = RANGE; bx + BLOCK + RANGE <= W; bx += BLOCK) {
      const uint8_t *c = cur + (size_t)by * W + bx;
      uint32_t best = UINT32_MAX;
      int best_dx = 0, best_dy = 0;
      for (int dy = -RANGE; dy <= RANGE; dy++)
        for (int dx = -RANGE; dx <= RANGE; dx++) {
          uint32_t sad = sad16x16(c, ref + (size_t)(by + dy) * W + (bx + dx));
          if (sad < best) {
            best = sad;
            best_dx = dx;
            best_dy = dy;
          }
        }
      total += best;
      h = h * 31 + (uint64_t)((best_dx + RANGE) * 9 + best_dy + RANGE);
    }
  *total_sad = total;
  return h;
}

int main(int argc, char **argv) {
  int rounds = 180 * (argc > 1 ? atoi(argv[1]) : 1);
  size_t n = (size_t)W * H;
  uint8_t *f0 = malloc(n), *f1 = malloc(n), *mix = malloc(n);
  uint8_t *tmp = malloc(n), *blurred = malloc(n);
  if (!f0 || !f1 || !mix || !tmp || !blurred)
    return 1;
  uint32_t s = 1234567u;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      s ^= s << 13;
      s ^= s >> 17;
      s ^= s << 5;
      f0[(size_t)y * W + x] = (uint8_t)(((x * x + 3 * y * y) >> 7) + (s >> 29));
    }
  /* frame 1: frame 0 shifted by (3, -2) plus a little noise */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      s ^= s << 13;
      s ^= s >> 17;
      s ^= s << 5;
      int sx = (x + 3) % W, sy = (y + H - 2) % H;
      f1[(size_t)y * W + x] = (uint8_t)(f0[(size_t)sy * W + sx] ^ (s >> 30));
    }

  uint64_t check = 0;
  uint32_t counts[3] = {0, 0, 0}, total_sad = 0;
  for (int r = 0; r < rounds; r++) {
    blend(f0, f1, mix, n, (uint8_t)(40 + 25 * r));
    blur(mix, tmp, blurred);
    histogram4(blurred, n, counts);
    check = check * 1000003u + motion_search(f1, blurred, &total_sad) + total_sad;
  }
  printf("simd_image: rounds=%d hist<=63,127,191: %u %u %u sad=%u check=%016llx\n", rounds,
         counts[0], counts[1], counts[2], total_sad, (unsigned long long)check);
  fprintf(stderr, "simd path: %s\n", SIMD_KIND);
  free(f0);
  free(f1);
  free(mix);
  free(tmp);
  free(blurred);
  return 0;
}
