// The lazy JIT's compile threads (compiler/codegen/CompileThreads.h): a
// task runs on a thread with the stack asked for, that thread stays for
// the next task, and callers on several threads each get their own.

#include "compiler/codegen/CompileThreads.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace wasmc::codegen {
namespace {

TEST(CompileThreads, RunsTheTaskElsewhereAndReturnsWhenItIsDone) {
  CompileThreads threads(1u << 20);
  std::thread::id ran;
  bool finished = false;
  threads.run([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ran = std::this_thread::get_id();
    finished = true;
  });
  EXPECT_TRUE(finished);
  EXPECT_NE(ran, std::this_thread::get_id());
}

TEST(CompileThreads, TheThreadStaysForTheNextTask) {
  CompileThreads threads(1u << 20);
  std::thread::id first, second;
  threads.run([&] { first = std::this_thread::get_id(); });
  threads.run([&] { second = std::this_thread::get_id(); });
  EXPECT_EQ(first, second) << "each compile paid for a new thread's stack";
}

TEST(CompileThreads, CallersOnTwoThreadsCompileInParallel) {
  // Each task waits for the other to start: with one thread for both,
  // the first would wait out its time limit.
  CompileThreads threads(1u << 20);
  std::mutex mutex;
  std::condition_variable changed;
  int started = 0;
  bool bothRan[2] = {false, false};
  auto task = [&](int which) {
    std::unique_lock<std::mutex> lock(mutex);
    ++started;
    changed.notify_all();
    bothRan[which] = changed.wait_for(lock, std::chrono::seconds(10), [&] { return started == 2; });
  };
  std::thread other([&] { threads.run([&] { task(1); }); });
  threads.run([&] { task(0); });
  other.join();
  EXPECT_TRUE(bothRan[0] && bothRan[1]);
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WASMC_TEST_ASAN 1 // its redzones make 12 MiB of locals bigger
#endif
#endif
#ifndef WASMC_TEST_ASAN
TEST(CompileThreads, TheStackIsAsBigAsAskedFor) {
  // 12 MiB of locals: more than a default thread's 8 MiB.
  CompileThreads threads(16u << 20);
  bool touched = false;
  threads.run([&] {
    volatile char big[12u << 20];
    std::memset(const_cast<char*>(big), 1, sizeof big);
    touched = big[0] == 1 && big[sizeof big - 1] == 1;
  });
  EXPECT_TRUE(touched);
}
#endif

} // namespace
} // namespace wasmc::codegen
