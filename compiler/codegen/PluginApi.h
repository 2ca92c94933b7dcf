#pragma once
// The code generator is a plugin: libwasmc_codegen.so holds it with LLVM and
// lld, and wasmc loads it with dlopen only when something must be compiled,
// so running a .cwasm (or a cache hit) never loads LLVM. This table is the
// plugin's one entry point; engine/CodegenLoader.cpp implements the
// Codegen.h functions by forwarding to it.

#include "compiler/codegen/Codegen.h"

namespace wasmc::codegen {

/// Bump when a signature below or a type in Codegen.h changes.
inline constexpr uint32_t kPluginApiVersion = 4;

struct PluginApi {
  uint32_t version;
  Expected<ObjectFiles> (*compileToObjects)(const wasm::Module&, const Options&);
  Expected<ObjectFiles> (*compileArtifactObjects)(const wasm::Module&, const Options&, const ArtifactIdentity&);
  Expected<std::vector<uint8_t>> (*linkSharedObject)(const ObjectFiles&);
  Expected<std::vector<uint8_t>> (*linkExecutable)(const ObjectFiles&, const std::vector<std::string>&);
  Expected<std::string> (*emitModule)(const wasm::Module&, const Options&, EmitForm);
  Expected<std::unique_ptr<JitCode>> (*compileJit)(const wasm::Module&, const Options&);
};

inline constexpr const char* kPluginEntry = "wasmc_codegen_plugin_api";

} // namespace wasmc::codegen

/// Exported by libwasmc_codegen.so.
extern "C" const wasmc::codegen::PluginApi* wasmc_codegen_plugin_api();
