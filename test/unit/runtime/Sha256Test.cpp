// SHA-256 against the FIPS 180-4 examples (and the NIST long message), the
// portable and SHA-extension paths against each other, HMAC-SHA256 against
// RFC 4231.

#include "runtime/Sha256.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace wasmc::rt {
namespace {

std::span<const uint8_t> bytesOf(const std::string& text) {
  return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::vector<uint8_t> fromHex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

TEST(Sha256, FipsExamples) {
  EXPECT_EQ(toHex(sha256(bytesOf(""))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(toHex(sha256(bytesOf("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(toHex(sha256(bytesOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(toHex(sha256(bytesOf("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
                                 "lmnopqrsmnopqrstnopqrstu"))),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, OneMillionAs) {
  std::string million(1000000, 'a');
  EXPECT_EQ(toHex(sha256(bytesOf(million))), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(toHex(sha256Portable(bytesOf(million))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, IncrementalAndZerosAgreeWithOneShot) {
  std::mt19937 random(180);
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> data(random() % 700);
    for (uint8_t& byte : data)
      byte = static_cast<uint8_t>(random());
    // A run of zeros in the middle, hashed with updateZeros.
    size_t zerosAt = data.empty() ? 0 : random() % data.size();
    size_t zeros = std::min<size_t>(data.size() - zerosAt, random() % 150);
    std::fill(data.begin() + zerosAt, data.begin() + zerosAt + zeros, 0);
    Sha256 pieces;
    size_t at = 0;
    while (at < zerosAt) {
      size_t take = std::min<size_t>(zerosAt - at, 1 + random() % 100);
      pieces.update(data.data() + at, take);
      at += take;
    }
    pieces.updateZeros(zeros);
    pieces.update(std::span<const uint8_t>(data).subspan(zerosAt + zeros));
    Digest expected = sha256Portable(data);
    EXPECT_EQ(pieces.finish(), expected) << data.size();
    EXPECT_EQ(sha256(data), expected) << data.size();
  }
}

struct HmacCase {
  std::string key, data, mac;
};

// RFC 4231 test cases 1-4, 6 and 7 (5 is a truncated MAC), hex.
const HmacCase kRfc4231[] = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {std::string(40, 'a'), std::string(100, 'd'), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
    {"0102030405060708090a0b0c0d0e0f10111213141516171819", [] {
       std::string data;
       for (int i = 0; i < 50; ++i)
         data += "cd";
       return data;
     }(),
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
    {std::string(262, 'a'),
     "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
    {std::string(262, 'a'),
     "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061"
     "206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564"
     "206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
};

TEST(HmacSha256, Rfc4231) {
  for (size_t i = 0; i < std::size(kRfc4231); ++i) {
    const HmacCase& c = kRfc4231[i];
    std::vector<uint8_t> key = fromHex(c.key);
    std::vector<uint8_t> data = fromHex(c.data);
    EXPECT_EQ(toHex(hmacSha256(key, data)), c.mac) << "RFC 4231 case " << (i < 4 ? i + 1 : i + 2);
  }
}

TEST(Digest, EqualityComparesEveryByte) {
  Digest a = sha256(bytesOf("a"));
  Digest b = a;
  EXPECT_TRUE(digestsEqual(a, b));
  b[31] ^= 1;
  EXPECT_FALSE(digestsEqual(a, b));
  EXPECT_FALSE(digestsEqual(a, std::span<const uint8_t>(b).first(16)));
}

} // namespace
} // namespace wasmc::rt
