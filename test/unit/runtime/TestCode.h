#pragma once
// Hand-assembled x86-64 "compiled wasm" for exercising the trap path without
// LLVM: a page of tiny functions, a C++ entry trampoline, and helpers to
// register the page with the CodeRegistry.

#include "runtime/Abi.h"
#include "runtime/CodeRegistry.h"

#include <cstdint>
#include <cstring>
#include <sys/mman.h>
#include <vector>

namespace wasmc::rt::test {

/// Every function takes (void* vmctx, uint64_t arg) and returns uint64_t.
enum TestFunction : uint32_t {
  kLoad = 0,    // return *(uint32_t*)arg
  kCallHost,    // return ((uint64_t(*)(void*, uint64_t))arg)(vmctx, arg), with a frame
  kUnreachable, // ud2
  kDivide,      // return (int32_t)vmctx / (int32_t)arg
  kRecurse,     // calls itself forever
  kFunctionCount,
};

inline constexpr size_t kFunctionStride = 32;

/// One RX page holding the functions above at kFunctionStride intervals.
class TestCode {
public:
  explicit TestCode(bool registerIt = true) {
    void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    base_ = static_cast<uint8_t*>(page);
    std::memset(base_, 0xcc, 4096); // int3 between functions
    emit(kLoad, {0x8b, 0x06, 0xc3});                                  // mov (%rsi),%eax; ret
    emit(kCallHost, {0x55, 0x48, 0x89, 0xe5, 0xff, 0xd6, 0x5d, 0xc3}); // push %rbp; mov %rsp,%rbp;
                                                                      // call *%rsi; pop %rbp; ret
    emit(kUnreachable, {0x0f, 0x0b});                                 // ud2
    emit(kDivide, {0x89, 0xf8, 0x99, 0xf7, 0xfe, 0xc3});              // mov %edi,%eax; cltd;
                                                                      // idiv %esi; ret
    emit(kRecurse, {0xe8, 0xfb, 0xff, 0xff, 0xff});                   // call . (itself)
    mprotect(base_, 4096, PROT_READ | PROT_EXEC);
    if (registerIt) {
      static const char* const names[] = {"load", "callHost", "unreachable", "divide", "recurse"};
      std::vector<FunctionRange> ranges;
      for (uint32_t i = 0; i < kFunctionCount; ++i) {
        uintptr_t start = reinterpret_cast<uintptr_t>(function(static_cast<TestFunction>(i)));
        ranges.push_back(FunctionRange{start, start + kFunctionStride, i, names[i]});
      }
      handle_ = registerCode(std::move(ranges));
    }
  }
  ~TestCode() {
    if (handle_)
      unregisterCode(handle_);
    munmap(base_, 4096);
  }
  TestCode(const TestCode&) = delete;
  TestCode& operator=(const TestCode&) = delete;

  void* function(TestFunction f) const { return base_ + f * kFunctionStride; }

private:
  void emit(TestFunction f, std::initializer_list<uint8_t> bytes) {
    std::memcpy(base_ + f * kFunctionStride, bytes.begin(), bytes.size());
  }

  uint8_t* base_ = nullptr;
  uint64_t handle_ = 0;
};

/// The entry trampoline the compiler would generate for (i64) -> i64.
inline void testEntry(void* code, void* vmctx, abi::Slot* slots) {
  uint64_t arg;
  std::memcpy(&arg, slots[0].bytes, sizeof arg);
  auto* fn = reinterpret_cast<uint64_t (*)(void*, uint64_t)>(code);
  uint64_t result = fn(vmctx, arg);
  std::memcpy(slots[0].bytes, &result, sizeof result);
}

inline abi::Slot slotOf(uint64_t value) {
  abi::Slot slot = {};
  std::memcpy(slot.bytes, &value, sizeof value);
  return slot;
}

inline uint64_t valueOf(const abi::Slot& slot) {
  uint64_t value;
  std::memcpy(&value, slot.bytes, sizeof value);
  return value;
}

} // namespace wasmc::rt::test
