#include "tools/wasmc/Wast2Json.h"

#include "engine/FileIo.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <vector>

extern char** environ;

namespace wasmc::tools {

namespace {

Error conversionError(std::string message) {
  return makeError(ErrorKind::Io, kNoOffset, std::move(message));
}

/// The first non-empty line of wast2json's output, for a one-line error.
std::string firstLine(const std::string& output) {
  size_t start = output.find_first_not_of("\r\n");
  if (start == std::string::npos)
    return "";
  size_t end = output.find_first_of("\r\n", start);
  return output.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string stemOf(const std::string& path) {
  std::string stem = std::filesystem::path(path).stem().string();
  return stem.empty() ? "script" : stem;
}

} // namespace

ConvertedWast::~ConvertedWast() {
  if (dir_.empty())
    return;
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

Expected<ConvertedWast> convertWast(const std::string& wastPath) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/wasmc-wast-XXXXXX";
  std::vector<char> templ(pattern.begin(), pattern.end());
  templ.push_back('\0');
  if (::mkdtemp(templ.data()) == nullptr)
    return conversionError("cannot create a temporary directory in " + pattern + ": " +
                           std::strerror(errno));
  // From here on the directory is owned and removed on every path.
  ConvertedWast converted(templ.data(), std::string(templ.data()) + "/" + stemOf(wastPath) + ".json");
  std::string logPath = converted.dir() + "/wast2json.log";

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);

  std::string program = "wast2json";
  std::string input = wastPath;
  std::string dashO = "-o";
  std::string output = converted.jsonPath();
  char* argv[] = {program.data(), input.data(), dashO.data(), output.data(), nullptr};
  pid_t pid = 0;
  int spawnError = posix_spawnp(&pid, "wast2json", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawnError != 0)
    return conversionError(std::string("cannot run wast2json (wabt 1.0.32 is needed for .wast "
                                       "files): ") +
                           std::strerror(spawnError));

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return conversionError(std::string("waiting for wast2json failed: ") + std::strerror(errno));
  }
  Expected<std::string> log = engine::readFileText(logPath);
  std::string message = log ? firstLine(*log) : "";
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                        : "was killed by signal " + std::to_string(WTERMSIG(status));
    return conversionError("wast2json " + how + (message.empty() ? "" : ": " + message));
  }
  // wast2json may print type errors and still exit 0; never trust such output.
  if (!message.empty())
    return conversionError("wast2json reported: " + message);
  return converted;
}

} // namespace wasmc::tools
