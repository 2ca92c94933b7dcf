#pragma once
// The interface the spec-script runner drives. An engine (validation only for
// now, later the JIT and AOT) compiles, instantiates and calls modules.

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Types.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wasmc::tools {

/// A runtime value crossing the script/engine boundary. Numbers are bit
/// patterns: i32/f32 in the low 32 bits of bits[0], i64/f64 in bits[0], v128
/// little-endian (bits[0] holds bytes 0..7). References: isNull, or bits[0] =
/// the host id of an externref (the N of `ref.extern N`) or an engine-chosen
/// identity for a funcref.
struct WastValue {
  wasm::ValType type = wasm::ValType::I32;
  std::array<uint64_t, 2> bits{};
  bool isNull = false;
};

/// What an invoke or get did: returned values, or trapped with the spec's message.
struct ActionOutcome {
  bool trapped = false;
  std::string trapMessage;
  std::vector<WastValue> values;
};

/// Identifies an instance within one engine; handed out by instantiate.
using InstanceId = uint32_t;

/// One engine runs one script: instances live until the engine is destroyed.
/// Every engine provides the `spectest` host module itself (print, print_i32,
/// print_i64, print_f32, print_f64, print_i32_f32, print_f64_f64, global_i32 =
/// 666, global_i64 = 666, global_f32 = 666.6, global_f64 = 666.6, table =
/// 10..20 funcref, memory = 1..2 pages). Not thread-safe.
class WastEngine {
public:
  virtual ~WastEngine();

  /// Decode and validate only (assert_invalid, assert_malformed): errors are
  /// ErrorKind::Malformed or ErrorKind::Invalid.
  virtual Expected<void> compile(std::span<const uint8_t> bytes) = 0;

  /// Compile, link against spectest and the registered instances, and run the
  /// start function. Errors: Malformed, Invalid, Unlinkable, Uninstantiable (the
  /// message is the trap's text) or Unsupported.
  virtual Expected<InstanceId> instantiate(std::span<const uint8_t> bytes) = 0;

  /// Calls export `field`. A trap is an outcome, not an error; errors are for
  /// what the script got wrong (no such export, argument types) or Unsupported.
  virtual Expected<ActionOutcome> invoke(InstanceId instance, const std::string& field,
                                         const std::vector<WastValue>& args) = 0;

  /// Reads exported global `field`.
  virtual Expected<WastValue> getGlobal(InstanceId instance, const std::string& field) = 0;

  /// Makes the instance's exports importable under `moduleName`.
  virtual Expected<void> registerAs(InstanceId instance, const std::string& moduleName) = 0;

  /// The store's fuel (assert_fuel), for code compiled to consume it;
  /// nullopt when this engine's code does not (-W consume-fuel).
  virtual std::optional<int64_t> fuel() const { return std::nullopt; }
  virtual void setFuel(int64_t) {}
};

} // namespace wasmc::tools
