// wasmc.h: configuring a WASI guest, and giving it to a linker.

#include "embed/wasmc/Extensions.h"

#include "runtime/ArtifactKey.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

extern char** environ;

using namespace wasmc;
using namespace wasmc::capi;

namespace {

Error ioError(std::string message) { return makeError(ErrorKind::Io, kNoOffset, std::move(message)); }

/// A memory file holding `bytes`, read from its start: a guest's stdin.
Expected<int> bytesFile(const std::vector<uint8_t>& bytes) {
  int fd = ::memfd_create("wasmc-wasi-stdin", MFD_CLOEXEC);
  if (fd < 0)
    return ioError("cannot make a memory file for stdin");
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t wrote = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (wrote <= 0) {
      ::close(fd);
      return ioError("cannot write stdin's bytes to a memory file");
    }
    done += static_cast<size_t>(wrote);
  }
  ::lseek(fd, 0, SEEK_SET);
  return fd;
}

/// The host fd a configured stream becomes (-1: inherit the host's), and
/// for a buffer the linker's own descriptor of it in `reader`.
Expected<int> openStream(const WasiStream& stream, int fd, int& reader) {
  switch (stream.kind) {
  case WasiStream::Kind::Inherit: return -1;
  case WasiStream::Kind::Bytes: return bytesFile(stream.bytes);
  case WasiStream::Kind::File: {
    int flags = fd == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC;
    int opened = ::open(stream.path.c_str(), flags | O_CLOEXEC, 0644);
    if (opened < 0)
      return ioError("cannot open " + stream.path + " for the guest's fd " + std::to_string(fd));
    return opened;
  }
  case WasiStream::Kind::Buffer: {
    int buffer = ::memfd_create(fd == 1 ? "wasmc-wasi-stdout" : "wasmc-wasi-stderr", MFD_CLOEXEC);
    if (buffer < 0 || (reader = ::fcntl(buffer, F_DUPFD_CLOEXEC, 0)) < 0)
      return ioError("cannot make a memory file for fd " + std::to_string(fd));
    return buffer;
  }
  }
  return -1;
}

} // namespace

namespace wasmc::capi {

Expected<void> configureWasi(wasi::WasiCtx& ctx, const wasmc_wasi_config_t& config, int (&outputs)[3]) {
  ctx.setArgs(config.args);
  ctx.setEnv(config.env);
  if (!config.preopens.empty()) {
    // As `wasmc run --dir` does: the key exists before the guest runs, and
    // wasmc's private directories are hidden from it (wasi/Protected.h).
    (void)rt::loadOrCreateUserKey();
    for (const std::string& directory : rt::privateDirectories())
      ctx.protectDirectory(directory);
  }
  for (const auto& preopen : config.preopens)
    WASMC_TRY(ctx.preopenDirectory(preopen.hostPath, preopen.guestPath,
                                   preopen.readOnly ? wasi::WasiCtx::Access::ReadOnly
                                                    : wasi::WasiCtx::Access::ReadWrite));
  for (int fd = 0; fd <= 2; ++fd) {
    int host = WASMC_TRY(openStream(config.stdio[fd], fd, outputs[fd]));
    if (host >= 0)
      WASMC_TRY(ctx.setStdio(static_cast<uint32_t>(fd), host));
  }
  return {};
}

bool readWasiOutput(const int (&outputs)[3], int fd, wasm_byte_vec_t* out) {
  if (fd < 1 || fd > 2 || outputs[fd] < 0) {
    wasm_byte_vec_new_empty(out);
    return false;
  }
  struct stat info;
  size_t size = ::fstat(outputs[fd], &info) == 0 ? static_cast<size_t>(info.st_size) : 0;
  wasm_byte_vec_new_uninitialized(out, size);
  size_t done = 0;
  while (done < size) {
    ssize_t got = ::pread(outputs[fd], out->data + done, size - done, static_cast<off_t>(done));
    if (got <= 0)
      break;
    done += static_cast<size_t>(got);
  }
  out->size = done;
  return true;
}

void closeWasiOutputs(int (&outputs)[3]) {
  for (int& fd : outputs)
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
}

} // namespace wasmc::capi

namespace {

void setOutput(wasmc_wasi_config_t* config, int fd, WasiStream::Kind kind, const char* path = "") {
  config->stdio[fd] = WasiStream{kind, path, {}};
}

bool setOutputFile(wasmc_wasi_config_t* config, int fd, const char* path) {
  if (!path)
    return false;
  // Created now, so that a path that cannot be written is reported here.
  int opened = ::open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (opened < 0)
    return false;
  ::close(opened);
  setOutput(config, fd, WasiStream::Kind::File, path);
  return true;
}

} // namespace

