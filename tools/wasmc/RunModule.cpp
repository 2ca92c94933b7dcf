// Running a compiled module as a WASI program: link wasi_snapshot_preview1,
// instantiate, and run _start (a command), _initialize (a reactor), or one
// export with --invoke. Shared by `wasmc run` and standalone executables,
// so it needs no LLVM.

#include "runtime/ArtifactKey.h"
#include "runtime/Deadline.h"
#include "runtime/Instance.h"
#include "runtime/Invoke.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "tools/wasmc/Commands.h"
#include "tools/wasmc/PhaseReport.h"
#include "tools/wasmc/RunModule.h"
#include "wasi/Wasi.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <type_traits>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

namespace wasmc::tools {

namespace {

Error usageError(std::string message) {
  return makeError(ErrorKind::Usage, kNoOffset, std::move(message));
}

/// One --invoke argument for a parameter of `type`: i32 and i64 in decimal
/// (negative, or unsigned up to the type's width), f32 and f64 as decimal
/// floats (also nan, inf).
Expected<rt::Value> parseArgument(const std::string& text, wasm::ValType type) {
  auto bad = [&] {
    return usageError("invalid " + std::string(wasm::valTypeName(type)) + " argument '" + text +
                      "'");
  };
  const char* first = text.data();
  const char* last = text.data() + text.size();
  switch (type) {
  case wasm::ValType::I32:
  case wasm::ValType::I64: {
    bool is32 = type == wasm::ValType::I32;
    uint64_t bits = 0;
    if (!text.empty() && text[0] == '-') {
      int64_t value = 0;
      auto [end, error] = std::from_chars(first, last, value);
      if (error != std::errc() || end != last || (is32 && value < INT32_MIN))
        return bad();
      bits = static_cast<uint64_t>(value);
    } else {
      auto [end, error] = std::from_chars(first, last, bits);
      if (error != std::errc() || end != last || (is32 && bits > UINT32_MAX))
        return bad();
    }
    return is32 ? rt::Value::i32(static_cast<uint32_t>(bits)) : rt::Value::i64(bits);
  }
  case wasm::ValType::F32:
  case wasm::ValType::F64: {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text[0])))
      return bad();
    char* end = nullptr;
    errno = 0;
    if (type == wasm::ValType::F32) {
      float value = std::strtof(text.c_str(), &end);
      if (end != text.c_str() + text.size())
        return bad();
      uint32_t bits;
      std::memcpy(&bits, &value, 4);
      return rt::Value::f32Bits(bits);
    }
    double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size())
      return bad();
    uint64_t bits;
    std::memcpy(&bits, &value, 8);
    return rt::Value::f64Bits(bits);
  }
  default:
    return makeError(ErrorKind::Unsupported, kNoOffset,
                     std::string("a ") + wasm::valTypeName(type) +
                         " parameter cannot be given on the command line");
  }
}

/// Shortest round-trip decimal without an exponent, as wasmtime prints floats.
/// NaNs print as "NaN" or "-NaN", with the payload when it is not the
/// canonical one ("NaN:0x200000"): wasm keeps those bits, so they show.
template <class Float> std::string formatFloat(Float value) {
  if (std::isnan(value)) {
    using Bits = std::conditional_t<sizeof(Float) == 4, uint32_t, uint64_t>;
    constexpr int kMantissaBits = sizeof(Float) == 4 ? 23 : 52;
    Bits bits;
    std::memcpy(&bits, &value, sizeof bits);
    Bits payload = bits & ((Bits(1) << kMantissaBits) - 1);
    std::string text = std::signbit(value) ? "-NaN" : "NaN";
    if (payload != Bits(1) << (kMantissaBits - 1)) {
      char digits[32];
      std::snprintf(digits, sizeof digits, ":0x%llx", static_cast<unsigned long long>(payload));
      text += digits;
    }
    return text;
  }
  if (std::isinf(value))
    return value < 0 ? "-inf" : "inf";
  char buffer[512];
  auto [end, error] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  if (error != std::errc())
    return "?";
  return std::string(buffer, end);
}

