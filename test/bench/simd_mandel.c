/* simd_mandel: Mandelbrot escape counts on a 1024x768 grid, four pixels per f32x4 with lane
 * masks (<wasm_simd128.h>, SSE2 natively, scalar fallback). Measures float SIMD and masks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define W 1024
#define H 768
#define MAX_ITER 1000

#if !defined(BENCH_SCALAR) && defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define HAVE_SIMD 1
typedef v128_t vf4, vm4, vi4;
static inline vf4 vf4_load(const float *p) { return wasm_v128_load(p); }
static inline vf4 vf4_splat(float x) { return wasm_f32x4_splat(x); }
static inline vf4 vf4_add(vf4 a, vf4 b) { return wasm_f32x4_add(a, b); }
static inline vf4 vf4_sub(vf4 a, vf4 b) { return wasm_f32x4_sub(a, b); }
static inline vf4 vf4_mul(vf4 a, vf4 b) { return wasm_f32x4_mul(a, b); }
static inline vm4 vf4_le(vf4 a, vf4 b) { return wasm_f32x4_le(a, b); }
static inline vm4 vm4_and(vm4 a, vm4 b) { return wasm_v128_and(a, b); }
static inline int vm4_any(vm4 m) { return wasm_v128_any_true(m); }
static inline vm4 vm4_all(void) { return wasm_i32x4_splat(-1); }
static inline vi4 vi4_zero(void) { return wasm_i32x4_splat(0); }
static inline vi4 vi4_sub_mask(vi4 c, vm4 m) { return wasm_i32x4_sub(c, m); } /* +1 where set */
static inline void vi4_store(int32_t *p, vi4 v) { wasm_v128_store(p, v); }
#define SIMD_KIND "wasm-simd128"
#elif !defined(BENCH_SCALAR) && defined(__SSE2__)
#include <emmintrin.h>
#define HAVE_SIMD 1
typedef __m128 vf4, vm4;
typedef __m128i vi4;
static inline vf4 vf4_load(const float *p) { return _mm_loadu_ps(p); }
static inline vf4 vf4_splat(float x) { return _mm_set1_ps(x); }
static inline vf4 vf4_add(vf4 a, vf4 b) { return _mm_add_ps(a, b); }
static inline vf4 vf4_sub(vf4 a, vf4 b) { return _mm_sub_ps(a, b); }
static inline vf4 vf4_mul(vf4 a, vf4 b) { return _mm_mul_ps(a, b); }
static inline vm4 vf4_le(vf4 a, vf4 b) { return _mm_cmple_ps(a, b); }
static inline vm4 vm4_and(vm4 a, vm4 b) { return _mm_and_ps(a, b); }
static inline int vm4_any(vm4 m) { return _mm_movemask_ps(m) != 0; }
static inline vm4 vm4_all(void) { return _mm_castsi128_ps(_mm_set1_epi32(-1)); }
static inline vi4 vi4_zero(void) { return _mm_setzero_si128(); }
static inline vi4 vi4_sub_mask(vi4 c, vm4 m) { return _mm_sub_epi32(c, _mm_castps_si128(m)); }
static inline void vi4_store(int32_t *p, vi4 v) { _mm_storeu_si128((__m128i *)p, v); }
#define SIMD_KIND "sse2"
#else
#define SIMD_KIND "scalar"
#endif

/* Escape counts for 4 consecutive pixels of one row. A lane stops counting at its first
 * escape (the active mask), so every path gives exactly the scalar loop's answer. */
static void mandel4(const float *cr, float ci, int32_t out[4]) {
#ifdef HAVE_SIMD
  vf4 vcr = vf4_load(cr), vci = vf4_splat(ci), four = vf4_splat(4.0f);
  vf4 zr = vf4_splat(0.0f), zi = vf4_splat(0.0f);
  vm4 active = vm4_all();
  vi4 count = vi4_zero();
  for (int i = 0; i < MAX_ITER; i++) {
    vf4 zr2 = vf4_mul(zr, zr), zi2 = vf4_mul(zi, zi);
    active = vm4_and(active, vf4_le(vf4_add(zr2, zi2), four));
    if (!vm4_any(active))
      break;
    count = vi4_sub_mask(count, active);
    vf4 t = vf4_mul(zr, zi);
    zi = vf4_add(vf4_add(t, t), vci);
    zr = vf4_add(vf4_sub(zr2, zi2), vcr);
  }
  vi4_store(out, count);
#else
  for (int lane = 0; lane < 4; lane++) {
    float zr = 0.0f, zi = 0.0f;
    int32_t count = 0;
    for (int i = 0; i < MAX_ITER; i++) {
      float zr2 = zr * zr, zi2 = zi * zi;
      if (!(zr2 + zi2 <= 4.0f))
        break;
      count++;
      float t = zr * zi;
      zi = (t + t) + ci;
      zr = (zr2 - zi2) + cr[lane];
    }
    out[lane] = count;
  }
#endif
}

int main(int argc, char **argv) {
  int frames = 3 * (argc > 1 ? atoi(argv[1]) : 1);
  static float cr[W];
  static int32_t counts[W];
  uint64_t total = 0, check = 0;
  uint32_t inside = 0;
  for (int f = 0; f < frames; f++) {
    /* each frame zooms in a little towards the seahorse valley */
    float scale = 1.0f / (float)(1 + f), cx = -0.743f * (1.0f - scale) - 0.6f * scale;
    float cy = 0.131f * (1.0f - scale), dx = 3.2f * scale / W, dy = 2.4f * scale / H;
    for (int x = 0; x < W; x++)
      cr[x] = cx + (float)(x - W / 2) * dx;
    inside = 0;
    for (int y = 0; y < H; y++) {
      float ci = cy + (float)(y - H / 2) * dy;
      for (int x = 0; x < W; x += 4)
        mandel4(cr + x, ci, counts + x);
      uint32_t row = 2166136261u;
      for (int x = 0; x < W; x++) {
        total += (uint64_t)counts[x];
        inside += counts[x] == MAX_ITER;
        row = (row ^ (uint32_t)counts[x]) * 16777619u;
      }
      check = check * 1000003u + row;
    }
  }
  printf("simd_mandel: %dx%d frames=%d iterations=%llu inside(last)=%u check=%016llx\n", W, H,
         frames, (unsigned long long)total, inside, (unsigned long long)check);
  fprintf(stderr, "simd path: %s\n", SIMD_KIND);
  return 0;
}
