#include "runtime/Blake3.h"

#include "runtime/Blake3Rounds.h"

#include "runtime/Abi.h"
#include "runtime/CpuFeatures.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include <pthread.h>

namespace wasmc::rt {

namespace {

using namespace blake3_detail;

uint32_t loadWord(const uint8_t* at) {
  uint32_t word;
  std::memcpy(&word, at, 4); // little-endian host (x86-64, AArch64)
  return word;
}

/// One compression; `out` gets the 8-word chaining value (the first half
/// of the specification's 16-word output, all a 32-byte digest needs).
void compress(const uint32_t* cv, const uint8_t* block, uint64_t counter, uint32_t length, uint32_t flags,
              uint32_t* out) {
  uint32_t m[16];
  for (int i = 0; i < 16; ++i)
    m[i] = loadWord(block + 4 * i);
  uint32_t s[16] = {cv[0],  cv[1],  cv[2],  cv[3],  cv[4],  cv[5],
                    cv[6],  cv[7],  kIv[0], kIv[1], kIv[2], kIv[3],
                    static_cast<uint32_t>(counter), static_cast<uint32_t>(counter >> 32), length, flags};
  rounds<uint32_t>(s, m);
  for (int i = 0; i < 8; ++i)
    out[i] = s[i] ^ s[i + 8];
}

/// The chaining value of input `index` of `job`, one compression at a time.
void hashOne(const uint32_t* key, const ManyJob& job, size_t index, uint32_t* out) {
  uint32_t cv[8];
  std::memcpy(cv, key, sizeof cv);
  const uint8_t* input = job.input + index * job.stride;
  uint64_t counter = job.counter + (job.incrementCounter ? index : 0);
  for (size_t block = 0; block < job.blocks; ++block) {
    uint32_t flags = job.flags | (block == 0 ? job.startFlag : 0) | (block + 1 == job.blocks ? job.endFlag : 0);
    compress(cv, input + block * kBlockBytes, counter, kBlockBytes, flags, cv);
  }
  std::memcpy(out, cv, sizeof cv);
}

/// The widest path this CPU has.
Blake3Path bestPath() {
#if defined(__x86_64__)
  uint64_t features = hostCpuFeatures();
  if (features & abi::kCpuAvx512f)
    return Blake3Path::Best;
  if (features & abi::kCpuAvx2)
    return Blake3Path::Avx2;
#endif
  return Blake3Path::Portable;
}

const Blake3Path kBestPath = bestPath();

bool supported(Blake3Path path) {
  switch (path) {
  case Blake3Path::Best:
  case Blake3Path::Portable:
    return true;
  case Blake3Path::Avx2:
    return kBestPath != Blake3Path::Portable;
  }
  return false;
}

/// The chaining values of `count` inputs of `job` into out[8 * k ...].
void hashMany(Blake3Path path, const uint32_t* key, const ManyJob& job, size_t count, uint32_t* out) {
  size_t done = 0;
#if defined(__x86_64__)
  if (path == Blake3Path::Best)
    path = kBestPath;
  if (path == Blake3Path::Best)
    for (; done + 16 <= count; done += 16)
      hashLanes16(key, job, done, out + 8 * done);
  if (path == Blake3Path::Best || path == Blake3Path::Avx2)
    for (; done + 8 <= count; done += 8)
      hashLanes8(key, job, done, out + 8 * done);
#endif
  for (; done < count; ++done)
    hashOne(key, job, done, out + 8 * done);
}

void parentCv(const uint32_t* key, uint32_t flags, const uint32_t* left, const uint32_t* right, uint32_t* out) {
  uint8_t block[64];
  std::memcpy(block, left, 32);
  std::memcpy(block + 32, right, 32);
  compress(key, block, 0, kBlockBytes, flags | kParent, out);
}

/// Chunks hashed in one go before their chaining values are reduced to one.
constexpr size_t kBatchChunks = 64;

/// The chaining value of the subtree of `chunks` (a power of two) full
/// chunks at `input`, the first being chunk number `counter`; never the
/// root (the caller keeps input back for the last chunk).
void subtreeCv(Blake3Path path, const uint32_t* key, uint32_t flags, const uint8_t* input, uint64_t counter,
               size_t chunks, uint32_t* out) {
  if (chunks > kBatchChunks) {
    uint32_t halves[16];
    size_t half = chunks / 2;
    subtreeCv(path, key, flags, input, counter, half, halves);
    subtreeCv(path, key, flags, input + half * kChunkBytes, counter + half, half, halves + 8);
    parentCv(key, flags, halves, halves + 8, out);
    return;
  }
  uint32_t cvs[kBatchChunks * 8];
  hashMany(path, key, {input, kChunkBytes, kBlocksPerChunk, counter, true, flags, kChunkStart, kChunkEnd}, chunks,
           cvs);
  // Each level of parents is itself many independent compressions: one
  // block per parent, its two children side by side in `cvs`.
  for (size_t count = chunks; count > 1; count /= 2)
    hashMany(path, key, {reinterpret_cast<const uint8_t*>(cvs), kBlockBytes, 1, 0, false, flags | kParent, 0, 0},
             count / 2, cvs);
  std::memcpy(out, cvs, 32);
}

/// subtreeCv with the left half on a second thread, or on this one when no
/// thread can be made (a process at its thread limit still loads).
void subtreeCvParallel(Blake3Path path, const uint32_t* key, uint32_t flags, const uint8_t* input, uint64_t counter,
                       size_t chunks, uint32_t* out) {
  uint32_t halves[16];
  size_t half = chunks / 2;
  struct Left {
    Blake3Path path;
    const uint32_t* key;
    uint32_t flags;
    const uint8_t* input;
    uint64_t counter;
    size_t chunks;
    uint32_t* out;
  } left{path, key, flags, input, counter, half, halves};
  auto run = [](void* arg) -> void* {
    auto* job = static_cast<Left*>(arg);
    subtreeCv(job->path, job->key, job->flags, job->input, job->counter, job->chunks, job->out);
    return nullptr;
  };
  // pthread_create, not std::thread: without exceptions (the runtime has
  // none) std::thread aborts where a thread cannot be made.
  pthread_t thread;
  const bool threaded = ::pthread_create(&thread, nullptr, run, &left) == 0;
  if (!threaded)
    run(&left);
  subtreeCv(path, key, flags, input + half * kChunkBytes, counter + half, half, halves + 8);
  if (threaded)
    ::pthread_join(thread, nullptr);
  parentCv(key, flags, halves, halves + 8, out);
}

} // namespace

bool blake3PathSupported(Blake3Path path) { return supported(path); }

Blake3::Blake3(Blake3Path path) : flags_(0), path_(supported(path) ? path : Blake3Path::Portable) {
  std::memcpy(key_, kIv, sizeof key_);
  std::memcpy(chunkCv_, key_, sizeof chunkCv_);
}

Blake3::Blake3(const Digest& key, Blake3Path path)
    : flags_(kKeyedHash), path_(supported(path) ? path : Blake3Path::Portable) {
  for (int i = 0; i < 8; ++i)
    key_[i] = loadWord(key.data() + 4 * i);
  std::memcpy(chunkCv_, key_, sizeof chunkCv_);
}

void Blake3::pushSubtree(const uint32_t* cv, unsigned level) {
  // The stack mirrors the bits of the chunk count: adding a subtree of
  // 2^level chunks carries into every complete subtree of its size.
  uint32_t merged[8];
  std::memcpy(merged, cv, sizeof merged);
  uint64_t total = chunkCounter_ >> level;
  while ((total & 1) == 0) {
    parentCv(key_, flags_, stack_[--stackSize_], merged, merged);
    total >>= 1;
  }
  std::memcpy(stack_[stackSize_++], merged, sizeof merged);
}

void Blake3::finishChunk() {
  uint32_t cv[8];
  compress(chunkCv_, block_, chunkCounter_, blockLength_, flags_ | kChunkEnd | (blocksCompressed_ ? 0 : kChunkStart),
           cv);
  ++chunkCounter_;
  pushSubtree(cv, 0);
  std::memcpy(chunkCv_, key_, sizeof chunkCv_);
  blockLength_ = 0;
  blocksCompressed_ = 0;
}

Blake3& Blake3::update(std::span<const uint8_t> bytes) {
  const uint8_t* at = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    bool chunkFull = blocksCompressed_ == kBlocksPerChunk - 1 && blockLength_ == kBlockBytes;
    if (chunkFull) // more input follows, so this chunk is not the root
      finishChunk();
    if (blocksCompressed_ == 0 && blockLength_ == 0 && left > kChunkBytes) {
      // At a chunk boundary with more than a chunk to go: the largest
      // subtree the chunk count is aligned to that still leaves input
      // for the last chunk.
      size_t chunks = std::bit_floor((left - 1) / kChunkBytes);
      if (chunkCounter_ != 0)
        chunks = std::min<size_t>(chunks, size_t(1) << std::countr_zero(chunkCounter_));
      uint32_t cv[8];
      if (chunks * kChunkBytes >= kParallelBytes)
        subtreeCvParallel(path_, key_, flags_, at, chunkCounter_, chunks, cv);
      else
        subtreeCv(path_, key_, flags_, at, chunkCounter_, chunks, cv);
      chunkCounter_ += chunks;
      pushSubtree(cv, static_cast<unsigned>(std::countr_zero(chunks)));
      at += chunks * kChunkBytes;
      left -= chunks * kChunkBytes;
      continue;
    }
    if (blockLength_ == kBlockBytes) { // a full block and more input: not the chunk's last
      compress(chunkCv_, block_, chunkCounter_, kBlockBytes, flags_ | (blocksCompressed_ ? 0 : kChunkStart),
               chunkCv_);
      ++blocksCompressed_;
      blockLength_ = 0;
    }
    size_t take = std::min(left, kBlockBytes - blockLength_);
    std::memcpy(block_ + blockLength_, at, take);
    blockLength_ += static_cast<uint32_t>(take);
    at += take;
    left -= take;
  }
  return *this;
}