std::string formatValue(const rt::Value& value) {
  switch (value.type) {
  case wasm::ValType::I32: return std::to_string(static_cast<int32_t>(value.asI32()));
  case wasm::ValType::I64: return std::to_string(static_cast<int64_t>(value.asI64()));
  case wasm::ValType::F32: return formatFloat(value.read<float>());
  case wasm::ValType::F64: return formatFloat(value.read<double>());
  case wasm::ValType::V128: {
    std::string out = "0x";
    char digits[3];
    for (int i = 15; i >= 0; --i) {
      std::snprintf(digits, sizeof digits, "%02x", value.slot.bytes[i]);
      out += digits;
    }
    return out;
  }
  case wasm::ValType::FuncRef: return value.asRef() ? "<funcref>" : "null";
  case wasm::ValType::ExternRef: return value.asRef() ? "<externref>" : "null";
  }
  return "?";
}

/// A listening TCP socket for --tcplisten ADDR:PORT.
Expected<int> listenTcp(const std::string& spec) {
  size_t colon = spec.rfind(':');
  if (colon == std::string::npos)
    return usageError("--tcplisten " + spec + ": expected ADDR:PORT");
  std::string host = spec.substr(0, colon);
  std::string port = spec.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  struct addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  struct addrinfo* found = nullptr;
  if (int error =
          ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found))
    return usageError("--tcplisten " + spec + ": " + ::gai_strerror(error));
  int lastError = 0;
  for (struct addrinfo* ai = found; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      lastError = errno;
      continue;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 128) == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    lastError = errno;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return makeError(ErrorKind::Io, kNoOffset,
                   "--tcplisten " + spec + ": " + std::strerror(lastError));
}

Expected<void> configureWasi(wasi::WasiCtx& ctx, const RunCommandOptions& options) {
  std::vector<std::string> args;
  args.push_back(options.argv0 ? *options.argv0 : options.file);
  args.insert(args.end(), options.args.begin(), options.args.end());
  ctx.setArgs(std::move(args));

  std::vector<std::string> env;
  for (const std::string& entry : options.env) {
    if (entry.find('=') != std::string::npos) {
      env.push_back(entry);
    } else if (const char* value = std::getenv(entry.c_str())) {
      env.push_back(entry + "=" + value);
    }
  }
  ctx.setEnv(std::move(env));
  if (options.wasiResolve == "openat2")
    ctx.setResolveStrategy(wasi::ResolveStrategy::Openat2);
  else if (options.wasiResolve == "walk")
    ctx.setResolveStrategy(wasi::ResolveStrategy::Walk);

  if (!options.dirs.empty()) {
    // The key must exist before the guest runs: otherwise a guest given a
    // directory above it could create it, with a key it knows. wasmc's
    // private directories are then hidden from the guest (wasi/Protected.h).
    // Without a usable key (no HOME, a refused key file) there is nothing
    // of ours there to protect, and running does not need it.
    (void)rt::loadOrCreateUserKey();
    for (const std::string& directory : rt::privateDirectories())
      ctx.protectDirectory(directory);
  }
  for (const std::string& dir : options.dirs) {
    size_t split = dir.find("::");
    std::string host = split == std::string::npos ? dir : dir.substr(0, split);
    std::string guest = split == std::string::npos ? dir : dir.substr(split + 2);
    if (host.empty() || guest.empty())
      return usageError("--dir " + dir + ": expected HOST[::GUEST]");
    WASMC_TRY(ctx.preopenDirectory(host, guest));
  }
  for (const std::string& spec : options.tcpListen) {
    int fd = WASMC_TRY(listenTcp(spec));
    WASMC_TRY(ctx.preopenSocket(fd));
  }
  return {};
}

const rt::Function* exportedFunction(const rt::Instance& instance, const std::string& name) {
  const rt::Extern* found = instance.findExport(name);
  return found && found->kind == wasm::ExternKind::Func ? found->func : nullptr;
}

/// The exit status for a call that trapped: the proc_exit code, or 1 after
/// printing the trap with its backtrace.
int trapStatus(const std::string& file, const rt::Trap& trap) {
  std::fflush(stdout);
  if (trap.code == abi::TrapCode::Exit)
    return trap.exitCode;
  std::fprintf(stderr, "wasmc: error: %s: wasm trap: %s\n", file.c_str(), trap.describe().c_str());
  return 1;
}

int fail(const std::string& file, const Error& error) {
  std::fflush(stdout);
  reportError(file, error);
  return 1;
}

