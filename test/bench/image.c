/* image: float kernels on a generated 1024x1024 image: separable 5-tap Gaussian blur, Sobel
 * magnitude (sqrtf) and a threshold. Measures float stencils and auto-vectorisation. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define W 1024
#define H 1024

static int clampi(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Separable [1 4 6 4 1] / 16 blur with clamped edges: src -> tmp -> dst. */
static void blur(const float *src, float *tmp, float *dst) {
  static const float k[5] = {1.0f / 16, 4.0f / 16, 6.0f / 16, 4.0f / 16, 1.0f / 16};
  for (int y = 0; y < H; y++) {
    const float *row = src + (size_t)y * W;
    float *out = tmp + (size_t)y * W;
    for (int x = 0; x < 2; x++)
      out[x] = k[0] * row[clampi(x - 2, 0, W - 1)] + k[1] * row[clampi(x - 1, 0, W - 1)] +
               k[2] * row[x] + k[3] * row[x + 1] + k[4] * row[x + 2];
    for (int x = 2; x < W - 2; x++)
      out[x] = k[0] * row[x - 2] + k[1] * row[x - 1] + k[2] * row[x] + k[3] * row[x + 1] +
               k[4] * row[x + 2];
    for (int x = W - 2; x < W; x++)
      out[x] = k[0] * row[x - 2] + k[1] * row[x - 1] + k[2] * row[x] +
               k[3] * row[clampi(x + 1, 0, W - 1)] + k[4] * row[clampi(x + 2, 0, W - 1)];
  }
  for (int y = 0; y < H; y++) {
    const float *r0 = tmp + (size_t)clampi(y - 2, 0, H - 1) * W;
    const float *r1 = tmp + (size_t)clampi(y - 1, 0, H - 1) * W;
    const float *r2 = tmp + (size_t)y * W;
    const float *r3 = tmp + (size_t)clampi(y + 1, 0, H - 1) * W;
    const float *r4 = tmp + (size_t)clampi(y + 2, 0, H - 1) * W;
    float *out = dst + (size_t)y * W;
    for (int x = 0; x < W; x++)
      out[x] = k[0] * r0[x] + k[1] * r1[x] + k[2] * r2[x] + k[3] * r3[x] + k[4] * r4[x];
  }
}

/* Sobel magnitude of the interior; the border is set to zero. */
static void sobel(const float *src, float *dst) {
  for (int x = 0; x < W; x++) {
    dst[x] = 0.0f;
    dst[(size_t)(H - 1) * W + x] = 0.0f;
  }
  for (int y = 1; y < H - 1; y++) {
    const float *a = src + (size_t)(y - 1) * W, *b = src + (size_t)y * W,
                *c = src + (size_t)(y + 1) * W;
    float *out = dst + (size_t)y * W;
    out[0] = out[W - 1] = 0.0f;
    for (int x = 1; x < W - 1; x++) {
      float gx = (a[x + 1] + 2.0f * b[x + 1] + c[x + 1]) - (a[x - 1] + 2.0f * b[x - 1] + c[x - 1]);
      float gy = (c[x - 1] + 2.0f * c[x] + c[x + 1]) - (a[x - 1] + 2.0f * a[x] + a[x + 1]);
      out[x] = sqrtf(gx * gx + gy * gy);
    }
  }
}

int main(int argc, char **argv) {
  int rounds = 400 * (argc > 1 ? atoi(argv[1]) : 1);
  size_t n = (size_t)W * H;
  float *img = malloc(n * sizeof(float)), *tmp = malloc(n * sizeof(float));
  float *blurred = malloc(n * sizeof(float)), *edges = malloc(n * sizeof(float));
  float *orig = malloc(n * sizeof(float));
  if (!img || !tmp || !blurred || !edges || !orig)
    return 1;
  uint32_t s = 2463534242u;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      s ^= s << 13;
      s ^= s >> 17;
      s ^= s << 5;
      /* rings and stripes plus noise, all in [0, 1] */
      int dx = x - W / 2, dy = y - H / 3;
      float ring = (float)(((dx * dx + dy * dy) >> 9) & 15) / 15.0f;
      float stripe = ((x / 37 + y / 53) & 1) ? 0.25f : 0.0f;
      orig[(size_t)y * W + x] = 0.6f * ring + stripe + 0.15f * (float)(s >> 8) / 16777216.0f;
      img[(size_t)y * W + x] = orig[(size_t)y * W + x];
    }

  uint64_t check = 0;
  uint32_t strong = 0;
  for (int r = 0; r < rounds; r++) {
    blur(img, tmp, blurred);
    sobel(blurred, edges);
    strong = 0;
    for (size_t i = 0; i < n; i++) {
      strong += edges[i] > 0.5f;
      /* feed the edges back so each round sees a different image (and no denormals) */
      img[i] = 0.75f * orig[i] + 0.25f * (edges[i] > 1.0f ? 1.0f : edges[i]);
    }
    for (size_t i = 0; i < n; i += 97)
      check = check * 1000003u + (uint64_t)(int64_t)(edges[i] * 4096.0f);
  }
  double total = 0.0;
  for (size_t i = 0; i < n; i++)
    total += img[i];
  printf("image %dx%d rounds=%d strong-edges=%u check=%016llx mean=%.6f\n", W, H, rounds, strong,
         (unsigned long long)check, total / (double)n);
  free(img);
  free(tmp);
  free(blurred);
  free(edges);
  free(orig);
  return 0;
}
