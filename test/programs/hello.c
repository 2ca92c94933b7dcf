// The bundled example: a WASI command that greets and echoes its arguments.
#include <stdio.h>

int main(int argc, char** argv) {
  printf("hello from wasmc\n");
  for (int i = 1; i < argc; ++i)
    printf("arg %d: %s\n", i, argv[i]);
  return 0;
}
