#include "tools/wasmc/Commands.h"
#include "tools/wasmc/Options.h"

int main(int argc, char** argv) {
  using namespace wasmc::tools;
  ParsedCommandLine parsed = parseCommandLine(argc, argv);
  if (parsed.exitStatus)
    return *parsed.exitStatus;
  switch (parsed.options.command) {
  case Options::Command::Wast: return runWastCommand(parsed.options.wast);
  case Options::Command::Validate: return runValidateCommand(parsed.options.validate);
  case Options::Command::Compile: return runCompileCommand(parsed.options.compile);
  case Options::Command::Run: return runRunCommand(parsed.options.run);
  case Options::Command::Bench: return runBenchCommand(parsed.options.bench);
  case Options::Command::CacheFill: return runCacheFillCommand(parsed.options.cacheFill);
  }
  return 2;
}
