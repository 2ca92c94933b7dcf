// stdin: reads everything (in odd-sized chunks), then prints the byte and
// line counts, an FNV-1a hash, the longest line's length and the first lines.
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  static unsigned char buffer[7777];
  uint64_t bytes = 0, lines = 0, hash = 1469598103934665603ull;
  uint64_t lineLength = 0, longest = 0;
  char head[256];
  size_t headLength = 0;
  for (;;) {
    ssize_t got = read(0, buffer, sizeof buffer);
    if (got < 0) {
      perror("read");
      return 1;
    }
    if (got == 0)
      break;
    for (ssize_t i = 0; i < got; ++i) {
      unsigned char c = buffer[i];
      hash = (hash ^ c) * 1099511628211ull;
      if (headLength < sizeof head - 1 && lines < 3)
        head[headLength++] = (char)c;
      if (c == '\n') {
        ++lines;
        if (lineLength > longest)
          longest = lineLength;
        lineLength = 0;
      } else {
        ++lineLength;
      }
    }
    bytes += (uint64_t)got;
  }
  head[headLength] = 0;
  printf("bytes %llu lines %llu longest %llu fnv %016llx\n", (unsigned long long)bytes,
         (unsigned long long)lines, (unsigned long long)longest, (unsigned long long)hash);
  printf("first lines:\n%s", head);
  printf("read after EOF: %zd\n", read(0, buffer, sizeof buffer));
  return 0;
}
