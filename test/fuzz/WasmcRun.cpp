// Runs a module on wasmc in a forked child process. The child compiles,
// instantiates and calls; the parent only reads the serialised log from a
// pipe. A wasmc bug that faults outside any wasm memory (which the signal
// handler rightly refuses to claim) kills the child, not the fuzzer, and a
// hang is cut off at the time limit. The parent never starts a thread or
// loads LLVM, so fork is safe.

#include "compiler/text/WatParser.h"
#include "test/fuzz/WabtFeatures.h"
#include "runtime/MemoryImage.h"
#include "test/fuzz/Engines.h"
#include "tools/wasmc/JitWastEngine.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <dlfcn.h>
#include <chrono>
#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace wasmc::fuzz {

namespace {

Value fromSlot(wasm::ValType type, const abi::Slot& slot) {
  Value value;
  value.type = type;
  std::memcpy(&value.lo, slot.bytes, 8);
  std::memcpy(&value.hi, slot.bytes + 8, 8);
  switch (type) {
  case wasm::ValType::I32:
  case wasm::ValType::F32:
    value.lo &= 0xFFFFFFFFu;
    value.hi = 0;
    break;
  case wasm::ValType::I64:
  case wasm::ValType::F64: value.hi = 0; break;
  case wasm::ValType::V128: break;
  case wasm::ValType::FuncRef:
  case wasm::ValType::ExternRef:
    value.isNull = value.lo == 0;
    value.lo = value.hi = 0;
    break;
  }
  return value;
}

Value fromWast(const tools::WastValue& wast) {
  Value value;
  value.type = wast.type;
  value.lo = wast.bits[0];
  value.hi = wast.bits[1];
  value.isNull = wast.isNull;
  if (wasm::isRefType(wast.type))
    value.lo = value.hi = 0;
  return value;
}

uint64_t hashPage(std::span<const uint8_t> page) {
  uint64_t hash = 0xcbf29ce484222325ull;
  size_t i = 0;
  for (; i + 8 <= page.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, page.data() + i, 8);
    hash = (hash ^ word) * 0x100000001b3ull;
    hash ^= hash >> 29;
  }
  for (; i < page.size(); ++i)
    hash = (hash ^ page[i]) * 0x100000001b3ull;
  return hash;
}

void writeAll(int fd, const std::string& text);

