#pragma once
// A spec test script as plain data: read from a .wast by wasmc's own parser
// (WastText.h), or from wast2json's JSON output.

#include "compiler/wasm/Error.h"
#include "tools/wasmc/WastEngine.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wasmc::tools {

/// How an expected v128 splits into lanes ("lane_type" in the JSON).
enum class LaneType : uint8_t { None, I8, I16, I32, I64, F32, F64 };

/// nan:canonical / nan:arithmetic, allowed for f32, f64 and float lanes.
enum class NanPattern : uint8_t { None, Canonical, Arithmetic };

/// One expected number: its exact bits, or a NaN pattern.
struct ExpectedBits {
  uint64_t bits = 0;
  NanPattern nan = NanPattern::None;
};

/// An expected result of assert_return.
struct ExpectedValue {
  wasm::ValType type = wasm::ValType::I32;
  LaneType laneType = LaneType::None; // v128 only
  /// Numbers: one entry; v128: one per lane (16, 8, 4 or 2); references: one
  /// (the host id or function identity) unless isNull or anyRef.
  std::vector<ExpectedBits> lanes;
  bool isNull = false; // ref.null
  bool anyRef = false; // a reference given without a value: any non-null one
  /// `(either R1 R2 ...)`: any one of these (then the fields above are unused).
  std::vector<ExpectedValue> either;
};

struct WastAction {
  enum class Kind : uint8_t { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::string module; // "$name" of a named module, or "" for the latest instance
  std::string field;
  std::vector<WastValue> args; // Invoke only
};

enum class CommandKind : uint8_t {
  Module,
  Register,
  Action,
  AssertReturn,
  AssertTrap,
  AssertExhaustion,
  AssertInvalid,
  AssertMalformed,
  AssertUnlinkable,
  AssertUninstantiable,
  /// wasmc's own (issue 17): (assert_fuel CONSUMED (with FUEL)? ACTION "trap"?):
  /// the action, started with FUEL (default kDefaultFuelStart), uses
  /// exactly CONSUMED units and completes, or traps with the message.
  AssertFuel,
  /// WebAssembly 3.0's `(module definition $M? ...)`: compiled, not
  /// instantiated; `(module instance $I? $M?)` instantiates one (the
  /// latest without $M).
  ModuleDefinition,
  ModuleInstance,
  /// `(assert_exception ACTION)`: the action throws a wasm exception.
  AssertException,
  /// A command this runner cannot read (an unknown command, a value it has
  /// no representation for): a failure saying why, in `text`; the script
  /// goes on after it.
  Unsupported,
};
inline constexpr int64_t kDefaultFuelStart = 1'000'000'000;

/// The JSON spelling: "module", "assert_return", ...
const char* commandKindName(CommandKind kind);

/// One command. Which fields are used depends on `kind`:
/// - Module, ModuleDefinition: moduleName (optional), filename, bytes.
/// - ModuleInstance: moduleName (the instance's, optional), definition.
/// - Register: moduleName (the instance; "" = latest), registerAs.
/// - Action, AssertReturn (with expected), AssertTrap, AssertExhaustion (with text): action.
/// - AssertInvalid, AssertMalformed, AssertUnlinkable, AssertUninstantiable:
///   filename, isText, bytes (binary only), text.
/// wast2json 1.0.32 writes a start-function trap as assert_uninstantiable; an
/// assert_trap on a module, should one appear, is read as that too.
struct Command {
  CommandKind kind = CommandKind::Module;
  uint32_t line = 0;
  std::string moduleName;
  std::string registerAs;
  std::string definition;      // ModuleInstance: "$name" of the definition, "" for the latest
  std::string filename;
  bool isText = false;         // module_type "text": a .wat file, never read
  std::vector<uint8_t> bytes;  // the binary module, read when the script is loaded
  /// A `quote` module our parser refused (WastText.h): the malformed
  /// module's error, which the runner takes as the compile's. Text modules
  /// it accepted are in `bytes`, isText false.
  std::optional<Error> textError;
  WastAction action;
  std::vector<ExpectedValue> expected;
  std::string text;            // the expected error or trap message
  int64_t fuelConsumed = 0;    // AssertFuel
  int64_t fuelStart = kDefaultFuelStart;
};

struct WastScript {
  std::string sourceFilename; // as recorded by wast2json
  std::vector<Command> commands;
};

/// Loads a script from a .json file (module files relative to its directory)
/// or a .wast file, read by wasmc's own parser (WastText.h), or with
/// `viaWast2json` converted by running `wast2json` (no feature flags) into
/// a fresh temporary directory that is removed before returning. Every
/// binary module is read into memory here. Errors: Io (files), Malformed
/// (our parser, naming line and column).
Expected<WastScript> loadWastScript(const std::string& path, bool viaWast2json = false);

/// Parses wast2json output; binary module files are read from `baseDir`.
Expected<WastScript> parseWastScript(std::string_view json, const std::string& baseDir);

} // namespace wasmc::tools
