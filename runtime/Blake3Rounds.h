#pragma once
// The insides of BLAKE3 (runtime/Blake3.cpp) that its SIMD files share:
// constants, the round function written once for one word or a vector of
// them, and the description of many independent compressions. Internal
// linkage on purpose: Blake3Avx512.cpp and Blake3Avx2.cpp compile these
// templates for their own targets, and an inline function with external
// linkage would let the linker keep an AVX-512 copy for every caller.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

namespace wasmc::rt::blake3_detail {

/// What hashMany does to each of its inputs: `blocks` blocks from `input`,
/// the first with `startFlag`, the last with `endFlag`.
struct ManyJob {
  const uint8_t* input;   // the first input; input k is at input + k * stride
  size_t stride;          // bytes from one input to the next
  size_t blocks;          // blocks per input
  uint64_t counter;       // counter of input 0
  bool incrementCounter;  // input k uses counter + k (chunks) or counter (parents)
  uint32_t flags;         // on every block
  uint32_t startFlag;     // on the first block
  uint32_t endFlag;       // on the last block
};

/// N inputs of `job` from input `first` on, N lanes at a time; chaining
/// values to out[8 * k ...]. Only on a CPU with the instructions.
void hashLanes16(const uint32_t* key, const ManyJob& job, size_t first, uint32_t* out);
void hashLanes8(const uint32_t* key, const ManyJob& job, size_t first, uint32_t* out);

namespace {

constexpr uint32_t kIv[8] = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                             0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};

enum : uint32_t { kChunkStart = 1, kChunkEnd = 2, kParent = 4, kRoot = 8, kKeyedHash = 16 };

constexpr size_t kBlockBytes = 64;
constexpr size_t kChunkBytes = 1024;
constexpr size_t kBlocksPerChunk = kChunkBytes / kBlockBytes;

/// The message word each of the 16 positions of each of the 7 rounds
/// takes: the specification permutes the words between rounds; this is
/// that permutation applied ahead of time.
constexpr std::array<std::array<uint8_t, 16>, 7> kSchedule = [] {
  constexpr uint8_t permutation[16] = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
  std::array<std::array<uint8_t, 16>, 7> schedule{};
  for (uint8_t i = 0; i < 16; ++i)
    schedule[0][i] = i;
  for (int round = 1; round < 7; ++round)
    for (int i = 0; i < 16; ++i)
      schedule[round][i] = schedule[round - 1][permutation[i]];
  return schedule;
}();

// The round function is written once for a word type V: uint32_t (one
// compression) or a vector of N words (N independent compressions, one
// per lane). Always inlined, so each caller gets it for its own target.

template <class V>
[[gnu::always_inline]] inline V rotateRight(V x, int n) {
  return (x >> n) | (x << (32 - n));
}

template <class V>
[[gnu::always_inline]] inline void mix(V* s, int a, int b, int c, int d, V x, V y) {
  s[a] = s[a] + s[b] + x;
  s[d] = rotateRight<V>(s[d] ^ s[a], 16);
  s[c] = s[c] + s[d];
  s[b] = rotateRight<V>(s[b] ^ s[c], 12);
  s[a] = s[a] + s[b] + y;
  s[d] = rotateRight<V>(s[d] ^ s[a], 8);
  s[c] = s[c] + s[d];
  s[b] = rotateRight<V>(s[b] ^ s[c], 7);
}

template <class V>
[[gnu::always_inline]] inline void rounds(V* s, const V* m) {
#pragma clang loop unroll(full)
  for (int round = 0; round < 7; ++round) {
    const std::array<uint8_t, 16>& k = kSchedule[round];
    mix<V>(s, 0, 4, 8, 12, m[k[0]], m[k[1]]);
    mix<V>(s, 1, 5, 9, 13, m[k[2]], m[k[3]]);
    mix<V>(s, 2, 6, 10, 14, m[k[4]], m[k[5]]);
    mix<V>(s, 3, 7, 11, 15, m[k[6]], m[k[7]]);
    mix<V>(s, 0, 5, 10, 15, m[k[8]], m[k[9]]);
    mix<V>(s, 1, 6, 11, 12, m[k[10]], m[k[11]]);
    mix<V>(s, 2, 7, 8, 13, m[k[12]], m[k[13]]);
    mix<V>(s, 3, 4, 9, 14, m[k[14]], m[k[15]]);
  }
}

// An N x N transpose of 32-bit words in log2(N) stages: stage B swaps, in
// every 2B x 2B block, the B x B block right of the diagonal with the one
// below it. Each new row is one two-source shuffle of two old rows.

template <int N, int B, class V, size_t... J>
[[gnu::always_inline]] inline V keepLeft(V upper, V lower, std::index_sequence<J...>) {
  return __builtin_shufflevector(upper, lower, ((J & B) ? N + J - B : J)...);
}

template <int N, int B, class V, size_t... J>
[[gnu::always_inline]] inline V keepRight(V upper, V lower, std::index_sequence<J...>) {
  return __builtin_shufflevector(upper, lower, ((J & B) ? N + J : J + B)...);
}

template <int N, int B, class V>
[[gnu::always_inline]] inline void transpose(V* rows) {
  if constexpr (B >= 1) {
    for (int i = 0; i < N; ++i) {
      if (i & B)
        continue;
      V upper = keepLeft<N, B>(rows[i], rows[i + B], std::make_index_sequence<N>());
      V lower = keepRight<N, B>(rows[i], rows[i + B], std::make_index_sequence<N>());
      rows[i] = upper;
      rows[i + B] = lower;
    }
    transpose<N, B / 2>(rows);
  }
}

/// hashLanes16 and hashLanes8 for a vector V of N words: lane k hashes
/// input `first + k`. Each block's message words are loaded a row (N words
/// of one input) at a time and transposed into one vector per word.
template <int N, class V>
[[gnu::always_inline]] inline void hashLanes(const uint32_t* key, const ManyJob& job, size_t first, uint32_t* out) {
  V lane;
  for (int i = 0; i < N; ++i)
    lane[i] = static_cast<uint32_t>(i);
  uint64_t base = job.counter + (job.incrementCounter ? first : 0);
  V counterLow = static_cast<uint32_t>(base);
  V counterHigh = static_cast<uint32_t>(base >> 32);
  if (job.incrementCounter) {
    V sum = counterLow + lane;
    counterHigh -= (V)(sum < counterLow); // the carry: a true comparison is all ones, -1
    counterLow = sum;
  }
  V h[8];
  for (int i = 0; i < 8; ++i)
    h[i] = key[i];
  const uint8_t* input = job.input + first * job.stride;
  for (size_t block = 0; block < job.blocks; ++block) {
    V m[16];
    for (int group = 0; group < 16 / N; ++group) {
      V* rows = m + group * N;
      for (int k = 0; k < N; ++k)
        std::memcpy(&rows[k], input + k * job.stride + block * kBlockBytes + group * N * 4, sizeof(V));
      transpose<N, N / 2>(rows);
    }
    uint32_t flags = job.flags | (block == 0 ? job.startFlag : 0) | (block + 1 == job.blocks ? job.endFlag : 0);
    V s[16] = {h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], kIv[0], kIv[1], kIv[2], kIv[3],
               counterLow, counterHigh, static_cast<uint32_t>(kBlockBytes), flags};
    rounds<V>(s, m);
    for (int i = 0; i < 8; ++i)
      h[i] = s[i] ^ s[i + 8];
  }
  for (int i = 0; i < 8; ++i)
    for (int k = 0; k < N; ++k)
      out[8 * k + i] = h[i][k];
}

} // namespace
} // namespace wasmc::rt::blake3_detail
