#pragma once
// Executable memory that code is added to while other threads run what is
// already there (the baseline tier compiles each function on its first
// call). One memfd mapped twice: writable at one address, executable at
// another, so no page is ever writable and executable at the same address
// (W^X), and the writable view's address is known to nothing but this
// object. Only the pages written are backed by memory.

#include "compiler/wasm/Error.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>

namespace wasmc::engine {

class CodeArena {
public:
  /// Reserves `capacity` bytes (rounded up to pages) of address space.
  static Expected<std::unique_ptr<CodeArena>> create(size_t capacity);
  ~CodeArena();
  CodeArena(const CodeArena&) = delete;
  CodeArena& operator=(const CodeArena&) = delete;

  /// Copies `code` in at a 16-byte boundary and returns its executable
  /// address, or null when the arena is full. Thread-safe; the bytes are
  /// written before the address is returned.
  const uint8_t* add(std::span<const uint8_t> code);

  /// Bytes of code added so far (alignment included).
  size_t used() const;

private:
  CodeArena() = default;
  /// Backs the pages up to `end` in chunks, one system call each.
  void populate(size_t end);

  int fd_ = -1;
  uint8_t* writable_ = nullptr;
  const uint8_t* executable_ = nullptr;
  size_t capacity_ = 0;
  mutable std::mutex mutex_;
  size_t used_ = 0;
  size_t populated_ = 0; // bytes from the start backed by memory (populate)
};

} // namespace wasmc::engine
