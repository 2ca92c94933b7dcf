#pragma once
// The command line: one options struct per subcommand, filled by CLI11 in
// Options.cpp (the only file built with exceptions, which CLI11 needs).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wasmc::tools {

struct WastOptions {
  std::vector<std::string> files; // .wast or wast2json .json
  bool checkMessages = false;
  /// When set, success means exactly this many failures in total.
  std::optional<uint64_t> expectFailures;
  unsigned optLevel = 2; // -O0..-O3
  bool aot = false;      // compile each module to a .cwasm and run that
};

struct ValidateOptions {
  std::string file;
};

struct CompileOptions {
  std::string input;
  std::string output;
  std::string emit;               // "" (a .cwasm), "obj", "asm" or "llvm"
  std::string targetCpu = "native";
  unsigned optLevel = 2;
};

struct Options {
  enum class Command : uint8_t { Wast, Validate, Compile };
  Command command = Command::Wast;
  WastOptions wast;
  ValidateOptions validate;
  CompileOptions compile;
};

/// The parsed command line, or the exit status when parsing already finished
/// the run: --help and --version (0) or a usage error (2), with the text printed.
struct ParsedCommandLine {
  Options options;
  std::optional<int> exitStatus;
};

ParsedCommandLine parseCommandLine(int argc, char** argv);

} // namespace wasmc::tools
