// The Codegen.h functions for wasmc and its tests: each loads the code
// generator plugin (libwasmc_codegen.so, with LLVM) on first use and
// forwards to it. Nothing here links LLVM, so commands that only run
// compiled code start without loading it.

#include "engine/CodegenLoader.h"

#include "compiler/codegen/PluginApi.h"
#include "runtime/BuildId.h"
#include "runtime/Sha256.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <mutex>
#include <string>

#if !defined(WASMC_CODEGEN_PLUGIN_PATH) || !defined(WASMC_INSTALLED_PLUGIN_PATH) || !defined(WASMC_LLVM_LIBRARY) || !defined(WASMC_LLVM_VERSION)
#error "the plugin paths, WASMC_LLVM_LIBRARY and WASMC_LLVM_VERSION must be defined by the build"
#endif

namespace wasmc::codegen {

JitCode::~JitCode() = default;

namespace {

/// Where the plugin may be, in order (codegenPluginPath picks the first
/// that exists).
std::vector<std::string> candidates() {
  std::vector<std::string> paths;
  if (const char* configured = std::getenv("WASMC_CODEGEN_PLUGIN"); configured && *configured)
    paths.push_back(configured);
  Dl_info self{};
  if (::dladdr(reinterpret_cast<void*>(&candidates), &self) && self.dli_fname) {
    std::string path = self.dli_fname;
    if (path.find(".so") != std::string::npos && path.find('/') != std::string::npos)
      paths.push_back(path.substr(0, path.rfind('/') + 1) + "libwasmc_codegen.so");
  }
  if (std::string dir = engine::executableDirectory(); !dir.empty()) {
    paths.push_back(dir + "libwasmc_codegen.so");
    paths.push_back(dir + "../lib/libwasmc_codegen.so"); // an installed wasmc
  }
  // An embedder linked with libwasmc.a: where the build made it, then where
  // `cmake --install` put it (the build's own plugin first, so that a stale
  // install never shadows it).
  paths.push_back(WASMC_CODEGEN_PLUGIN_PATH);
  paths.push_back(WASMC_INSTALLED_PLUGIN_PATH);
  return paths;
}

Expected<const PluginApi*> plugin() {
  static const PluginApi* api = nullptr;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    // Exactly the file compilerIdentity() describes, or none.
    std::string path = engine::codegenPluginPath();
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      failure = ::dlerror();
      return;
    }
    auto entry = reinterpret_cast<const PluginApi* (*)()>(::dlsym(handle, kPluginEntry));
    const PluginApi* found = entry ? entry() : nullptr;
    if (found && found->version == kPluginApiVersion) {
      api = found; // stays loaded for the life of the process
      return;
    }
    failure = path + ": not a matching wasmc code generator";
    ::dlclose(handle);
  });
  if (!api)
    return makeError(ErrorKind::Unsupported, kNoOffset, "cannot load the code generator: " + failure);
  return api;
}

} // namespace

Expected<ObjectFiles> compileToObjects(const wasm::Module& module, const Options& options) {
  return WASMC_TRY(plugin())->compileToObjects(module, options);
}

Expected<ObjectFiles> compileArtifactObjects(const wasm::Module& module, const Options& options,
                                             const ArtifactIdentity& identity) {
  return WASMC_TRY(plugin())->compileArtifactObjects(module, options, identity);
}

Expected<std::vector<uint8_t>> linkSharedObject(const ObjectFiles& objects) {
  return WASMC_TRY(plugin())->linkSharedObject(objects);
}

Expected<std::vector<uint8_t>> linkExecutable(const ObjectFiles& objects, const std::vector<std::string>& arguments) {
  return WASMC_TRY(plugin())->linkExecutable(objects, arguments);
}

Expected<std::string> emitModule(const wasm::Module& module, const Options& options, EmitForm form) {
  return WASMC_TRY(plugin())->emitModule(module, options, form);
}

Expected<std::unique_ptr<JitCode>> compileJit(const wasm::Module& module, const Options& options) {
  return WASMC_TRY(plugin())->compileJit(module, options);
}

} // namespace wasmc::codegen

namespace wasmc::engine {

std::string executableDirectory() {
  char exe[PATH_MAX];
  ssize_t length = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (length <= 0)
    return "";
  std::string dir(exe, static_cast<size_t>(length));
  dir.resize(dir.rfind('/') + 1);
  return dir;
}

std::string codegenPluginPath() {
  std::vector<std::string> paths = codegen::candidates();
  for (const std::string& path : paths)
    if (::access(path.c_str(), F_OK) == 0)
      return path;
  return paths.back();
}

std::array<uint8_t, 32> compilerIdentityOf(std::span<const uint8_t> wasmcId, std::span<const uint8_t> pluginId,
                                           std::span<const uint8_t> llvmId, std::string_view llvmVersion) {
  rt::Sha256 hash;
  hash.update("wasmc compiler identity v1", 26);
  for (std::span<const uint8_t> part :
       {wasmcId, pluginId, llvmId,
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(llvmVersion.data()), llvmVersion.size())}) {
    uint64_t size = part.size();
    hash.update(&size, sizeof size).update(part);
  }
  return hash.finish();
}

const std::array<uint8_t, 32>& compilerIdentity() {
  static std::array<uint8_t, 32> id;
  static std::once_flag once;
  std::call_once(once, [] {
    auto orEmpty = [](Expected<std::vector<uint8_t>> found) { return found ? *found : std::vector<uint8_t>(); };
    std::vector<uint8_t> plugin = orEmpty(rt::fileBuildId(codegenPluginPath()));
    std::vector<uint8_t> llvm = orEmpty(rt::fileBuildId(WASMC_LLVM_LIBRARY));
    id = compilerIdentityOf(rt::wasmcBuildId(), plugin, llvm, WASMC_LLVM_VERSION);
  });
  return id;
}

} // namespace wasmc::engine
