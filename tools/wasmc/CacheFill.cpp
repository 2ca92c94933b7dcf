#include "tools/wasmc/CacheFill.h"

#include "engine/ModuleSource.h"
#include "engine/Cache.h"
#include "tools/wasmc/Commands.h"
#include "engine/FileIo.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace wasmc::tools {

bool startCacheFill(const std::string& file, const codegen::Options& options) {
  struct stat info;
  if (::stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode) || size_t(info.st_size) > kCacheFillMaxBytes)
    return false;
  char path[PATH_MAX];
  if (!::realpath(file.c_str(), path))
    return false;
  std::vector<std::string> args{"wasmc", "cache-fill", "-O", std::to_string(options.optLevel), "-j",
                                std::to_string(options.jobs)};
  if (options.interruptible)
    args.push_back("--interruptible");
  if (options.fuel)
    args.push_back("--fuel");
  args.insert(args.end(), {"--wasm", wasm::describeFeatures(options.features), "--", path});
  std::vector<char*> argv;
  for (std::string& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  // Its own session: a terminal's ^C or hang-up for the run leaves it alone,
  // and nothing of the run's stdio (a pipe a test waits on) stays open.
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t child;
  bool started = posix_spawn(&child, "/proc/self/exe", &actions, &attributes, argv.data(), environ) == 0;
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return started;
}

int runCacheFillCommand(const CacheFillOptions& options) {
  // Behind whatever the user runs, the tiered run that started it included.
  ::setpriority(PRIO_PROCESS, 0, 10);
  Expected<std::vector<uint8_t>> bytes = engine::readFileBytes(options.file);
  if (bytes)
    bytes = engine::moduleBinary(std::move(*bytes), options.file); // as the run that started it read it
  if (!bytes) {
    reportError(options.file, bytes.error());
    return 1;
  }
  Expected<void> filled = engine::fillCache(
      *bytes, codegen::Options{.optLevel = options.optLevel, .jobs = options.jobs, .interruptible = options.interruptible,
                                 .fuel = options.fuel, .features = options.features});
  if (!filled) {
    reportError(options.file, filled.error());
    return 1;
  }
  return 0;
}

} // namespace wasmc::tools
