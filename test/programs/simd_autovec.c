// SIMD end to end: plain C loops that clang vectorises at -O2 with
// -msimd128 (integer and float arithmetic, saturation, conversions,
// reductions), one checksum line per kernel. The loops are ordinary C, so
// the native build computes the same values and prints the same lines.
//
// Nothing here depends on the order of floating-point operations: the float
// kernels are element-wise (no reductions, which clang reorders only under
// -ffast-math) and each product and sum is its own statement, so neither
// build may contract them into a fused multiply-add.

#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { kSize = 4099 }; // not a multiple of the vector width: the scalar tails run too

static uint8_t bytes_a[kSize], bytes_b[kSize], bytes_out[kSize];
static int16_t shorts_out[kSize];
static int32_t ints_a[kSize], ints_b[kSize], ints_out[kSize];
static float floats_a[kSize], floats_b[kSize], floats_out[kSize];
static double doubles_out[kSize];

static uint64_t rng_state = 0x243f6a8885a308d3u;

static uint32_t next_random(void) {
  rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
  return (uint32_t)(rng_state >> 32);
}

static uint32_t hash_bytes(const void* data, size_t size) {
  const uint8_t* p = data;
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < size; ++i)
    hash = (hash ^ p[i]) * 16777619u;
  return hash;
}

static uint32_t total = 2166136261u;

static void report(const char* name, uint32_t hash) {
  printf("%-24s %08x\n", name, hash);
  total = (total ^ hash) * 16777619u;
}

// --- kernels (noinline so each is one vectorised loop) ------------------------

/// In unsigned arithmetic: signed overflow would be undefined in C.
__attribute__((noinline)) static void saxpy_i32(uint32_t a, const int32_t* x, int32_t* y, int n) {
  for (int i = 0; i < n; ++i)
    y[i] = (int32_t)(a * (uint32_t)x[i] + (uint32_t)y[i]);
}

/// Alpha blend of two byte images, rounded: (a*alpha + b*(255-alpha) + 127) / 255.
__attribute__((noinline)) static void blend_u8(const uint8_t* a, const uint8_t* b, uint8_t alpha, uint8_t* out,
                                               int n) {
  for (int i = 0; i < n; ++i)
    out[i] = (uint8_t)((a[i] * alpha + b[i] * (255 - alpha) + 127) / 255);
}

__attribute__((noinline)) static uint32_t sum_abs_diff_u8(const uint8_t* a, const uint8_t* b, int n) {
  uint32_t sum = 0;
  for (int i = 0; i < n; ++i)
    sum += (uint32_t)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
  return sum;
}

