#pragma once
// assert_return's comparison rules (bit-exact numbers, NaN patterns, v128 per
// lane, references by null/identity) and the value spellings in messages.

#include "tools/wasmc/WastScript.h"

#include <string>
#include <vector>

namespace wasmc::tools {

/// Lane count and width in bits of a v128 lane type (None: 0 and 0).
unsigned laneCount(LaneType lane);
unsigned laneWidth(LaneType lane);

/// Lane `index` of a v128, zero-extended (lane 0 is the lowest-addressed).
uint64_t extractLane(const WastValue& value, LaneType lane, unsigned index);

/// Whether one float's bits match a pattern: None = exact bits; Canonical =
/// the canonical NaN of either sign; Arithmetic = any NaN with the quiet bit set.
bool floatBitsMatch(const ExpectedBits& expected, uint64_t actual, bool isF64);

/// Whether `actual` satisfies `expected` (types must agree).
bool valueMatches(const ExpectedValue& expected, const WastValue& actual);

/// "i32:42", "f32:1.5", "f64:nan:0x7ff8000000000000", "v128:i32x4[1 2 3 4]",
/// "ref.null func", "ref.extern 42". A v128 is shown in `laneHint`'s lanes
/// (as hex bytes for None).
std::string formatValue(const WastValue& value, LaneType laneHint = LaneType::None);
std::string formatExpected(const ExpectedValue& expected);

/// "(i32:1, f32:2)": the values, each v128 in the matching expected's lanes.
std::string formatValues(const std::vector<WastValue>& values,
                         const std::vector<ExpectedValue>& hints = {});
std::string formatExpectedValues(const std::vector<ExpectedValue>& values);

} // namespace wasmc::tools
