// Clocks: realtime is plausible, monotonic never goes back, resolutions are
// sane, sleeping takes at least as long as asked, CPU time advances under
// load. Prints verdicts only, so native and wasm output match.
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static int64_t ns(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0)
    return -1;
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(void) {
  int64_t now = ns(CLOCK_REALTIME);
  printf("realtime after 2020: %d\n", now > (int64_t)1577836800 * 1000000000);
  printf("realtime before 2200: %d\n", now < (int64_t)7258118400 * 1000000000);
  // A loaded machine can deschedule us between the two reads: allow a few
  // seconds ahead. glibc's native time() reads the coarse clock, updated once
  // per kernel tick, so across a second boundary it may be one second behind
  // the fine clock read just before it (seen in CI); more than that is wrong.
  int64_t ahead = (int64_t)time(NULL) - now / 1000000000;
  printf("time() agrees: %d\n", ahead >= -1 && ahead <= 5);

  int monotonic = 1;
  int64_t last = ns(CLOCK_MONOTONIC);
  for (int i = 0; i < 100000; ++i) {
    int64_t t = ns(CLOCK_MONOTONIC);
    if (t < last)
      monotonic = 0;
    last = t;
  }
  printf("monotonic never decreases: %d\n", monotonic);

  clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                        CLOCK_THREAD_CPUTIME_ID};
  const char* names[] = {"realtime", "monotonic", "process cputime", "thread cputime"};
  for (int i = 0; i < 4; ++i) {
    struct timespec res;
    int ok = clock_getres(clocks[i], &res) == 0;
    int64_t r = (int64_t)res.tv_sec * 1000000000 + res.tv_nsec;
    printf("%s resolution in (0, 10ms]: %d\n", names[i], ok && r > 0 && r <= 10000000);
  }

  int64_t before = ns(CLOCK_MONOTONIC);
  struct timespec nap = {0, 20 * 1000 * 1000};
  int slept = nanosleep(&nap, NULL);
  int64_t elapsed = ns(CLOCK_MONOTONIC) - before;
  printf("nanosleep 20ms: returned %d, took >= 20ms: %d, < 2s: %d\n", slept, elapsed >= 20000000,
         elapsed < 2000000000);

  int64_t cpu0 = ns(CLOCK_PROCESS_CPUTIME_ID);
  volatile uint64_t x = 0;
  for (uint64_t i = 0; i < 30000000; ++i)
    x += i * i;
  int64_t cpu1 = ns(CLOCK_PROCESS_CPUTIME_ID);
  printf("process cputime advances under load: %d\n", cpu1 > cpu0);
  struct tm tm;
  time_t epoch = 1000000000;
  gmtime_r(&epoch, &tm);
  char text[64];
  strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  printf("gmtime(1e9): %s\n", text);
  return 0;
}
