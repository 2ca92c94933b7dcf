// Environment: the WASMC_TEST_* variables the test passes, sorted, plus
// getenv of a set, an unset and an empty variable.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

static int compare(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

int main(void) {
  const char* mine[64];
  int count = 0;
  for (char** e = environ; *e && count < 64; ++e)
    if (strncmp(*e, "WASMC_TEST_", 11) == 0)
      mine[count++] = *e;
  qsort(mine, (size_t)count, sizeof mine[0], compare);
  printf("%d WASMC_TEST_ variables\n", count);
  for (int i = 0; i < count; ++i)
    printf("  %s\n", mine[i]);
  const char* set = getenv("WASMC_TEST_GREETING");
  const char* empty = getenv("WASMC_TEST_EMPTY");
  printf("GREETING=%s\n", set ? set : "(unset)");
  printf("EMPTY=%s (%s)\n", empty ? empty : "(unset)", empty && !*empty ? "empty" : "not empty");
  printf("MISSING=%s\n", getenv("WASMC_TEST_MISSING") ? "set" : "(unset)");
  setenv("WASMC_TEST_NEW", "added", 1);
  printf("after setenv: %s\n", getenv("WASMC_TEST_NEW"));
  unsetenv("WASMC_TEST_GREETING");
  printf("after unsetenv: %s\n", getenv("WASMC_TEST_GREETING") ? "set" : "(unset)");
  return 0;
}
