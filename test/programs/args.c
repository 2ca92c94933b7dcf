// Arguments: count, each argument with its length, and a few that need care
// (empty, spaces, non-ASCII). argv[0] differs between builds and is not printed.
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; ++i) {
    printf("argv[%d] (%zu bytes): [%s]\n", i, strlen(argv[i]), argv[i]);
  }
  printf("argv[argc] is %s\n", argv[argc] ? "not null" : "null");
  return 0;
}