wasmc_linker_t::~wasmc_linker_t() { closeWasiOutputs(outputs); }

extern "C" {

wasmc_wasi_config_t* wasmc_wasi_config_new() { return new wasmc_wasi_config_t{}; }
void wasmc_wasi_config_delete(wasmc_wasi_config_t* config) { delete config; }

void wasmc_wasi_config_set_argv(wasmc_wasi_config_t* config, size_t argc, const char* const argv[]) {
  config->args.assign(argv, argv + argc);
}

void wasmc_wasi_config_inherit_argv(wasmc_wasi_config_t* config) {
  config->args.clear();
  std::FILE* file = std::fopen("/proc/self/cmdline", "rb");
  if (!file)
    return;
  std::string arg;
  for (int c; (c = std::fgetc(file)) != EOF;) {
    if (c == '\0') {
      config->args.push_back(std::move(arg));
      arg.clear();
    } else {
      arg.push_back(static_cast<char>(c));
    }
  }
  std::fclose(file);
}

void wasmc_wasi_config_set_env(wasmc_wasi_config_t* config, size_t count, const char* const names[],
                               const char* const values[]) {
  config->env.clear();
  for (size_t i = 0; i < count; ++i)
    config->env.push_back(std::string(names[i]) + "=" + values[i]);
}

void wasmc_wasi_config_inherit_env(wasmc_wasi_config_t* config) {
  config->env.clear();
  for (char** entry = environ; entry && *entry; ++entry)
    config->env.emplace_back(*entry);
}

bool wasmc_wasi_config_preopen_dir(wasmc_wasi_config_t* config, const char* hostPath, const char* guestPath,
                                   bool readOnly) {
  struct stat info;
  if (!hostPath || !guestPath || ::stat(hostPath, &info) != 0 || !S_ISDIR(info.st_mode))
    return false;
  config->preopens.push_back({hostPath, guestPath, readOnly});
  return true;
}

void wasmc_wasi_config_set_stdin_bytes(wasmc_wasi_config_t* config, const wasm_byte_vec_t* bytes) {
  config->stdio[0] = WasiStream{WasiStream::Kind::Bytes, "", {}};
  if (bytes && bytes->size)
    config->stdio[0].bytes.assign(bytes->data, bytes->data + bytes->size);
}

bool wasmc_wasi_config_set_stdin_file(wasmc_wasi_config_t* config, const char* path) {
  if (!path || ::access(path, R_OK) != 0)
    return false;
  setOutput(config, 0, WasiStream::Kind::File, path);
  return true;
}

void wasmc_wasi_config_inherit_stdin(wasmc_wasi_config_t* config) { setOutput(config, 0, WasiStream::Kind::Inherit); }
bool wasmc_wasi_config_set_stdout_file(wasmc_wasi_config_t* config, const char* path) {
  return setOutputFile(config, 1, path);
}
void wasmc_wasi_config_set_stdout_buffer(wasmc_wasi_config_t* config) { setOutput(config, 1, WasiStream::Kind::Buffer); }
void wasmc_wasi_config_inherit_stdout(wasmc_wasi_config_t* config) { setOutput(config, 1, WasiStream::Kind::Inherit); }
bool wasmc_wasi_config_set_stderr_file(wasmc_wasi_config_t* config, const char* path) {
  return setOutputFile(config, 2, path);
}
void wasmc_wasi_config_set_stderr_buffer(wasmc_wasi_config_t* config) { setOutput(config, 2, WasiStream::Kind::Buffer); }
void wasmc_wasi_config_inherit_stderr(wasmc_wasi_config_t* config) { setOutput(config, 2, WasiStream::Kind::Inherit); }

wasmc_error_t* wasmc_linker_define_wasi(wasmc_linker_t* linker, wasmc_wasi_config_t* config) {
  std::unique_ptr<wasmc_wasi_config_t> owned(config ? config : new wasmc_wasi_config_t{});
  if (linker->wasi)
    return usageError("wasmc_linker_define_wasi: this linker has WASI already");
  auto ctx = std::make_unique<wasi::WasiCtx>();
  if (Expected<void> configured = configureWasi(*ctx, *owned, linker->outputs); !configured)
    return newError(std::move(configured).error());
  if (Expected<void> linked = wasi::addToLinker(linker->store->runtime, linker->linker, *ctx); !linked)
    return newError(std::move(linked).error());
  linker->wasi = ctx.get();
  linker->store->wasiContexts.push_back(std::move(ctx));
  return nullptr;
}

bool wasmc_linker_wasi_output(const wasmc_linker_t* linker, int fd, wasm_byte_vec_t* out) {
  return readWasiOutput(linker->outputs, fd, out);
}

} // extern "C"
