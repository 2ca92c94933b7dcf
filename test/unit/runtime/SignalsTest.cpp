// The fault path end to end, without LLVM: hand-assembled functions fault
// inside registered code and must come back as traps; faults anywhere else
// must still crash the process.

#include "runtime/CallState.h"
#include "runtime/Memory.h"
#include "runtime/Signals.h"
#include "TestCode.h"

#include <csignal>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/mman.h>
#include <thread>

namespace wasmc::rt {
namespace {

using abi::TrapCode;
using test::TestCode;
using test::testEntry;

#if defined(__x86_64__)

/// The store of every call() and of the memories the tests fault in.
abi::StoreRecord testStore{0};

std::unique_ptr<Memory> storeMemory(uint32_t pages, const abi::StoreRecord* owner = &testStore) {
  auto memory = Memory::create(pages, {}, kDefaultMemoryLimit, owner);
  EXPECT_TRUE(memory);
  return memory ? std::move(*memory) : nullptr;
}

std::optional<Trap> call(const TestCode& code, test::TestFunction f, void* vmctx, uint64_t arg,
                         uint64_t* result = nullptr) {
  abi::Slot slots[1] = {test::slotOf(arg)};
  std::optional<Trap> trap = invokeWasm(testEntry, code.function(f), vmctx, slots, &testStore);
  if (result)
    *result = test::valueOf(slots[0]);
  return trap;
}

uint64_t addressOf(const void* p) { return reinterpret_cast<uintptr_t>(p); }

TEST(SignalsTest, InstallIsIdempotent) {
  installTrapHandlers();
  struct sigaction first;
  sigaction(SIGSEGV, nullptr, &first);
  installTrapHandlers();
  struct sigaction second;
  sigaction(SIGSEGV, nullptr, &second);
  EXPECT_EQ(first.sa_sigaction, second.sa_sigaction);
  EXPECT_TRUE(first.sa_flags & SA_ONSTACK);
  EXPECT_TRUE(first.sa_flags & SA_NODEFER);
  EXPECT_TRUE(first.sa_flags & SA_SIGINFO);
}

TEST(SignalsTest, InstallFromManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([] {
      installTrapHandlers();
      ensureSignalStack();
      ensureSignalStack();
    });
  for (auto& thread : threads)
    thread.join();
}

TEST(SignalsTest, SignalStackIsInstalledPerThread) {
  std::thread([] {
    ensureSignalStack();
    stack_t current;
    ASSERT_EQ(sigaltstack(nullptr, &current), 0);
    EXPECT_FALSE(current.ss_flags & SS_DISABLE);
    EXPECT_GE(current.ss_size, 64u * 1024);
  }).join();
}

TEST(SignalsTest, InBoundsLoadReturnsNormally) {
  TestCode code;
  auto memory = storeMemory(1);
  ASSERT_TRUE(memory);
  memory->base()[8] = 42;
  uint64_t result = 0;
  EXPECT_FALSE(call(code, test::kLoad, nullptr, addressOf(memory->base() + 8), &result));
  EXPECT_EQ(uint32_t(result), 42u);
}

TEST(SignalsTest, GuardPageHitIsMemoryOutOfBounds) {
  TestCode code;
  auto memory = storeMemory(1);
  ASSERT_TRUE(memory);
  uint8_t* base = memory->base();
  std::optional<Trap> trap = call(code, test::kLoad, nullptr, addressOf(base + kWasmPageSize));
  ASSERT_TRUE(trap);
  EXPECT_EQ(trap->code, TrapCode::MemoryOutOfBounds);
  EXPECT_EQ(trap->message(), "out of bounds memory access");
  ASSERT_FALSE(trap->backtrace.empty());
  EXPECT_EQ(trap->backtrace[0].funcIndex, uint32_t(test::kLoad));
  EXPECT_EQ(trap->backtrace[0].name, "load");
  EXPECT_EQ(trap->backtrace[0].pc, addressOf(code.function(test::kLoad)));

  // The far end of the guard region: the largest i32 address plus offset.
  trap = call(code, test::kLoad, nullptr, addressOf(base + 0xffffffffull + 0xffffffffull));
  ASSERT_TRUE(trap);
  EXPECT_EQ(trap->code, TrapCode::MemoryOutOfBounds);
}

TEST(SignalsTest, CallsAfterATrapWork) {
  TestCode code;
  auto memory = storeMemory(1);
  ASSERT_TRUE(memory);
  uint8_t* base = memory->base();
  base[0] = 5;
  for (int i = 0; i < 100; ++i) {
    std::optional<Trap> trap = call(code, test::kLoad, nullptr, addressOf(base + 2 * kWasmPageSize));
    ASSERT_TRUE(trap);
    ASSERT_EQ(trap->code, TrapCode::MemoryOutOfBounds);
    uint64_t result = 0;
    ASSERT_FALSE(call(code, test::kLoad, nullptr, addressOf(base), &result));
    ASSERT_EQ(uint32_t(result), 5u);
  }
  EXPECT_EQ(currentActivation(), nullptr);
}

TEST(SignalsTest, GrowMakesTheGuardPageAccessible) {
  TestCode code;
  auto memory = storeMemory(1);
  ASSERT_TRUE(memory);
  uint8_t* past = memory->base() + kWasmPageSize;
  ASSERT_TRUE(call(code, test::kLoad, nullptr, addressOf(past)));
  ASSERT_EQ(memory->grow(1), 1);
  EXPECT_FALSE(call(code, test::kLoad, nullptr, addressOf(past)));
}

// Compiled code never executes ud2 or an unchecked division: SIGILL and
// SIGFPE in wasm code are bugs (a CPU-feature mismatch, a miscompile) and
// must stop the process with the pc, never pass as traps.
TEST(SignalsDeathTest, Ud2InWasmCodeAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TestCode code;
  EXPECT_DEATH(call(code, test::kUnreachable, nullptr, 0), "unexpected signal 4 .*in compiled wasm code at pc 0x");
}

TEST(SignalsDeathTest, DivisionFaultInWasmCodeAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TestCode code;
  uint64_t result = 0;
  EXPECT_FALSE(call(code, test::kDivide, reinterpret_cast<void*>(84), 2, &result));
  EXPECT_EQ(uint32_t(result), 42u);
  EXPECT_DEATH(call(code, test::kDivide, reinterpret_cast<void*>(84), 0), "unexpected signal 8 ");
}

// The guard region below the base: an address a wrong check could form
// (base + zext(p) + c for c down to -2^31) faults there and is a trap.
TEST(SignalsTest, FaultsBelowTheBaseAreTraps) {
  TestCode code;
  auto memory = storeMemory(1);
  ASSERT_TRUE(memory);
  for (uint64_t below : {uint64_t(1), uint64_t(8), uint64_t(1) << 20, abi::kMemoryGuardBelow}) {
    std::optional<Trap> trap = call(code, test::kLoad, nullptr, addressOf(memory->base() - below));
    ASSERT_TRUE(trap) << below;
    EXPECT_EQ(trap->code, TrapCode::MemoryOutOfBounds) << below;
  }
}

// A fault in wasm code on another store's memory is no trap of this call:
// compiled code reaches only its own store's memories.
TEST(SignalsDeathTest, FaultInAnotherStoresMemoryAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TestCode code;
  abi::StoreRecord otherStore{0};
  auto memory = storeMemory(1, &otherStore);
  ASSERT_TRUE(memory);
  EXPECT_DEATH(call(code, test::kLoad, nullptr, addressOf(memory->base() + kWasmPageSize)),
               "unexpected signal 11 .*fault address 0x");
}

TEST(SignalsTest, FaultsInAnotherThreadTrapThere) {
  TestCode code;
  auto memory = storeMemory(1);
  ASSERT_TRUE(memory);
  uint8_t* past = memory->base() + kWasmPageSize;
  std::vector<std::thread> threads;
  std::atomic<int> traps{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        std::optional<Trap> trap = call(code, test::kLoad, nullptr, addressOf(past));
        if (trap && trap->code == TrapCode::MemoryOutOfBounds)
          traps.fetch_add(1);
      }
    });
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(traps.load(), 200);
}

