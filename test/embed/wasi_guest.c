// The WASI guest test/embed/wasi_host.c runs through wasmc.h: it reports
// what it was given (argv, env, stdin, files beneath its preopens) on
// stdout, tries to write where it may not, and passes a buffer to a host
// function that reads it from the caller's memory.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((import_module("host"), import_name("checksum"))) unsigned checksum(const char* data, unsigned size);

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i)
    printf("argv[%d]=%s\n", i, argv[i]);
  const char* greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting ? greeting : "(unset)");

  char line[128] = {0};
  if (fgets(line, sizeof line, stdin))
    printf("stdin: %s", line);

  FILE* input = fopen("/in/input.txt", "r");
  if (input && fgets(line, sizeof line, input))
    printf("input.txt: %s", line);
  if (input)
    fclose(input);

  FILE* denied = fopen("/in/new.txt", "w");
  printf("write in read-only dir: %s\n", denied ? "allowed" : strerror(errno));
  if (denied)
    fclose(denied);
  printf("remove in read-only dir: %s\n", remove("/in/input.txt") == 0 ? "allowed" : "refused");

  FILE* output = fopen("/out/result.txt", "w");
  if (output) {
    fputs("written by the guest\n", output);
    fclose(output);
  }
  printf("write in read-write dir: %s\n", output ? "ok" : strerror(errno));

  const char text[] = "checksum me";
  printf("host checksum: %u\n", checksum(text, (unsigned)strlen(text)));
  fprintf(stderr, "to stderr\n");
  return 3;
}
