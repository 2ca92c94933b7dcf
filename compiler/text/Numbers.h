#pragma once
// The values of the text format's number tokens (spec 6.3.2, 6.3.3):
// integers checked against their type's range, floats correctly rounded
// (to nearest, ties to even) from decimal or hexadecimal, with inf, nan
// and nan:0x payloads. The parser calls these where its grammar needs a
// number; a nullopt is its "constant out of range" or "unknown operator".

#include <cstdint>
#include <optional>
#include <string_view>

namespace wasmc::text {

/// An `iN` literal (N = 32 or 64): unsigned (no sign) below 2^N, or signed
/// (+ or -) from -2^(N-1) to 2^(N-1) - 1; the N-bit two's complement value.
std::optional<uint64_t> parseInt(std::string_view text, unsigned bits);

/// A `uN` literal (indices, offsets, alignments, limits): no sign, below 2^N.
std::optional<uint64_t> parseUnsigned(std::string_view text, unsigned bits);

/// An `f32` / `f64` literal (an integer or float token): its bits. Refused:
/// a finite literal that rounds to infinity, a nan:0x payload of 0 or wider
/// than the significand, anything that is not a number.
std::optional<uint32_t> parseF32(std::string_view text);
std::optional<uint64_t> parseF64(std::string_view text);

} // namespace wasmc::text
