// Throughput probe: writes 1 GiB (or argv[1] MiB) to stdout in 64 KiB
// write(2) calls, i.e. one fd_write per 64 KiB block under WASI.
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  static char block[64 * 1024];
  memset(block, 'x', sizeof block);
  long mib = argc > 1 ? atol(argv[1]) : 1024;
  long blocks = mib * 16;
  for (long i = 0; i < blocks; ++i) {
    size_t done = 0;
    while (done < sizeof block) {
      ssize_t n = write(1, block + done, sizeof block - done);
      if (n <= 0)
        return 1;
      done += (size_t)n;
    }
  }
  return 0;
}