/// runModule without the report: fills `times` with what it measured.
int runTimed(std::shared_ptr<const rt::CompiledModule> module, const RunCommandOptions& options,
             PhaseTimes& times) {
  const std::string& file = options.file;
  rt::Store store;
  store.setLimits(options.limits.store);
  if (options.limits.fuel)
    store.setFuel(static_cast<int64_t>(*options.limits.fuel));
  rt::Linker linker;
  wasi::WasiCtx wasiCtx;
  if (Expected<void> configured = configureWasi(wasiCtx, options); !configured)
    return fail(file, configured.error());
  if (Expected<void> linked = wasi::addToLinker(store, linker, wasiCtx); !linked)
    return fail(file, linked.error());
  BenchMarkers markers;
  markers.addToLinker(store, linker);
  // From here on the run is timed: the start function counts. Stopped (and
  // joined) before the store goes.
  std::optional<rt::Deadline> deadline;
  if (options.limits.timeoutNs)
    deadline.emplace(store, *options.limits.timeoutNs);

  uint64_t instantiateStart = monotonicNs();
  Expected<rt::Instance*> instantiated = rt::Instance::instantiate(store, std::move(module), linker);
  times.instantiateNs = monotonicNs() - instantiateStart;
  if (!instantiated)
    return fail(file, instantiated.error());
  rt::Instance& instance = **instantiated;
  if (const rt::Extern* memory = instance.findExport("memory");
      memory && memory->kind == wasm::ExternKind::Memory)
    wasiCtx.bindMemory(memory->memory->memory.get());

  const rt::Function* start = exportedFunction(instance, "_start");
  const rt::Function* initialize = exportedFunction(instance, "_initialize");
  if (!options.invoke && !start && !initialize)
    return fail(file, usageError("not a WASI command or reactor: it exports neither _start nor "
                                 "_initialize (use --invoke NAME to call an exported function)"));

  // With --invoke, check the export and its arguments before running anything.
  const rt::Function* target = nullptr;
  std::vector<rt::Value> values;
  if (options.invoke) {
    target = exportedFunction(instance, *options.invoke);
    if (!target)
      return fail(file, usageError("no exported function named '" + *options.invoke + "'"));
    const wasm::FuncType& type = target->type;
    if (options.args.size() != type.params.size())
      return fail(file,
                  usageError("'" + *options.invoke + "' takes " +
                             std::to_string(type.params.size()) + " arguments " + type.toString() +
                             ", got " + std::to_string(options.args.size())));
    for (size_t i = 0; i < options.args.size(); ++i) {
      Expected<rt::Value> value = parseArgument(options.args[i], type.params[i]);
      if (!value)
        return fail(file, value.error());
      values.push_back(*value);
    }
  }

  // A reactor initialises itself before anything else is called.
  if (initialize && (!start || options.invoke)) {
    if (!initialize->type.params.empty() || !initialize->type.results.empty())
      return fail(file, usageError("_initialize must take and return nothing, but has type " +
                                   initialize->type.toString()));
    rt::CallResult result = rt::callFunction(store, *initialize, {});
    if (result.trap)
      return trapStatus(file, *result.trap);
  }

  if (!target) {
    if (!start)
      return 0; // a reactor with nothing to invoke
    if (!start->type.params.empty() || !start->type.results.empty())
      return fail(file, usageError("_start must take and return nothing, but has type " +
                                   start->type.toString()));
    uint64_t executeStart = monotonicNs();
    rt::CallResult result = rt::callFunction(store, *start, {});
    times.executeNs = monotonicNs() - executeStart;
    if (markers.complete()) {
      times.executeNs = markers.elapsedNs();
      times.benchMarkers = true;
      times.untilStartNs = times.compileNs + times.instantiateNs + (markers.startedAt() - executeStart);
    }
    return result.trap ? trapStatus(file, *result.trap) : 0;
  }

  rt::CallResult result = rt::callFunction(store, *target, values);
  if (result.trap)
    return trapStatus(file, *result.trap);
  for (const rt::Value& value : result.values)
    std::printf("%s\n", formatValue(value).c_str());
  std::fflush(stdout);
  return 0;
}

} // namespace

int runModule(std::shared_ptr<const rt::CompiledModule> module, const RunCommandOptions& options,
              uint64_t compileNs) {
  // A guest writing to a closed pipe gets EPIPE, as under wasmtime, instead
  // of the host dying of SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  PhaseTimes times{.compileNs = compileNs};
  times.exitCode = runTimed(std::move(module), options, times);
  if (const char* reportPath = std::getenv(kBenchReportVariable); reportPath && *reportPath) {
    if (Expected<void> written = writePhaseReport(reportPath, times); !written)
      return fail(options.file, written.error());
  }
  return times.exitCode;
}

} // namespace wasmc::tools
