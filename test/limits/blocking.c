// A WASI guest that blocks: `sleep` sleeps for an hour (poll_oneoff),
// `read` reads stdin (a pipe nobody writes), `spin` never returns.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "spin";
  if (strcmp(mode, "sleep") == 0) {
    sleep(3600);
  } else if (strcmp(mode, "read") == 0) {
    char buffer[16];
    ssize_t got = read(0, buffer, sizeof buffer);
    printf("read returned %zd\n", got);
  } else {
    volatile unsigned long n = 0;
    for (;;)
      ++n;
  }
  puts("not interrupted");
  return 0;
}
