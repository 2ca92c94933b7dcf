// A large stdout: 16 MiB of numbered lines through stdio, then 8 MiB more in
// single write(2) calls of 1 MiB, the way pipes see big programs' output.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  size_t printed = 0;
  for (unsigned i = 0; printed < (16u << 20); ++i) {
    int n = printf("%08u the quick brown fox jumps over the lazy dog %u\n", i, i * 2654435761u);
    if (n < 0)
      return 1;
    printed += (size_t)n;
  }
  fflush(stdout);
  static char block[1 << 20];
  for (size_t i = 0; i < sizeof block; ++i)
    block[i] = (char)('a' + i % 26);
  block[sizeof block - 1] = '\n';
  for (int i = 0; i < 8; ++i) {
    size_t done = 0;
    while (done < sizeof block) {
      ssize_t n = write(1, block + done, sizeof block - done);
      if (n <= 0)
        return 1;
      done += (size_t)n;
    }
  }
  fprintf(stderr, "bigout: wrote %zu + %zu bytes\n", printed, (size_t)8 << 20);
  return 0;
}
