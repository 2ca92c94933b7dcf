#include "tools/wasmc/Subprocess.h"

#include "tools/wasmc/PhaseReport.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace wasmc::tools {

namespace {

std::vector<std::string> mergedEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text(*entry);
    bool replaced = false;
    for (const std::string& add : extra) {
      size_t nameLength = add.find('=');
      if (text.size() > nameLength && text.substr(0, nameLength + 1) == std::string_view(add).substr(0, nameLength + 1))
        replaced = true;
    }
    if (!replaced)
      env.emplace_back(text);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (std::string& s : strings)
    result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

/// In the child: only async-signal-safe calls until exec.
[[noreturn]] void execChild(const ProcessSpec& spec, char** argv, char** envp, int errorPipe) {
  ::setpgid(0, 0);
  auto redirect = [&](const std::string& path, int target) {
    int fd = ::open(path.empty() ? "/dev/null" : path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::dup2(fd, target) < 0)
      return false;
    ::close(fd);
    return true;
  };
  int input = ::open("/dev/null", O_RDONLY);
  bool ok = input >= 0 && ::dup2(input, 0) == 0 && redirect(spec.stdoutPath, 1) && redirect(spec.stderrPath, 2) &&
            (spec.workDir.empty() || ::chdir(spec.workDir.c_str()) == 0);
  if (ok)
    ::execvpe(argv[0], argv, envp);
  int error = errno;
  [[maybe_unused]] ssize_t written = ::write(errorPipe, &error, sizeof error);
  ::_exit(127);
}

} // namespace

Expected<ProcessResult> runProcess(const ProcessSpec& spec) {
  WASMC_ASSERT(!spec.argv.empty());
  std::vector<std::string> argvStrings = spec.argv;
  std::vector<std::string> envStrings = mergedEnvironment(spec.extraEnv);
  std::vector<char*> argv = pointers(argvStrings);
  std::vector<char*> envp = pointers(envStrings);

  // The child reports a failed chdir/exec through this pipe (closed on exec).
  int errorPipe[2];
  if (::pipe2(errorPipe, O_CLOEXEC) != 0)
    return makeError(ErrorKind::Io, kNoOffset, std::string("pipe: ") + std::strerror(errno));
  uint64_t start = monotonicNs();
  pid_t child = ::fork();
  if (child < 0) {
    ::close(errorPipe[0]);
    ::close(errorPipe[1]);
    return makeError(ErrorKind::Io, kNoOffset, std::string("fork: ") + std::strerror(errno));
  }
  if (child == 0)
    execChild(spec, argv.data(), envp.data(), errorPipe[1]);
  ::close(errorPipe[1]);
  int childError = 0;
  ssize_t got = ::read(errorPipe[0], &childError, sizeof childError);
  ::close(errorPipe[0]);

  ProcessResult result;
  int status = 0;
  uint64_t deadline = spec.timeoutSeconds > 0 ? start + static_cast<uint64_t>(spec.timeoutSeconds * 1e9) : 0;
  for (;;) {
    pid_t done = ::waitpid(child, &status, deadline ? WNOHANG : 0);
    if (done == child)
      break;
    if (done < 0 && errno != EINTR)
      return makeError(ErrorKind::Io, kNoOffset, std::string("waitpid: ") + std::strerror(errno));
    if (deadline && monotonicNs() > deadline && !result.timedOut) {
      result.timedOut = true;
      ::kill(-child, SIGKILL);
    }
    if (deadline)
      ::usleep(1000);
  }
  result.wallNs = monotonicNs() - start;
  if (got == static_cast<ssize_t>(sizeof childError))
    return makeError(ErrorKind::Io, kNoOffset, "cannot run " + spec.argv[0] + ": " + std::strerror(childError));
  result.exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

bool programExists(const std::string& program) {
  if (program.find('/') != std::string::npos)
    return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/bin:/bin";
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0)
      return true;
    if (colon == std::string_view::npos)
      break;
    rest.remove_prefix(colon + 1);
  }
  return false;
}

} // namespace wasmc::tools