Blake3& Blake3::updateZeros(size_t count) {
  static const uint8_t kZeros[kChunkBytes] = {};
  while (count > 0) {
    size_t take = std::min(count, sizeof kZeros);
    update(kZeros, take);
    count -= take;
  }
  return *this;
}

Digest Blake3::finish() const {
  // The chunk's last block, then its parents up the stack; the final
  // compression carries the root flag.
  uint32_t block[16];
  uint8_t padded[64] = {};
  std::memcpy(padded, block_, blockLength_);
  uint32_t cv[8];
  std::memcpy(cv, chunkCv_, sizeof cv);
  uint64_t counter = chunkCounter_;
  uint32_t length = blockLength_;
  uint32_t flags = flags_ | kChunkEnd | (blocksCompressed_ ? 0 : kChunkStart);
  std::memcpy(block, padded, sizeof block);
  for (unsigned i = stackSize_; i > 0; --i) {
    uint32_t childCv[8];
    compress(cv, reinterpret_cast<const uint8_t*>(block), counter, length, flags, childCv);
    std::memcpy(block, stack_[i - 1], 32);
    std::memcpy(block + 8, childCv, 32);
    std::memcpy(cv, key_, sizeof cv);
    counter = 0;
    length = kBlockBytes;
    flags = flags_ | kParent;
  }
  uint32_t root[8];
  compress(cv, reinterpret_cast<const uint8_t*>(block), counter, length, flags | kRoot, root);
  Digest out;
  std::memcpy(out.data(), root, out.size());
  return out;
}

Digest blake3(std::span<const uint8_t> bytes, Blake3Path path) { return Blake3(path).update(bytes).finish(); }

} // namespace wasmc::rt
