#pragma once
// Runs a spec script's commands on a WastEngine and counts the outcomes; one
// line per failure, in the compiler-diagnostic form FILE:LINE: KIND: ...

#include "tools/wasmc/WastEngine.h"
#include "tools/wasmc/WastScript.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace wasmc::tools {

struct RunOptions {
  /// Also report ("note: message differs") assertions that failed the right
  /// way with a different message. They still count as passed.
  bool checkMessages = false;
};

struct RunCounts {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;      // text-format modules: wasmc has no text parser
  uint64_t messageNotes = 0; // passed, but with a different message

  RunCounts& operator+=(const RunCounts& other) {
    passed += other.passed;
    failed += other.failed;
    skipped += other.skipped;
    messageNotes += other.messageNotes;
    return *this;
  }
};

/// Runs every command of `script` on `engine` (a fresh engine per script) and
/// writes failure and note lines to `out`, naming the script `displayName`.
/// Does not print a summary. Counting: every command except `register` is
/// one assertion; a failing `register` counts as a failure.
RunCounts runWastScript(const WastScript& script, WastEngine& engine,
                        const std::string& displayName, const RunOptions& options,
                        std::FILE* out);

} // namespace wasmc::tools
