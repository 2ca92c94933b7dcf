#pragma once
// BLAKE3 (its specification, 2021): the digest of artifacts. Chosen over
// SHA-256 for load time: its tree of 1 KiB chunks lets 16 chunks (AVX-512)
// or 8 (AVX2) be hashed at once and a large input be split over two
// threads, where SHA-256 is one serial chain (about 1.7 GB/s here with the
// SHA extensions; a 4 MiB artifact spent 2.3 ms in it). Hash and keyed-hash
// modes, 32-byte output; tested against b3sum in
// test/unit/runtime/Blake3Test.cpp.

#include "runtime/Sha256.h" // Digest

#include <cstddef>
#include <cstdint>
#include <span>

namespace wasmc::rt {

/// How Blake3 computes: the widest SIMD this CPU has (the default), or a
/// narrower path, so tests can compare the paths on one machine.
enum class Blake3Path { Best, Avx2, Portable };

/// True when this CPU can take `path` (a Blake3 given a path the CPU
/// lacks computes portably instead).
bool blake3PathSupported(Blake3Path path);

/// An incremental BLAKE3. Not thread-safe; update() may itself use one
/// helper thread for a large input (kParallelBytes).
class Blake3 {
public:
  /// An update of at least this many bytes hashes its halves on two threads.
  static constexpr size_t kParallelBytes = size_t(1) << 20;

  /// The hash mode.
  explicit Blake3(Blake3Path path = Blake3Path::Best);
  /// The keyed-hash mode (a MAC or PRF under `key`).
  explicit Blake3(const Digest& key, Blake3Path path = Blake3Path::Best);

  Blake3& update(std::span<const uint8_t> bytes);
  Blake3& update(const void* data, size_t size) {
    return update(std::span<const uint8_t>(static_cast<const uint8_t*>(data), size));
  }
  /// `count` zero bytes, without a buffer of them.
  Blake3& updateZeros(size_t count);
  /// The 32-byte digest of everything so far; the object stays usable.
  [[nodiscard]] Digest finish() const;

private:
  void finishChunk();
  void pushSubtree(const uint32_t* cv, unsigned level);

  uint32_t key_[8];
  uint32_t flags_;
  Blake3Path path_;
  // The chunk being filled: its chaining value so far, its index, the
  // block not yet compressed (compressed only once more input shows it is
  // not the last) and how many blocks came before it.
  uint32_t chunkCv_[8];
  uint64_t chunkCounter_ = 0;
  uint8_t block_[64] = {};
  uint32_t blockLength_ = 0;
  uint32_t blocksCompressed_ = 0;
  // Chaining values of the complete subtrees left of the chunk, largest
  // first: one per set bit of chunkCounter_.
  uint32_t stack_[64][8];
  unsigned stackSize_ = 0;
};

/// BLAKE3 of `bytes` in one call.
[[nodiscard]] Digest blake3(std::span<const uint8_t> bytes, Blake3Path path = Blake3Path::Best);

} // namespace wasmc::rt
