// Exit codes: `exitcode CODE [how]` ends with CODE through exit(), return
// from main, or _Exit (no atexit handlers, no stdio flush of what follows).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void goodbye(void) { printf("atexit handler ran\n"); }

int main(int argc, char** argv) {
  int code = argc > 1 ? atoi(argv[1]) : 0;
  const char* how = argc > 2 ? argv[2] : "exit";
  atexit(goodbye);
  printf("leaving with %d via %s\n", code, how);
  fflush(stdout);
  if (strcmp(how, "return") == 0)
    return code;
  if (strcmp(how, "_Exit") == 0) {
    printf("this line is buffered and lost");
    _Exit(code);
  }
  exit(code);
}