void* recurseInSmallThread(void* arg) {
  const TestCode& code = *static_cast<const TestCode*>(arg);
  std::optional<Trap> trap = call(code, test::kRecurse, nullptr, 0);
  return reinterpret_cast<void*>(uintptr_t(trap ? trap->code : TrapCode::None));
}

TEST(SignalsTest, RunawayRecursionHitsTheStackGuard) {
  // Compiled code checks VMContext::stackLimit in every prologue; this is the
  // backstop when nothing checks: the guard page under a 256 KiB stack.
  TestCode code;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, recurseInSmallThread, &code), 0);
  pthread_attr_destroy(&attr);
  void* result = nullptr;
  pthread_join(thread, &result);
  EXPECT_EQ(static_cast<TrapCode>(reinterpret_cast<uintptr_t>(result)), TrapCode::StackExhausted);
}

TEST(SignalsDeathTest, FaultInUnregisteredCodeIsNotClaimed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        TestCode unregistered(/*registerIt=*/false);
        auto memory = storeMemory(1);
        call(unregistered, test::kLoad, nullptr, addressOf(memory->base() + kWasmPageSize));
        _exit(0);
      },
      testing::KilledBySignal(SIGSEGV), "");
}

uint64_t faultingHostCallback(void*, uint64_t) {
  void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return *static_cast<volatile uint32_t*>(page);
}

TEST(SignalsDeathTest, HostFaultDuringAWasmCallStillCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        TestCode code;
        call(code, test::kCallHost, nullptr, addressOf(reinterpret_cast<void*>(faultingHostCallback)));
        _exit(0);
      },
      testing::KilledBySignal(SIGSEGV), "");
}

TEST(SignalsDeathTest, UnexplainedFaultInWasmCodeAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        TestCode code;
        void* page = mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        call(code, test::kLoad, nullptr, addressOf(page));
      },
      "unexpected signal 11 .* in compiled wasm code at pc 0x");
}

TEST(SignalsDeathTest, PreviousSigactionHandlerIsCalled) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        struct sigaction action = {};
        action.sa_flags = SA_SIGINFO;
        action.sa_sigaction = [](int, siginfo_t*, void*) { _exit(7); };
        sigaction(SIGSEGV, &action, nullptr);
        installTrapHandlers();
        TestCode unregistered(/*registerIt=*/false);
        auto memory = storeMemory(1);
        call(unregistered, test::kLoad, nullptr, addressOf(memory->base() + kWasmPageSize));
        _exit(0);
      },
      testing::ExitedWithCode(7), "");
}

TEST(SignalsDeathTest, HostFaultOutsideAnyWasmCallStillCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        installTrapHandlers();
        faultingHostCallback(nullptr, 0);
        _exit(0);
      },
      testing::KilledBySignal(SIGSEGV), "");
}

#else
TEST(SignalsTest, HandAssembledCodeNeedsX86_64) { GTEST_SKIP(); }
#endif

} // namespace
} // namespace wasmc::rt
