/* simd_dot: f32x4 dot products, axpby and a 64x1024 matrix-vector product via <wasm_simd128.h>
 * (SSE2 natively, 4-lane scalar fallback otherwise). Measures 128-bit float SIMD. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A minimal 4 x f32 vector layer (define BENCH_SCALAR to force the scalar one). Every path
 * performs the same IEEE operations per lane, and horizontal sums use the fixed order
 * (l0 + l1) + (l2 + l3), so results are identical. */
#if !defined(BENCH_SCALAR) && defined(__wasm_simd128__)
#include <wasm_simd128.h>
typedef v128_t vf4;
static inline vf4 vf4_load(const float *p) { return wasm_v128_load(p); }
static inline void vf4_store(float *p, vf4 v) { wasm_v128_store(p, v); }
static inline vf4 vf4_splat(float x) { return wasm_f32x4_splat(x); }
static inline vf4 vf4_add(vf4 a, vf4 b) { return wasm_f32x4_add(a, b); }
static inline vf4 vf4_mul(vf4 a, vf4 b) { return wasm_f32x4_mul(a, b); }
#define SIMD_KIND "wasm-simd128"
#elif !defined(BENCH_SCALAR) && defined(__SSE2__)
#include <emmintrin.h>
typedef __m128 vf4;
static inline vf4 vf4_load(const float *p) { return _mm_loadu_ps(p); }
static inline void vf4_store(float *p, vf4 v) { _mm_storeu_ps(p, v); }
static inline vf4 vf4_splat(float x) { return _mm_set1_ps(x); }
static inline vf4 vf4_add(vf4 a, vf4 b) { return _mm_add_ps(a, b); }
static inline vf4 vf4_mul(vf4 a, vf4 b) { return _mm_mul_ps(a, b); }
#define SIMD_KIND "sse2"
#else
typedef struct {
  float f[4];
} vf4;
static inline vf4 vf4_load(const float *p) { return (vf4){{p[0], p[1], p[2], p[3]}}; }
static inline void vf4_store(float *p, vf4 v) {
  for (int i = 0; i < 4; i++)
    p[i] = v.f[i];
}
static inline vf4 vf4_splat(float x) { return (vf4){{x, x, x, x}}; }
static inline vf4 vf4_add(vf4 a, vf4 b) {
  for (int i = 0; i < 4; i++)
    a.f[i] += b.f[i];
  return a;
}
static inline vf4 vf4_mul(vf4 a, vf4 b) {
  for (int i = 0; i < 4; i++)
    a.f[i] *= b.f[i];
  return a;
}
#define SIMD_KIND "scalar"
#endif

static inline float vf4_hsum(vf4 v) {
  float l[4];
  vf4_store(l, v);
  return (l[0] + l[1]) + (l[2] + l[3]);
}

/* n must be a multiple of 16; four accumulators hide the add latency. */
static float dot(const float *x, const float *y, int n) {
  vf4 a0 = vf4_splat(0), a1 = a0, a2 = a0, a3 = a0;
  for (int i = 0; i < n; i += 16) {
    a0 = vf4_add(a0, vf4_mul(vf4_load(x + i), vf4_load(y + i)));
    a1 = vf4_add(a1, vf4_mul(vf4_load(x + i + 4), vf4_load(y + i + 4)));
    a2 = vf4_add(a2, vf4_mul(vf4_load(x + i + 8), vf4_load(y + i + 8)));
    a3 = vf4_add(a3, vf4_mul(vf4_load(x + i + 12), vf4_load(y + i + 12)));
  }
  return vf4_hsum(vf4_add(vf4_add(a0, a1), vf4_add(a2, a3)));
}

/* y = c*y + s*x */
static void axpby(float c, float s, const float *x, float *y, int n) {
  vf4 vc = vf4_splat(c), vs = vf4_splat(s);
  for (int i = 0; i < n; i += 4)
    vf4_store(y + i, vf4_add(vf4_mul(vc, vf4_load(y + i)), vf4_mul(vs, vf4_load(x + i))));
}

#define N 4096          /* vector length for dot and axpby */
#define BIG (64 * 1024) /* a and b are 256 KiB each: windows of them stay in L2 */
#define ROWS 64
#define COLS 1024

int main(int argc, char **argv) {
  int rounds = 180000 * (argc > 1 ? atoi(argv[1]) : 1);
  float *a = malloc(sizeof(float) * BIG), *b = malloc(sizeof(float) * BIG);
  float *m = malloc(sizeof(float) * ROWS * COLS), *out = malloc(sizeof(float) * ROWS);
  if (!a || !b || !m || !out)
    return 1;
  uint32_t s = 88172645u;
  for (int i = 0; i < 2 * BIG + ROWS * COLS; i++) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    float v = (float)(int32_t)(s >> 8 & 0xFFFF) / 32768.0f - 1.0f; /* [-1, 1) */
    if (i < BIG)
      a[i] = v;
    else if (i < 2 * BIG)
      b[i - BIG] = v;
    else
      m[i - 2 * BIG] = v;
  }

  uint64_t check = 0;
  float d = 0.0f;
  for (int r = 0; r < rounds; r++) {
    /* windows move through the arrays; offsets stay multiples of 16 floats */
    const float *x = a + (size_t)r * 1040 % (BIG - N);
    float *y = b + (size_t)r * 2064 % (BIG - N);
    d = dot(x, y, N);
    axpby(0.75f, 0.25f, x, y, N); /* convex combination: |y| stays <= 1 */
    for (int j = 0; j < ROWS; j++)
      out[j] = dot(m + (size_t)j * COLS, y + (r % 4) * COLS, COLS);
    check = check * 1000003u + (uint64_t)(int64_t)(out[r % ROWS] * 1024.0f);
    check = check * 31u + (uint64_t)(int64_t)(d * 1024.0f);
  }
  printf("simd_dot: rounds=%d last-dot=%.4f check=%016llx\n", rounds, d, (unsigned long long)check);
  fprintf(stderr, "simd path: %s\n", SIMD_KIND);
  free(a);
  free(b);
  free(m);
  free(out);
  return 0;
}