/// The `text` configuration: the module as wasm2wat prints it (with the
/// features of WabtFeatures.h), read back by compiler/text.
Expected<std::vector<uint8_t>> throughText(const std::vector<uint8_t>& bytes) {
  char dir[] = "/tmp/wasmc-fuzz-text-XXXXXX";
  if (!mkdtemp(dir))
    return makeError(ErrorKind::Io, kNoOffset, "mkdtemp failed");
  const std::string wasm = std::string(dir) + "/m.wasm", wat = std::string(dir) + "/m.wat";
  std::ofstream(wasm, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  std::string command;
  for (const std::string& word : wabtCommand("wasm2wat", {wasm, "-o", wat, "2>/dev/null"}))
    command += (command.empty() ? "" : " ") + word;
  const bool printed = std::system(command.c_str()) == 0;
  std::ifstream in(wat, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove_all(dir);
  if (!printed)
    return makeError(ErrorKind::Io, kNoOffset, "wasm2wat failed");
  return text::parseWat(text);
}

/// The `pooled` configuration: a first instance, in an engine and store of
/// its own, runs every export (dummy imports, nothing logged); dropping it
/// gives its memory back to the module's pool; the instance `engine` makes
/// then reuses that memory.
Expected<tools::InstanceId> instantiateReused(const std::vector<uint8_t>& bytes,
                                                          const wasm::Module& module, const WasmcConfig& config,
                                                          tools::JitWastEngine& engine) {
  rt::setMemoryPoolCapacity(1);
  std::shared_ptr<const rt::CompiledModule> compiled;
  {
    tools::JitWastEngine first(codegen::Options{.optLevel = config.optLevel, .jobs = 1}, false);
    for (const wasm::Import& import : module.imports)
      if (import.kind == wasm::ExternKind::Func)
        first.defineHostFunction(import.module, import.name, module.types[import.funcType],
                                 [results = module.types[import.funcType].results.size()](std::span<abi::Slot> slots) {
                                   for (size_t i = 0; i < results; ++i)
                                     std::memset(slots[i].bytes, 0, sizeof slots[i].bytes);
                                   return abi::TrapCode::None;
                                 });
    auto instance = first.instantiate(bytes);
    if (!instance)
      return std::move(instance).error();
    compiled = first.compiledModule(*instance);
    for (const wasm::Export* exp : callableExports(module))
      (void)first.invoke(*instance, exp->name, {});
  }
  return engine.instantiate(std::move(compiled));
}

// Progress lines ("#call NAME") come before the log ("log" and the
// serialised form), so that a crash can be pinned on the call that died.
RunLog runInProcess(const std::vector<uint8_t>& bytes, const wasm::Module& module, const WasmcConfig& config,
                    int progressFd) {
  // One partition on the calling thread: the fuzzer runs several modules in
  // parallel itself, and a deterministic partitioning keeps runs repeatable.
  std::optional<engine::TierUpOptions> baseline;
  if (config.baseline)
    baseline = engine::TierUpOptions{
        .afterCalls = config.tierUpAfter, .wait = true, .afterIterations = config.osrAfter};
  tools::JitWastEngine engine(codegen::Options{.optLevel = config.optLevel,
                                               .jobs = 1,
                                               .lazy = config.lazy,
                                               .interruptible = config.instrumented,
                                               .fuel = config.instrumented},
                              config.aot, baseline);
  if (config.instrumented)
    engine.configureStore(rt::StoreLimits{}, INT64_MAX);
  rt::setMemoryImageFromFirstInstance(config.imageFirst); // this child's only module
  RunLog log;
  log.calls.push_back(CallRecord{.exportName = "(start)"});
  size_t current = 0; // the record imported calls are logged in
  for (const wasm::Import& import : module.imports) {
    if (import.kind != wasm::ExternKind::Func)
      continue;
    const wasm::FuncType& type = module.types[import.funcType];
    // As wasm-interp's --dummy-import-func: log the call, return zeros.
    engine.defineHostFunction(import.module, import.name, type,
                              [&log, &current, type, name = import.module + "." + import.name](
                                  std::span<abi::Slot> slots) {
                                HostCall call{.name = name};
                                for (size_t i = 0; i < type.params.size(); ++i)
                                  call.args.push_back(fromSlot(type.params[i], slots[i]));
                                log.calls[current].hostCalls.push_back(std::move(call));
                                for (size_t i = 0; i < type.results.size(); ++i)
                                  std::memset(slots[i].bytes, 0, sizeof slots[i].bytes);
                                return abi::TrapCode::None;
                              });
  }
  std::vector<uint8_t> fromText;
  if (config.text) {
    Expected<std::vector<uint8_t>> reread = throughText(bytes);
    if (!reread) {
      RunLog failed;
      failed.status = RunStatus::Crashed;
      failed.message = "text round trip: " + reread.error().describe();
      return failed;
    }
    fromText = std::move(*reread);
  }
  const std::vector<uint8_t>& run = config.text ? fromText : bytes;
  auto instance = config.pooled ? instantiateReused(run, module, config, engine) : engine.instantiate(run);
  if (!instance) {
    const Error& error = instance.error();
    log.status = error.kind == ErrorKind::Uninstantiable ? RunStatus::InstantiateFailed : RunStatus::Rejected;
    log.message = error.kind == ErrorKind::Uninstantiable ? error.message : error.describe();
    return log;
  }
  for (const wasm::Export* exp : callableExports(module)) {
    writeAll(progressFd, "#call " + exp->name + "\n");
    current = log.calls.size();
    log.calls.push_back(CallRecord{.exportName = exp->name});
    auto outcome = engine.invoke(*instance, exp->name, {});
    CallRecord& call = log.calls[current];
    if (!outcome) {
      call.trap = TrapKind::Other;
      call.trapMessage = "invoke failed: " + outcome.error().describe();
    } else if (outcome->trapped) {
      call.trapMessage = outcome->trapMessage;
      call.trap = classifyTrap(call.trapMessage);
    } else {
      for (const tools::WastValue& value : outcome->values)
        call.results.push_back(fromWast(value));
    }
  }
  for (const wasm::Export& exp : module.exports) {
    if (exp.kind != wasm::ExternKind::Memory)
      continue;
    auto bytes = engine.exportedMemory(*instance, exp.name);
    if (!bytes)
      continue;
    MemoryDump& dump = log.memories.emplace_back();
    dump.name = exp.name;
    dump.size = bytes->size();
    for (size_t offset = 0; offset < bytes->size(); offset += 65536)
      dump.pageHashes.push_back(hashPage(bytes->subspan(offset, std::min<size_t>(65536, bytes->size() - offset))));
  }
  return log;
}

void writeAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    done += static_cast<size_t>(n);
  }
}

} // namespace

