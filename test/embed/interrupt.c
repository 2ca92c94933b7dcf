// Interruption through wasmc.h: a loop, a loop-free call tree and a start
// function that never end are each stopped by a 10 ms timeout, 100 times
// per case; the time from the deadline to the trap is reported (median,
// p99, worst) and must stay under 50 ms at p99. After every interrupt the
// store runs more wasm. Also: wasmc_store_interrupt from another thread,
// epochs, and the baseline tier.
// Usage: embed_interrupt interrupt.wasm interrupt_start.wasm
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasmc.h>

#include "check.h"

enum { kRuns = 100 };
static const uint64_t kTimeoutNs = 10 * 1000 * 1000;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int compare(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static void expect_interrupt(wasm_trap_t* trap) {
  CHECK(trap);
  CHECK(wasmc_trap_code(trap) == WASMC_TRAP_INTERRUPT);
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  CHECK(strcmp(message.data, "interrupt") == 0);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
}

static wasm_func_t* export_func(wasm_instance_t* instance, size_t index) {
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* func = wasm_func_copy(wasm_extern_as_func(exports.data[index]));
  wasm_extern_vec_delete(&exports);
  return func;
}

static int32_t call_answer(wasm_func_t* answer) {
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC, result_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(answer, &none, &result_vec) == NULL);
  return results[0].of.i32;
}

/// Stops `func` (args: `args`) with a 10 ms timeout kRuns times; returns
/// the p99 of (trap time - deadline) in ms and prints the distribution.
static double measure(const char* name, wasm_store_t* store, wasm_func_t* func, wasm_val_vec_t* args,
                      wasm_func_t* answer) {
  double late[kRuns];
  for (int i = 0; i < kRuns; ++i) {
    wasm_val_t results[1] = {WASM_INIT_VAL};
    wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
    double start = now_ms();
    wasmc_store_set_timeout(store, kTimeoutNs);
    wasm_trap_t* trap = wasm_func_call(func, args, &result_vec);
    late[i] = now_ms() - start - kTimeoutNs / 1e6;
    expect_interrupt(trap);
    CHECK(call_answer(answer) == 42); // the store goes on
  }
  qsort(late, kRuns, sizeof late[0], compare);
  printf("%-22s stopped %d/%d times; after the deadline: median %.2f ms, p99 %.2f ms, worst %.2f ms\n", name,
         kRuns, kRuns, late[kRuns / 2], late[kRuns * 99 / 100], late[kRuns - 1]);
  return late[kRuns * 99 / 100];
}

static void* interrupt_later(void* store) {
  usleep(20 * 1000);
  wasmc_store_interrupt((wasm_store_t*)store);
  return NULL;
}

static void* tick_later(void* engine) {
  for (int i = 0; i < 3; ++i) {
    usleep(10 * 1000);
    wasmc_engine_increment_epoch((wasm_engine_t*)engine);
  }
  return NULL;
}

static wasm_engine_t* alarm_engine;

static void on_alarm(int sig) {
  (void)sig;
  wasmc_engine_increment_epoch(alarm_engine);
}

/// The thread SIGALRM is delivered to (the main thread blocks it): one in a
/// sleep loop, so that sanitizers that defer signals to a safe point (TSan
/// does; JIT code has none) still deliver them while wasm spins.
static atomic_int alarm_sink_running;

static void* alarm_sink(void* unused) {
  (void)unused;
  sigset_t alarm;
  sigemptyset(&alarm);
  sigaddset(&alarm, SIGALRM);
  pthread_sigmask(SIG_UNBLOCK, &alarm, NULL);
  while (alarm_sink_running)
    usleep(1000);
  return NULL;
}

static void set_alarm_every_ms(int enabled) {
  struct itimerval every = {{0, enabled ? 1000 : 0}, {0, enabled ? 1000 : 0}};
  setitimer(ITIMER_REAL, &every, NULL);
}

/// Extends the deadline by 2 ticks `extensions` times, then lets it stop
/// the store; counts its calls and its finalization.
struct Extender {
  int extensions; // only the callback reads and writes it
  atomic_int calls;
  atomic_int finalized;
};

static uint64_t extend(void* env) {
  struct Extender* extender = env;
  ++extender->calls;
  return extender->extensions-- > 0 ? 2 : 0;
}

static void finalize_extender(void* env) { ++((struct Extender*)env)->finalized; }

static atomic_int ticking; // cleared by the main thread once its call returned

static void* tick_until_stopped(void* engine) {
  while (ticking) {
    usleep(2 * 1000);
    wasmc_engine_increment_epoch((wasm_engine_t*)engine);
  }
  return NULL;
}

