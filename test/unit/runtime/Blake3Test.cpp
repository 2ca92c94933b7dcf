// BLAKE3 against b3sum (Debian's b3sum 1.2.0, the reference Rust
// implementation): the specification's input pattern (byte i is i % 251)
// at the lengths of its test vectors, the chunk and tree boundaries, and
// sizes that take the wide (16 and 8 lanes) and two-thread paths; the
// hash and the keyed-hash mode. Every path this CPU has must agree, and
// pieces of any size must give the one-shot digest.

#include "runtime/Blake3.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace wasmc::rt {
namespace {

std::vector<uint8_t> pattern(size_t length) {
  std::vector<uint8_t> out(length);
  for (size_t i = 0; i < length; ++i)
    out[i] = static_cast<uint8_t>(i % 251);
  return out;
}

const std::vector<std::pair<size_t, std::string>> kHashVectors = {
    {0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"},
    {1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"},
    {63, "e9bc37a594daad83be9470df7f7b3798297c3d834ce80ba85d6e207627b7db7b"},
    {64, "4eed7141ea4a5cd4b788606bd23f46e212af9cacebacdc7d1f4c6dc7f2511b98"},
    {65, "de1e5fa0be70df6d2be8fffd0e99ceaa8eb6e8c93a63f2d8d1c30ecb6b263dee"},
    {1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11"},
    {1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7"},
    {1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444"},
    {2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a"},
    {2049, "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030"},
    {3072, "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2"},
    {3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3"},
    {4096, "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969"},
    {4097, "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995"},
    {5120, "9cadc15fed8b5d854562b26a9536d9707cadeda9b143978f319ab34230535833"},
    {5121, "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff"},
    {6144, "3e2e5b74e048f3add6d21faab3f83aa44d3b2278afb83b80b3c35164ebeca205"},
    {6145, "f1323a8631446cc50536a9f705ee5cb619424d46887f3c376c695b70e0f0507f"},
    {7168, "61da957ec2499a95d6b8023e2b0e604ec7f6b50e80a9678b89d2628e99ada77a"},
    {7169, "a003fc7a51754a9b3c7fae0367ab3d782dccf28855a03d435f8cfe74605e7817"},
    {8192, "aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63"},
    {8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b"},
    {16384, "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4"},
    {31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47"},
    {102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085"},
    {1048576, "74cb441fd087764ca9c3694da742ebe30cbeb3060a17009ca81825c7a8d10343"},
    {1048577, "2f053cd7472cf0cd2f9adaf45c1180255b91b9a865404a63671a0ee5f792ed33"},
    {3152901, "9694c03738b35a964643f24eb2f95a64663a8c260424018fcb2cbdad3f731ddc"},
    {4206649, "51cd3097e7332ba6f560f8909f7c29ecd7ea6362ca232f51cf4fd0942bc98c19"},
};

// The key of the specification's test vectors.
const std::string kKeyText = "whats the Elvish word for friend";

const std::vector<std::pair<size_t, std::string>> kKeyedVectors = {
    {0, "92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26"},
    {1, "6d7878dfff2f485635d39013278ae14f1454b8c0a3a2d34bc1ab38228a80c95b"},
    {1024, "75c46f6f3d9eb4f55ecaaee480db732e6c2105546f1e675003687c31719c7ba4"},
    {1025, "357dc55de0c7e382c900fd6e320acc04146be01db6a8ce7210b7189bd664ea69"},
    {8193, "954a2a75420c8d6547e3ba5b98d963e6fa6491addc8c023189cc519821b4a1f5"},
    {102400, "1c35d1a5811083fd7119f5d5d1ba027b4d01c0c6c49fb6ff2cf75393ea5db4a7"},
    {4206649, "6588f162bc3a27db1869b226944faae3a1421f4df5a7ab8f39e32b6efef98b60"},
};

Digest testKey() {
  Digest key;
  std::copy(kKeyText.begin(), kKeyText.end(), key.begin());
  return key;
}

constexpr Blake3Path kPaths[] = {Blake3Path::Best, Blake3Path::Avx2, Blake3Path::Portable};

TEST(Blake3, HashVectorsOnEveryPath) {
  for (Blake3Path path : kPaths) {
    if (!blake3PathSupported(path))
      continue;
    for (const auto& [length, expected] : kHashVectors)
      EXPECT_EQ(toHex(blake3(pattern(length), path)), expected) << length << " bytes, path " << int(path);
  }
}

TEST(Blake3, KeyedVectorsOnEveryPath) {
  for (Blake3Path path : kPaths) {
    if (!blake3PathSupported(path))
      continue;
    for (const auto& [length, expected] : kKeyedVectors)
      EXPECT_EQ(toHex(Blake3(testKey(), path).update(pattern(length)).finish()), expected)
          << length << " bytes, path " << int(path);
  }
}

TEST(Blake3, PiecesAndZerosAgreeWithOneShot) {
  std::mt19937 random(3);
  for (int round = 0; round < 60; ++round) {
    // Up to 2.5 MiB, so some pieces are large enough for the wide and
    // two-thread paths at chunk counts of every alignment.
    size_t length = round % 3 == 0 ? random() % (5 << 19) : random() % 20000;
    std::vector<uint8_t> data(length);
    for (uint8_t& byte : data)
      byte = static_cast<uint8_t>(random());
    size_t zerosAt = length ? random() % length : 0;
    size_t zeros = std::min<size_t>(length - zerosAt, random() % 5000);
    std::fill(data.begin() + zerosAt, data.begin() + zerosAt + zeros, 0);
    Blake3 pieces;
    size_t at = 0;
    auto feed = [&](size_t end) {
      while (at < end) {
        size_t take = std::min<size_t>(end - at, 1 + random() % (random() % 2 ? 3000 : 1500000));
        pieces.update(data.data() + at, take);
        at += take;
      }
    };
    feed(zerosAt);
    pieces.updateZeros(zeros);
    at += zeros;
    feed(length);
    Digest expected = blake3(data, Blake3Path::Portable);
    EXPECT_EQ(toHex(pieces.finish()), toHex(expected)) << "length " << length;
    EXPECT_EQ(toHex(blake3(data)), toHex(expected)) << "length " << length;
  }
}

TEST(Blake3, FinishLeavesTheHasherUsable) {
  std::vector<uint8_t> data = pattern(5000);
  Blake3 hasher;
  hasher.update(std::span<const uint8_t>(data).first(2000));
  EXPECT_EQ(hasher.finish(), blake3(std::span<const uint8_t>(data).first(2000)));
  hasher.update(std::span<const uint8_t>(data).subspan(2000));
  EXPECT_EQ(hasher.finish(), blake3(data));
}

} // namespace
} // namespace wasmc::rt
