// invokeWasm's bookkeeping: stack limits, explicit traps through raiseTrap,
// host trap messages and exit codes, and nested activations.

#include "runtime/CallState.h"
#include "runtime/Memory.h"
#include "TestCode.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <thread>

namespace wasmc::rt {
namespace {

using abi::TrapCode;
using test::TestCode;
using test::testEntry;

uint64_t addressOf(const void* p) { return reinterpret_cast<uintptr_t>(p); }

struct ThreadStack {
  uintptr_t low;
  uintptr_t high;
};

ThreadStack queryStack() {
  pthread_attr_t attr;
  pthread_getattr_np(pthread_self(), &attr);
  void* addr = nullptr;
  size_t size = 0;
  pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_destroy(&attr);
  return {reinterpret_cast<uintptr_t>(addr), reinterpret_cast<uintptr_t>(addr) + size};
}

/// An "entry trampoline" that reports the stack limit it runs under: vmctx
/// is the StoreRecord, the limit goes to slots[0].
void captureLimit(void*, void* vmctx, abi::Slot* slots) {
  slots[0] = test::slotOf(static_cast<abi::StoreRecord*>(vmctx)->stackLimit);
}

uintptr_t limitSeenByWasm(abi::StoreRecord& store) {
  abi::Slot slots[1] = {};
  EXPECT_FALSE(invokeWasm(captureLimit, nullptr, &store, slots, &store));
  return test::valueOf(slots[0]);
}

/// An "entry trampoline" that reports the limit the VMContext holds.
void captureContextLimit(void*, void* vmctx, abi::Slot* slots) {
  slots[0] = test::slotOf(static_cast<abi::VMContext*>(vmctx)->stackLimit);
}

TEST(CallStateTest, StackLimitReachesEveryContextOfTheStore) {
  abi::VMContext first{}, second{};
  first.stackLimit = second.stackLimit = 77;
  abi::VMContext* contexts[] = {&first, &second};
  abi::StoreRecord store{77, contexts, 2};
  abi::Slot slots[1] = {};
  ASSERT_FALSE(invokeWasm(captureContextLimit, nullptr, &second, slots, &store));
  EXPECT_EQ(test::valueOf(slots[0]), queryStack().low + abi::kStackReserve);
  EXPECT_EQ(first.stackLimit, 77u) << "restored on return";
  EXPECT_EQ(second.stackLimit, 77u);
}

void expectLimitInsideThisThreadsStack() {
  ThreadStack stack = queryStack();
  abi::StoreRecord store{12345};
  uintptr_t limit = limitSeenByWasm(store);
  uintptr_t here = addressOf(&store);
  EXPECT_EQ(limit, stack.low + abi::kStackReserve);
  EXPECT_GT(limit, stack.low);
  EXPECT_LT(limit, here);
  EXPECT_LT(here, stack.high);
  EXPECT_EQ(store.stackLimit, 12345u) << "the previous limit is restored";
  EXPECT_EQ(currentThreadStack().low, stack.low);
}

TEST(CallStateTest, StackLimitOnTheMainThread) { expectLimitInsideThisThreadsStack(); }

TEST(CallStateTest, StackLimitOnAStdThread) {
  std::thread(expectLimitInsideThisThreadsStack).join();
}

TEST(CallStateTest, StackLimitOnA256KiBThread) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t thread;
  auto body = [](void*) -> void* {
    expectLimitInsideThisThreadsStack();
    ThreadStack stack = queryStack();
    EXPECT_LE(stack.high - stack.low, 256u * 1024);
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, body, nullptr), 0);
  pthread_attr_destroy(&attr);
  pthread_join(thread, nullptr);
}

TEST(CallStateTest, NullStoreIsAllowed) {
  abi::Slot slots[1] = {};
  abi::StoreRecord unused{0};
  EXPECT_FALSE(invokeWasm(captureLimit, nullptr, &unused, slots, nullptr));
  EXPECT_EQ(unused.stackLimit, 0u);
}

TEST(CallStateTest, NoActivationOutsideACall) { EXPECT_EQ(currentActivation(), nullptr); }

TEST(CallStateDeathTest, RaiseTrapOutsideACallIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(raiseTrap(TrapCode::Unreachable), "outside of a wasm call");
}

#if defined(__x86_64__)

std::optional<Trap> callHost(const TestCode& code, uint64_t (*host)(void*, uint64_t),
                             void* vmctx = nullptr, abi::StoreRecord* store = nullptr) {
  abi::Slot slots[1] = {test::slotOf(addressOf(reinterpret_cast<void*>(host)))};
  return invokeWasm(testEntry, code.function(test::kCallHost), vmctx, slots, store);
}

uint64_t raiseMismatch(void*, uint64_t) { raiseTrap(TrapCode::IndirectCallTypeMismatch); }

TEST(CallStateTest, RaiseTrapFromAHostCallback) {
  TestCode code;
  std::optional<Trap> trap = callHost(code, raiseMismatch);
  ASSERT_TRUE(trap);
  EXPECT_EQ(trap->code, TrapCode::IndirectCallTypeMismatch);
  EXPECT_EQ(trap->message(), "indirect call type mismatch");
  // The wasm caller is found through the host frames' frame-pointer chain.
  ASSERT_EQ(trap->backtrace.size(), 1u);
  EXPECT_EQ(trap->backtrace[0].funcIndex, uint32_t(test::kCallHost));
  EXPECT_EQ(trap->backtrace[0].name, "callHost");
  EXPECT_EQ(currentActivation(), nullptr);
}

uint64_t raiseThroughAbiPointer(void*, uint64_t) {
  abi::RaiseTrapFn raise = raiseTrapCode;
  raise(uint32_t(TrapCode::TableOutOfBounds));
  return 0;
}

