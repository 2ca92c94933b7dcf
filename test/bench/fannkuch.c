/* fannkuch: for every permutation of 0..n-1, count prefix reversals until 0 is in front;
 * reports checksum and max flips. Measures small-array integer work and branches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 16

/* Permutations are enumerated with a counter-driven rotation scheme: rotate the
 * first r+1 elements left by one, and count[r] says how many rotations remain. */
static void fannkuch(int n, long long *checksum, int *max_flips) {
  int perm[MAXN], perm1[MAXN], count[MAXN];
  long long csum = 0;
  int maxf = 0, r = n, sign = 1;
  for (int i = 0; i < n; i++)
    perm1[i] = i;
  for (;;) {
    for (; r != 1; r--)
      count[r - 1] = r;

    if (perm1[0] != 0) {
      memcpy(perm, perm1, sizeof(int) * (size_t)n);
      int flips = 0;
      for (int k = perm[0]; k != 0; k = perm[0]) {
        for (int i = 0, j = k; i < j; i++, j--) {
          int t = perm[i];
          perm[i] = perm[j];
          perm[j] = t;
        }
        flips++;
      }
      if (flips > maxf)
        maxf = flips;
      csum += sign * flips;
    }
    sign = -sign;

    for (;;) {
      if (r == n) {
        *checksum = csum;
        *max_flips = maxf;
        return;
      }
      int first = perm1[0];
      for (int i = 0; i < r; i++)
        perm1[i] = perm1[i + 1];
      perm1[r] = first;
      if (--count[r] > 0)
        break;
      r++;
    }
  }
}

int main(int argc, char **argv) {
  /* n = 11 takes ~2 s here, so run n = 10 (~0.17 s) several times instead. */
  int reps = 6 * (argc > 1 ? atoi(argv[1]) : 1);
  volatile int vn = 10; /* keep the repetitions from being folded together */
  long long checksum = 0, total = 0;
  int maxf = 0;
  for (int i = 0; i < reps; i++) {
    fannkuch(vn, &checksum, &maxf);
    total += checksum;
  }
  printf("%lld\nPfannkuchen(%d) = %d\nreps=%d total=%lld\n", checksum, (int)vn, maxf, reps, total);
  return 0;
}