static void run_tier(wasmc_tier_t tier, const char* tier_name, wasm_byte_vec_t* binary, wasm_byte_vec_t* start_binary) {
  wasm_config_t* config = wasm_config_new();
  wasmc_config_interruptible_set(config, true);
  wasmc_config_tier_set(config, tier);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = wasm_module_new(store, binary);
  CHECK(module);
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &no_imports, NULL);
  CHECK(instance);
  wasm_func_t* spin = export_func(instance, 0);
  wasm_func_t* tree = export_func(instance, 1);
  wasm_func_t* answer = export_func(instance, 2);
  wasm_func_t* short_in_spin = export_func(instance, 3);
  wasm_func_t* long_counted = export_func(instance, 4);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_t depth[1] = {WASM_I32_VAL(40)}; // 2^41 calls: never ends on its own
  wasm_val_vec_t depth_vec = WASM_ARRAY_VEC(depth);

  char name[64];
  snprintf(name, sizeof name, "%s loop", tier_name);
  CHECK(measure(name, store, spin, &none, answer) < 50);
  snprintf(name, sizeof name, "%s call tree", tier_name);
  CHECK(measure(name, store, tree, &depth_vec, answer) < 50);
  snprintf(name, sizeof name, "%s short in endless", tier_name);
  CHECK(measure(name, store, short_in_spin, &none, answer) < 50);
  snprintf(name, sizeof name, "%s 2^31 counted", tier_name);
  CHECK(measure(name, store, long_counted, &none, answer) < 50);

  // A start function that never ends: instantiation fails with the trap.
  wasm_module_t* start_module = wasm_module_new(store, start_binary);
  CHECK(start_module);
  double late[kRuns];
  for (int i = 0; i < kRuns; ++i) {
    wasm_trap_t* trap = NULL;
    double begin = now_ms();
    wasmc_store_set_timeout(store, kTimeoutNs);
    CHECK(wasm_instance_new(store, start_module, &no_imports, &trap) == NULL);
    late[i] = now_ms() - begin - kTimeoutNs / 1e6;
    expect_interrupt(trap);
    CHECK(call_answer(answer) == 42);
  }
  qsort(late, kRuns, sizeof late[0], compare);
  snprintf(name, sizeof name, "%s start function", tier_name);
  printf("%-22s stopped %d/%d times; after the deadline: median %.2f ms, p99 %.2f ms, worst %.2f ms\n", name,
         kRuns, kRuns, late[kRuns / 2], late[kRuns * 99 / 100], late[kRuns - 1]);
  CHECK(late[kRuns * 99 / 100] < 50);
  wasmc_store_set_timeout(store, 0);

  // From another thread, and by the engine's epoch.
  pthread_t thread;
  pthread_create(&thread, NULL, interrupt_later, store);
  expect_interrupt(wasm_func_call(spin, &none, &none));
  pthread_join(thread, NULL);
  wasmc_store_set_epoch_deadline(store, 3);
  uint64_t epoch = wasmc_engine_epoch(engine);
  pthread_create(&thread, NULL, tick_later, engine);
  expect_interrupt(wasm_func_call(spin, &none, &none));
  pthread_join(thread, NULL);
  CHECK(wasmc_engine_epoch(engine) == epoch + 3);
  // By a signal handler advancing the epoch (SIGALRM every millisecond):
  // the increment takes no lock. A removed deadline interrupts nothing.
  alarm_engine = engine;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_alarm;
  action.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &action, NULL);
  sigset_t alarm, old_mask;
  sigemptyset(&alarm);
  sigaddset(&alarm, SIGALRM);
  pthread_sigmask(SIG_BLOCK, &alarm, &old_mask);
  alarm_sink_running = 1;
  pthread_t sink;
  pthread_create(&sink, NULL, alarm_sink, NULL);
  wasmc_store_set_epoch_deadline(store, 2);
  wasmc_store_set_epoch_deadline(store, 0);
  epoch = wasmc_engine_epoch(engine);
  set_alarm_every_ms(1);
  for (double until = now_ms() + 20; now_ms() < until;)
    CHECK(call_answer(answer) == 42);
  CHECK(wasmc_engine_epoch(engine) > epoch + 2);
  epoch = wasmc_engine_epoch(engine);
  wasmc_store_set_epoch_deadline(store, 5);
  expect_interrupt(wasm_func_call(spin, &none, &none));
  set_alarm_every_ms(0);
  alarm_sink_running = 0;
  pthread_join(sink, NULL);
  pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
  CHECK(wasmc_engine_epoch(engine) >= epoch + 5);
  // A deadline callback extends the deadline three times (2 ticks each),
  // then lets it stop the store: 3 + 3 * 2 ticks in all.
  struct Extender extender = {3, 0, 0};
  wasmc_store_set_epoch_deadline_callback(store, extend, &extender, finalize_extender);
  wasmc_store_set_epoch_deadline(store, 3);
  epoch = wasmc_engine_epoch(engine);
  ticking = 1;
  pthread_create(&thread, NULL, tick_until_stopped, engine);
  expect_interrupt(wasm_func_call(spin, &none, &none));
  ticking = 0;
  pthread_join(thread, NULL);
  CHECK(extender.calls == 4 && extender.finalized == 0);
  CHECK(wasmc_engine_epoch(engine) >= epoch + 9);
  wasmc_store_set_epoch_deadline_callback(store, NULL, NULL, NULL);
  CHECK(extender.finalized == 1);
  // An interrupt with nothing running stops the next call at once.
  wasmc_store_interrupt(store);
  expect_interrupt(wasm_func_call(spin, &none, &none));
  CHECK(call_answer(answer) == 42);

  wasm_module_delete(start_module);
  wasm_func_delete(spin);
  wasm_func_delete(tree);
  wasm_func_delete(answer);
  wasm_func_delete(short_in_spin);
  wasm_func_delete(long_counted);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(int argc, char** argv) {
  CHECK(argc == 3);
  wasm_byte_vec_t binary = read_file(argv[1]);
  wasm_byte_vec_t start_binary = read_file(argv[2]);
  run_tier(WASMC_TIER_LLVM, "llvm", &binary, &start_binary);
  run_tier(WASMC_TIER_BASELINE, "baseline", &binary, &start_binary);
  run_tier(WASMC_TIER_TIERED, "tiered", &binary, &start_binary);
  wasm_byte_vec_delete(&binary);
  wasm_byte_vec_delete(&start_binary);
  printf("interruption: ok\n");
  return 0;
}
