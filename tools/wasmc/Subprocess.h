#pragma once
// Runs another program for `wasmc bench`: in a given directory, with extra
// environment variables, stdout and stderr sent to files, and a time limit.

#include "compiler/wasm/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace wasmc::tools {

struct ProcessSpec {
  std::vector<std::string> argv;     // argv[0] is looked up in PATH when it has no slash
  std::string workDir;               // "" = the current directory
  std::vector<std::string> extraEnv; // NAME=VALUE added to (or replacing in) this environment
  std::string stdoutPath;            // "" = /dev/null
  std::string stderrPath;            // "" = /dev/null
  double timeoutSeconds = 0;         // 0 = none; on expiry the process group is killed
};

struct ProcessResult {
  int exitStatus = 0;      // exit code, or 128 + signal number
  bool timedOut = false;
  uint64_t wallNs = 0;     // from fork to exit, monotonic
};

/// Starts the process, waits for it and reports how it ended. Errors are
/// ErrorKind::Io: the program could not be started (not found, fork failed).
Expected<ProcessResult> runProcess(const ProcessSpec& spec);

/// True when `program` (a name in PATH or a path) can be executed.
bool programExists(const std::string& program);

} // namespace wasmc::tools
