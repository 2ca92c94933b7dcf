#pragma once
// WebAssembly features past 2.0 that change what a module may contain, each
// switched on or off as Wasmtime's -W switches them (`--wasm NAME=y|n`).
// All are on by default; Features::wasm20() is 2.0 exactly, where the 2.0
// and 3.0 spec tests disagree (a module valid in 3.0 that 2.0 calls invalid).
// A module that uses a feature switched off is refused with a message that
// names the feature.

#include "compiler/wasm/Error.h"

#include <string>
#include <string_view>

namespace wasmc::wasm {

struct Features {
  /// Extended constant expressions: i32/i64 add, sub and mul in constant
  /// expressions (global initialisers, segment offsets and items).
  bool extendedConst = true;
  /// Of the GC proposal, so far only its relaxation of constant
  /// expressions: global.get of an immutable global the module defines
  /// earlier (2.0: imported globals only). GC types and instructions are not
  /// implemented (issue 19).
  bool gc = true;
  /// Relaxed SIMD: 20 instructions whose result may depend on the platform;
  /// wasmc picks one deterministic result for each (docs/WASM-3.0.md).
  bool relaxedSimd = true;
  /// Tail calls: return_call and return_call_indirect.
  bool tailCall = true;

  /// WebAssembly 2.0: every feature above off.
  static Features wasm20() { return {.extendedConst = false, .gc = false, .relaxedSimd = false, .tailCall = false}; }

  bool operator==(const Features&) const = default;
};

/// Applies one `NAME=y|n` (or `NAME`, meaning y) to `features`; Usage error
/// naming the known features otherwise.
Expected<void> setFeature(Features& features, std::string_view assignment);

/// "extended-const=y,gc=n": every feature, for cache keys and messages.
std::string describeFeatures(const Features& features);

} // namespace wasmc::wasm
