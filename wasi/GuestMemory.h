#pragma once
// Checked access to the guest's linear memory for WASI host functions. Every
// guest pointer and length goes through here: a range that does not lie
// entirely inside the memory's CURRENT size is EFAULT for the guest, never a
// host access. Arithmetic is 64-bit, so ptr + len cannot wrap.

#include "runtime/Memory.h"
#include "wasi/Errno.h"

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

namespace wasmc::wasi {

class GuestMemory {
public:
  GuestMemory() = default;
  /// `memory` must outlive this object (the instance's memory lives as long
  /// as its store). Null means "no memory": every access is EFAULT.
  explicit GuestMemory(const rt::Memory* memory) : memory_(memory) {}

  bool bound() const { return memory_ != nullptr; }

  /// The host view of guest bytes [ptr, ptr + len). Valid until the guest
  /// runs again (memory.grow never moves the base, but the bytes are the
  /// guest's to change). Fault if any byte lies outside the memory.
  ErrnoOr<std::span<uint8_t>> bytes(uint64_t ptr, uint64_t len) const {
    if (!memory_)
      return Errno::Fault;
    uint64_t size = memory_->sizeBytes(); // re-read: the memory may have grown
    if (len > size || ptr > size - len)
      return Errno::Fault;
    return std::span<uint8_t>(memory_->base() + ptr, static_cast<size_t>(len));
  }

  /// `count` elements of `elemSize` bytes at `ptr`, with the multiplication
  /// done in 64 bits.
  ErrnoOr<std::span<uint8_t>> array(uint32_t ptr, uint32_t count, uint32_t elemSize) const {
    return bytes(ptr, uint64_t(count) * elemSize);
  }

  /// A guest string (not NUL-terminated; may contain NULs, which callers check).
  ErrnoOr<std::string_view> string(uint32_t ptr, uint32_t len) const {
    std::span<uint8_t> view = WASMC_WASI_TRY(bytes(ptr, len));
    return std::string_view(reinterpret_cast<const char*>(view.data()), view.size());
  }

  /// A little-endian scalar at `ptr` (any alignment).
  template <class T>
  requires std::is_trivially_copyable_v<T> ErrnoOr<T> read(uint64_t ptr)
  const {
    std::span<uint8_t> view = WASMC_WASI_TRY(bytes(ptr, sizeof(T)));
    T value;
    std::memcpy(&value, view.data(), sizeof(T));
    return value;
  }

  template <class T>
  requires std::is_trivially_copyable_v<T> Errno write(uint64_t ptr, T value)
  const {
    std::span<uint8_t> view = WASMC_WASI_TRY(bytes(ptr, sizeof(T)));
    std::memcpy(view.data(), &value, sizeof(T));
    return Errno::Success;
  }

  /// Copies `data` to guest memory at `ptr`, all or nothing.
  Errno store(uint64_t ptr, std::span<const uint8_t> data) const {
    std::span<uint8_t> view = WASMC_WASI_TRY(bytes(ptr, data.size()));
    if (!data.empty())
      std::memmove(view.data(), data.data(), data.size());
    return Errno::Success;
  }

private:
  const rt::Memory* memory_ = nullptr;
};

/// A fixed-size little-endian record assembled on the host, then stored to
/// guest memory in one checked copy (filestat, fdstat, dirent, event).
template <size_t N> struct Record {
  uint8_t bytes[N] = {};

  template <class T> void put(size_t offset, T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::memcpy(bytes + offset, &value, sizeof(T)); // callers keep offset + sizeof(T) <= N
  }
  std::span<const uint8_t> span() const { return std::span<const uint8_t>(bytes, N); }
};

} // namespace wasmc::wasi