__attribute__((noinline)) static void add_saturate_i16(const int32_t* a, const int32_t* b, int16_t* out, int n) {
  for (int i = 0; i < n; ++i) {
    int32_t v = (a[i] >> 16) + (b[i] >> 17);
    out[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
  }
}

__attribute__((noinline)) static uint32_t count_equal_u8(const uint8_t* a, const uint8_t* b, int n) {
  uint32_t count = 0;
  for (int i = 0; i < n; ++i)
    count += (a[i] & 0x0f) == (b[i] & 0x0f);
  return count;
}

__attribute__((noinline)) static int32_t max_i32(const int32_t* a, int n) {
  int32_t best = INT32_MIN;
  for (int i = 0; i < n; ++i)
    best = a[i] > best ? a[i] : best;
  return best;
}

__attribute__((noinline)) static void shifts_u32(const int32_t* a, const int32_t* b, int32_t* out, int n) {
  for (int i = 0; i < n; ++i)
    out[i] = (int32_t)(((uint32_t)a[i] >> 7) ^ ((uint32_t)b[i] << 3) ^ (uint32_t)(a[i] >> 29));
}

__attribute__((noinline)) static void mul_add_f32(const float* a, const float* b, float* out, int n) {
  for (int i = 0; i < n; ++i) {
    float product = a[i] * b[i];
    float sum = product + a[i];
    out[i] = sum / (b[i] + 3.0f);
  }
}

/// Clamp with compare-and-select (what wasm's pmin/pmax are).
__attribute__((noinline)) static void clamp_f32(const float* a, float lo, float hi, float* out, int n) {
  for (int i = 0; i < n; ++i) {
    float x = a[i] < lo ? lo : a[i];
    out[i] = x > hi ? hi : x;
  }
}

/// Float to int on values already in range (out of range would be UB in C).
__attribute__((noinline)) static void to_int_f32(const float* a, int32_t* out, int n) {
  for (int i = 0; i < n; ++i) {
    float x = a[i] < -1e9f ? -1e9f : a[i] > 1e9f ? 1e9f : a[i];
    out[i] = (int32_t)x;
  }
}

__attribute__((noinline)) static void to_float_i32(const int32_t* a, float* out, int n) {
  for (int i = 0; i < n; ++i)
    out[i] = (float)a[i] * 0.5f;
}

__attribute__((noinline)) static void widen_f32(const float* a, const float* b, double* out, int n) {
  for (int i = 0; i < n; ++i) {
    double wide = (double)a[i];
    out[i] = wide * (double)b[i];
  }
}

__attribute__((noinline)) static void widen_mul_i16(const int32_t* a, const int32_t* b, int32_t* out, int n) {
  for (int i = 0; i < n; ++i)
    out[i] = (int16_t)a[i] * (int16_t)b[i];
}

int main(void) {
  for (int i = 0; i < kSize; ++i) {
    bytes_a[i] = (uint8_t)next_random();
    bytes_b[i] = (uint8_t)next_random();
    ints_a[i] = (int32_t)next_random();
    ints_b[i] = (int32_t)next_random();
    floats_a[i] = (float)((int32_t)next_random() % 1000000) / 128.0f;
    floats_b[i] = (float)((int32_t)next_random() % 1000) / 16.0f;
  }

  memcpy(ints_out, ints_b, sizeof ints_out);
  for (int round = 0; round < 8; ++round)
    saxpy_i32((uint32_t)(round * 7 - 3), ints_a, ints_out, kSize);
  report("saxpy_i32", hash_bytes(ints_out, sizeof ints_out));

  uint32_t hash = 2166136261u;
  for (int alpha = 0; alpha < 256; alpha += 15) {
    blend_u8(bytes_a, bytes_b, (uint8_t)alpha, bytes_out, kSize);
    hash = (hash ^ hash_bytes(bytes_out, sizeof bytes_out)) * 16777619u;
  }
  report("blend_u8", hash);

  report("sum_abs_diff_u8", sum_abs_diff_u8(bytes_a, bytes_b, kSize));
  add_saturate_i16(ints_a, ints_b, shorts_out, kSize);
  report("add_saturate_i16", hash_bytes(shorts_out, sizeof shorts_out));
  report("count_equal_u8", count_equal_u8(bytes_a, bytes_b, kSize));
  report("max_i32", (uint32_t)max_i32(ints_a, kSize));
  shifts_u32(ints_a, ints_b, ints_out, kSize);
  report("shifts_u32", hash_bytes(ints_out, sizeof ints_out));
  mul_add_f32(floats_a, floats_b, floats_out, kSize);
  report("mul_add_f32", hash_bytes(floats_out, sizeof floats_out));
  clamp_f32(floats_a, -2000.0f, 3000.5f, floats_out, kSize);
  report("clamp_f32", hash_bytes(floats_out, sizeof floats_out));
  to_int_f32(floats_a, ints_out, kSize);
  report("to_int_f32", hash_bytes(ints_out, sizeof ints_out));
  to_float_i32(ints_a, floats_out, kSize);
  report("to_float_i32", hash_bytes(floats_out, sizeof floats_out));
  widen_f32(floats_a, floats_b, doubles_out, kSize);
  report("widen_f32", hash_bytes(doubles_out, sizeof doubles_out));
  widen_mul_i16(ints_a, ints_b, ints_out, kSize);
  report("widen_mul_i16", hash_bytes(ints_out, sizeof ints_out));

  printf("%-24s %08x\n", "total", total);
  return 0;
}