void preloadCodegen() {
  // The same paths CodegenLoader.cpp tries first: the child's dlopen of an
  // already loaded library is then only a reference count, not ~0.1 s of
  // relocations per configuration. Loading runs LLVM's static constructors,
  // which start no threads, so forking stays safe.
  const char* configured = std::getenv("WASMC_CODEGEN_PLUGIN");
  if (!(configured && *configured && dlopen(configured, RTLD_NOW | RTLD_LOCAL)))
    dlopen(WASMC_CODEGEN_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
}

RunLog runWasmc(const std::vector<uint8_t>& bytes, const wasm::Module& module, const WasmcConfig& config,
                double timeoutSeconds) {
  RunLog failed;
  int fds[2];
  if (pipe(fds) != 0) {
    failed.status = RunStatus::Crashed;
    failed.message = "pipe failed";
    return failed;
  }
  // The child's stderr (wasmc's "internal error" line on a crash) goes to a
  // file and into the crash message.
  char stderrPath[] = "/tmp/wasmc-fuzz-stderr-XXXXXX";
  int stderrFd = mkstemp(stderrPath);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    failed.status = RunStatus::Crashed;
    failed.message = "fork failed";
    return failed;
  }
  if (pid == 0) {
    close(fds[0]);
    if (stderrFd >= 0)
      dup2(stderrFd, 2);
    // A crash is a result here, not something to keep a core dump of.
    rlimit noCore{0, 0};
    setrlimit(RLIMIT_CORE, &noCore);
    RunLog log = runInProcess(bytes, module, config, fds[1]);
    writeAll(fds[1], "log\n" + serialize(log));
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  bool timedOut = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutSeconds);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd poller{fds[0], POLLIN, 0};
    int ready = poll(&poller, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR)
      break;
    if (ready <= 0)
      continue;
    char buffer[65536];
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    text.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string childStderr;
  if (stderrFd >= 0) {
    char buffer[4096];
    ssize_t n = pread(stderrFd, buffer, sizeof buffer, 0);
    if (n > 0)
      childStderr.assign(buffer, static_cast<size_t>(n));
    close(stderrFd);
    unlink(stderrPath);
  }
  if (size_t newline = childStderr.find('\n'); newline != std::string::npos)
    childStderr.resize(newline);
  if (!childStderr.empty())
    childStderr = "; stderr: " + childStderr;
  size_t logStart = text.find("log\n");
  size_t lastCall = text.rfind("#call ", logStart);
  std::string during;
  if (lastCall != std::string::npos) {
    size_t end = text.find('\n', lastCall);
    during = " during export \"" + text.substr(lastCall + 6, end - lastCall - 6) + "\"";
  }
  if (timedOut) {
    failed.status = RunStatus::TimedOut;
    failed.message =
        "no result after " + std::to_string(static_cast<int>(timeoutSeconds)) + " s" + during + childStderr;
    return failed;
  }
  if (WIFSIGNALED(status)) {
    failed.status = RunStatus::Crashed;
    failed.message = "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) +
                     ")" + during + childStderr;
    return failed;
  }
  std::optional<RunLog> log =
      logStart == std::string::npos ? std::nullopt : deserialize(std::string_view(text).substr(logStart + 4));
  if (!log) {
    failed.status = RunStatus::Crashed;
    failed.message =
        "exited with status " + std::to_string(WEXITSTATUS(status)) + " without a complete log" + during +
        childStderr;
    return failed;
  }
  return *log;
}

} // namespace wasmc::fuzz
