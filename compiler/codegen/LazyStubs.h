#pragma once
// The lazy JIT's stubs (x86-64): one per defined function, the address
// every caller uses for it (FuncRefs, tables, other functions' calls). A
// stub is an indirect jump through the function's slot in a table of
// targets. Each slot first holds the function's thunk, which passes the
// function's index to a shared resolver: it saves every argument register
// (xmm0-7 whole, for v128 arguments), calls `resolve(context, index)` on
// the calling thread, restores them and jumps to the code it returned.
// Resolving stores that code in the slot, so later calls go straight
// there; tier-up stores LLVM's code there later (a pointer store).
//
// Made without LLVM in microseconds for clang.wasm's 133,398 functions;
// ORC's lazy re-exports took 2 s for the same (docs/BENCHMARKS.md).
// Layout, one mapping: the stubs (8 bytes each), the thunks (16 bytes
// each) and the resolver, read-only and executable once written; then the
// slots, writable data within the stubs' 32-bit reach.

#include "compiler/wasm/Error.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace wasmc::codegen {

class LazyStubs {
public:
  /// Returns the code of defined function `index`, never null (it does not
  /// return if the function cannot be compiled). Runs on the thread that
  /// called the stub, below the caller's frame.
  using Resolve = const void* (*)(void* context, uint32_t index);

  static Expected<std::unique_ptr<LazyStubs>> create(uint32_t count, Resolve resolve, void* context);
  ~LazyStubs();
  LazyStubs(const LazyStubs&) = delete;
  LazyStubs& operator=(const LazyStubs&) = delete;

  /// Every function's stub, by defined-function index (JitCode::functions).
  void* const* stubs() const { return stubs_.data(); }
  uint32_t count() const { return static_cast<uint32_t>(stubs_.size()); }

  /// True while the stub still leads to the resolver.
  bool unresolved(uint32_t index) const;
  /// Where the stub jumps now.
  const void* target(uint32_t index) const { return slots_[index].load(std::memory_order_acquire); }
  /// Points the stub at `code` (release: the code is written before a call
  /// can reach it). Calls already past the jump finish where they are.
  void setTarget(uint32_t index, const void* code) { slots_[index].store(code, std::memory_order_release); }

private:
  LazyStubs() = default;

  void* mapping_ = nullptr;
  size_t mappingBytes_ = 0;
  const uint8_t* thunks_ = nullptr;
  std::atomic<const void*>* slots_ = nullptr;
  std::vector<void*> stubs_;
};

} // namespace wasmc::codegen
