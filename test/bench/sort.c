/* sort: our own median-of-three quicksort of 4M random 32-bit keys and a bottom-up mergesort of
 * 2M 64-bit keys. Measures data-dependent branches, compares and streaming memory access. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N32 (4u << 20)
#define N64 (2u << 20)

static uint64_t rng = 0x6A09E667F3BCC908ull;
static uint64_t xorshift64(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void insertion_sort(uint32_t *a, size_t n) {
  for (size_t i = 1; i < n; i++) {
    uint32_t v = a[i];
    size_t j = i;
    for (; j > 0 && a[j - 1] > v; j--)
      a[j] = a[j - 1];
    a[j] = v;
  }
}

static void swap32(uint32_t *a, uint32_t *b) {
  uint32_t t = *a;
  *a = *b;
  *b = t;
}

/* Hoare partition around a median of three; recurse into the smaller half, loop on the larger. */
static void quicksort(uint32_t *a, size_t n) {
  while (n > 24) {
    size_t mid = n / 2;
    if (a[mid] < a[0])
      swap32(&a[mid], &a[0]);
    if (a[n - 1] < a[0])
      swap32(&a[n - 1], &a[0]);
    if (a[n - 1] < a[mid])
      swap32(&a[n - 1], &a[mid]);
    uint32_t pivot = a[mid];
    size_t i = 0, j = n - 1;
    for (;;) {
      while (a[i] < pivot)
        i++;
      while (a[j] > pivot)
        j--;
      if (i >= j)
        break;
      swap32(&a[i], &a[j]);
      i++;
      j--;
    }
    size_t left = j + 1; /* [0, left) <= pivot <= [left, n) */
    if (left < n - left) {
      quicksort(a, left);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left);
      n = left;
    }
  }
  insertion_sort(a, n);
}

/* Bottom-up mergesort, ping-ponging between a and tmp; returns the buffer holding the result. */
static uint64_t *mergesort64(uint64_t *a, uint64_t *tmp, size_t n) {
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
      while (i < mid)
        tmp[k++] = a[i++];
      while (j < hi)
        tmp[k++] = a[j++];
    }
    uint64_t *t = a;
    a = tmp;
    tmp = t;
  }
  return a;
}

int main(int argc, char **argv) {
  int reps = 3 * (argc > 1 ? atoi(argv[1]) : 1);
  uint32_t *a = malloc(sizeof(uint32_t) * N32);
  uint64_t *b = malloc(sizeof(uint64_t) * N64), *tmp = malloc(sizeof(uint64_t) * N64);
  if (!a || !b || !tmp)
    return 1;
  uint64_t check = 0;
  for (int r = 0; r < reps; r++) {
    for (size_t i = 0; i < N32; i++) /* r odd: many duplicates */
      a[i] = (uint32_t)(xorshift64() >> 32) % (r & 1 ? 1000u : 0xFFFFFFFFu);
    quicksort(a, N32);
    for (size_t i = 1; i < N32; i++)
      if (a[i - 1] > a[i]) {
        printf("quicksort failed at %zu\n", i);
        return 1;
      }
    for (size_t i = 0; i < N32; i += 1024)
      check = check * 31 + a[i];

    for (size_t i = 0; i < N64; i++)
      b[i] = xorshift64();
    uint64_t *s = mergesort64(b, tmp, N64);
    for (size_t i = 1; i < N64; i++)
      if (s[i - 1] > s[i]) {
        printf("mergesort failed at %zu\n", i);
        return 1;
      }
    for (size_t i = 0; i < N64; i += 1024)
      check = check * 31 + s[i];
  }
  printf("sort: %u u32 + %u u64 keys x %d, check=%016llx\n", N32, N64, reps,
         (unsigned long long)check);
  free(a);
  free(b);
  free(tmp);
  return 0;
}
