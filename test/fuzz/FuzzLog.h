#pragma once
// What one engine did with one module in the differential fuzzer: for each
// exported call, the imported-function calls it made and its results or
// trap; then the exported memories. The rules for comparing two such logs,
// including which NaN differences are legal, live here too (see README.md).

#include "compiler/wasm/Types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wasmc::fuzz {

/// A trap normalised to its cause: wasm-interp's and wasmc's messages differ
/// in wording and detail, but both map onto one of these.
enum class TrapKind : uint8_t {
  None,
  MemoryOutOfBounds,
  TableOutOfBounds,
  IndirectCallTypeMismatch,
  UndefinedElement,
  UninitializedElement,
  IntegerDivideByZero,
  IntegerOverflow,
  InvalidConversion,
  Unreachable,
  StackExhausted,
  Other,
};

/// Maps a trap message of wasm-interp (1.0.32) or wasmc onto its kind; Other
/// when it matches none.
TrapKind classifyTrap(std::string_view message);
/// "out of bounds memory access", ... (the spec's wording of the kind).
const char* trapKindName(TrapKind kind);

/// A wasm value. From wasmc every value is exact. From wasm-interp, integers
/// and v128 are exact, but floats are only the text it prints (printf "%f",
/// which loses small values and NaN payloads) and references only null or not.
struct Value {
  wasm::ValType type = wasm::ValType::I32;
  uint64_t lo = 0; // i32/f32 in the low 32 bits; v128 bytes 0..7
  uint64_t hi = 0; // v128 bytes 8..15
  bool isNull = false;
  bool textOnly = false; // f32/f64 from wasm-interp: only `text` is known
  std::string text;
};

/// The value as wasm-interp prints it: "i32:4294967295", "f32:1.500000",
/// "v128 i32x4:0x00000001 0x00000002 0x00000003 0x00000004", "funcref:0".
std::string interpText(const Value& value);
/// Parses one value of wasm-interp's output; nullopt when malformed.
std::optional<Value> parseInterpValue(std::string_view text);

/// Whether `got` may legally differ from `expected` as it does: bits equal,
/// or both NaN (any sign and payload; scalars and each f32 or each f64 lane
/// of a v128); text-only floats compare as printed with the sign of NaN
/// ignored; references compare by nullness only.
bool sameValue(const Value& expected, const Value& got);

struct HostCall {
  std::string name; // "module.field"
  std::vector<Value> args{};
};

/// One call of an export; the first record of a log has the name "(start)"
/// and holds the host calls made while instantiating.
struct CallRecord {
  std::string exportName;
  std::vector<HostCall> hostCalls{};
  TrapKind trap = TrapKind::None;
  std::string trapMessage{}; // as the engine wrote it
  std::vector<Value> results{};
};

/// An exported memory after the calls: its size and a hash of each 64 KiB page.
struct MemoryDump {
  std::string name;
  uint64_t size = 0;
  std::vector<uint64_t> pageHashes;
};

enum class RunStatus : uint8_t {
  Ran,               // instantiated and called the exports
  Rejected,          // the module did not decode, validate or link
  InstantiateFailed, // a segment or the start function trapped (message says which)
  Crashed,           // the process running it died (a signal)
  TimedOut,
};

const char* runStatusName(RunStatus status);

struct RunLog {
  RunStatus status = RunStatus::Ran;
  std::string message;
  std::vector<CallRecord> calls; // calls[0] is "(start)" when status is Ran
  std::vector<MemoryDump> memories;
};

/// Moves the imported calls of the start function (calls[0]) to the front
/// of the first export call's: wasm-interp's output cannot tell them apart.
void mergeStartCalls(RunLog& log);

/// A flat text form, for handing a log from the child process that ran it.
std::string serialize(const RunLog& log);
std::optional<RunLog> deserialize(std::string_view text);

/// The differences between `expected` and `got`, one line each, empty when
/// they agree. Floats are compared exactly where both sides know their bits,
/// and memories where both sides dumped them (wasmc only). Sets `stackExhausted` when either side ran out of stack,
/// at which point comparing stops (engines' stack depths legitimately differ).
std::vector<std::string> compareLogs(const RunLog& expected, const RunLog& got, bool& stackExhausted);

} // namespace wasmc::fuzz