TEST(CallStateTest, RaiseTrapCodeMatchesTheAbiSignature) {
  TestCode code;
  std::optional<Trap> trap = callHost(code, raiseThroughAbiPointer);
  ASSERT_TRUE(trap);
  EXPECT_EQ(trap->code, TrapCode::TableOutOfBounds);
}

uint64_t hostFailure(void*, uint64_t) {
  setPendingHostTrap("wasi: bad thing happened");
  raiseTrap(TrapCode::HostTrap);
}

uint64_t procExit(void*, uint64_t) {
  setPendingExit(3);
  raiseTrap(TrapCode::Exit);
}

TEST(CallStateTest, HostTrapCarriesItsMessage) {
  TestCode code;
  std::optional<Trap> trap = callHost(code, hostFailure);
  ASSERT_TRUE(trap);
  EXPECT_EQ(trap->code, TrapCode::HostTrap);
  EXPECT_EQ(trap->message(), "wasi: bad thing happened");
  EXPECT_EQ(trap->hostMessage, "wasi: bad thing happened");
}

TEST(CallStateTest, ExitCarriesItsCode) {
  TestCode code;
  std::optional<Trap> trap = callHost(code, procExit);
  ASSERT_TRUE(trap);
  EXPECT_EQ(trap->code, TrapCode::Exit);
  EXPECT_EQ(trap->exitCode, 3);
  EXPECT_EQ(trap->message(), "exit 3");
}

uint64_t returnSeven(void*, uint64_t) { return 7; }

TEST(CallStateTest, HostCallbackReturnsNormally) {
  TestCode code;
  abi::Slot slots[1] = {test::slotOf(addressOf(reinterpret_cast<void*>(returnSeven)))};
  EXPECT_FALSE(invokeWasm(testEntry, code.function(test::kCallHost), nullptr, slots, nullptr));
  EXPECT_EQ(test::valueOf(slots[0]), 7u);
}

// Nested: wasm -> host -> wasm (which traps) -> back in the host.
struct NestedState {
  const TestCode* code;
  uint8_t* outOfBounds;
  std::optional<Trap> innerTrap;
  Activation* outerActivation;
  Activation* activationAfterInner;
  abi::StoreRecord* outerStore;
  uintptr_t outerLimitAfterInner;
};
NestedState nested;

/// The inner calls' store: it owns the memory they fault in.
abi::StoreRecord innerStore{999};

uint64_t nestedHost(void*, uint64_t trapAfterwards) {
  nested.outerActivation = currentActivation();
  abi::Slot slots[1] = {test::slotOf(addressOf(nested.outOfBounds))};
  nested.innerTrap =
      invokeWasm(testEntry, nested.code->function(test::kLoad), nullptr, slots, &innerStore);
  nested.activationAfterInner = currentActivation();
  nested.outerLimitAfterInner = nested.outerStore->stackLimit;
  if (trapAfterwards)
    raiseTrap(TrapCode::Unreachable);
  return 11;
}

uint64_t nestedHostThenTrap(void* vmctx, uint64_t) { return nestedHost(vmctx, 1); }
uint64_t nestedHostThenReturn(void* vmctx, uint64_t) { return nestedHost(vmctx, 0); }

TEST(CallStateTest, NestedTrapUnwindsOnlyToTheInnermostEntry) {
  TestCode code;
  auto memory = Memory::create(1, {}, kDefaultMemoryLimit, &innerStore);
  ASSERT_TRUE(memory);
  abi::StoreRecord outerStore{4242};
  nested = NestedState{&code, (*memory)->base() + kWasmPageSize, {}, nullptr, nullptr, &outerStore, 0};

  abi::Slot slots[1] = {test::slotOf(addressOf(reinterpret_cast<void*>(nestedHostThenReturn)))};
  std::optional<Trap> outer =
      invokeWasm(testEntry, code.function(test::kCallHost), nullptr, slots, &outerStore);
  EXPECT_FALSE(outer) << "the outer call continues after the inner trap";
  EXPECT_EQ(test::valueOf(slots[0]), 11u);
  ASSERT_TRUE(nested.innerTrap);
  EXPECT_EQ(nested.innerTrap->code, TrapCode::MemoryOutOfBounds);
  ASSERT_FALSE(nested.innerTrap->backtrace.empty());
  EXPECT_EQ(nested.innerTrap->backtrace[0].name, "load");
  EXPECT_NE(nested.outerActivation, nullptr);
  EXPECT_EQ(nested.activationAfterInner, nested.outerActivation);
  EXPECT_EQ(nested.outerLimitAfterInner, currentThreadStack().low + abi::kStackReserve);
  EXPECT_EQ(outerStore.stackLimit, 4242u);
  EXPECT_EQ(currentActivation(), nullptr);
}

TEST(CallStateTest, OuterTrapAfterANestedTrap) {
  TestCode code;
  auto memory = Memory::create(1, {}, kDefaultMemoryLimit, &innerStore);
  ASSERT_TRUE(memory);
  abi::StoreRecord outerStore{0};
  nested = NestedState{&code, (*memory)->base() + kWasmPageSize, {}, nullptr, nullptr, &outerStore, 0};
  std::optional<Trap> outer = callHost(code, nestedHostThenTrap, nullptr, &outerStore);
  ASSERT_TRUE(outer);
  EXPECT_EQ(outer->code, TrapCode::Unreachable);
  ASSERT_TRUE(nested.innerTrap);
  EXPECT_EQ(nested.innerTrap->code, TrapCode::MemoryOutOfBounds);
  ASSERT_FALSE(outer->backtrace.empty());
  EXPECT_EQ(outer->backtrace[0].name, "callHost");
  EXPECT_EQ(currentActivation(), nullptr);
}

#endif

} // namespace
} // namespace wasmc::rt
