// A WASI reactor: each call of `hello` prints a line (wasmc bench
// --instantiate --invoke hello measures instantiate + call + teardown).
#include <stdio.h>

__attribute__((export_name("hello"))) void hello(void) { printf("hello, world\n"); }
