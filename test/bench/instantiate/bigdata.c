// A C program with a 4 MiB initialised array: its data segment is 4 MiB
// (every byte non-zero, or wasm-ld would leave the zeros out), which
// instantiation copies (or, with memory images, maps).
#include <stdio.h>

static unsigned char table[4 << 20] = {[0 ... (4 << 20) - 1] = 7};

int main(void) {
  unsigned sum = 0;
  for (unsigned i = 0; i < sizeof table; i += 4096)
    sum += table[i];
  printf("%u\n", sum);
  return 0;
}
