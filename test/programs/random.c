// Randomness: getentropy fills buffers that differ from each other and look
// uniform (a loose chi-square bound over 4 MiB). Prints verdicts only.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  unsigned char a[256], b[256];
  printf("getentropy 256: %d\n", getentropy(a, sizeof a));
  printf("getentropy 256 again: %d\n", getentropy(b, sizeof b));
  printf("buffers differ: %d\n", memcmp(a, b, sizeof a) != 0);
  printf("getentropy 257 refused: %d\n", getentropy(a, 257) == -1);
  printf("getentropy 0: %d\n", getentropy(a, 0));

  size_t total = 4u << 20;
  unsigned char* data = malloc(total);
  for (size_t done = 0; done < total; done += 256)
    if (getentropy(data + done, 256) != 0)
      return 1;
  double counts[256] = {0};
  for (size_t i = 0; i < total; ++i)
    counts[data[i]] += 1;
  double expected = (double)total / 256, chi = 0;
  for (int i = 0; i < 256; ++i)
    chi += (counts[i] - expected) * (counts[i] - expected) / expected;
  // 255 degrees of freedom: the mean is 255; 400 is far in the tail.
  printf("byte histogram plausible: %d\n", chi < 400);
  size_t zeros = 0;
  for (size_t i = 0; i + 8 <= total; i += 8) {
    unsigned long long word;
    memcpy(&word, data + i, 8);
    zeros += word == 0;
  }
  printf("no zero 64-bit words: %d\n", zeros == 0);
  free(data);
  return 0;
}
