#pragma once
// The WebAssembly 3.0 features wabt's tools (wasm-interp, the reference;
// wasm-validate, wat2wasm, wasm2wat) must be told about to read the modules
// the fuzzer makes: the ones wasmc implements that wabt 1.0.32 runs alike.
// Relaxed SIMD is not among them: wasm-interp picks other allowed results
// than wasmc (docs/WASM-3.0.md), which is no divergence. gen-ttf.py asks
// binaryen for the same features.

#include <string>
#include <vector>

namespace wasmc::fuzz {

inline const std::vector<std::string> kWabtFeatureFlags = {"--enable-tail-call", "--enable-extended-const"};

/// `tool` followed by kWabtFeatureFlags, then `rest`.
inline std::vector<std::string> wabtCommand(const std::string& tool, std::vector<std::string> rest) {
  std::vector<std::string> argv{tool};
  argv.insert(argv.end(), kWabtFeatureFlags.begin(), kWabtFeatureFlags.end());
  argv.insert(argv.end(), rest.begin(), rest.end());
  return argv;
}

} // namespace wasmc::fuzz
