#include "compiler/codegen/PluginApi.h"

extern "C" __attribute__((visibility("default"))) const wasmc::codegen::PluginApi* wasmc_codegen_plugin_api() {
  using namespace wasmc::codegen;
  static const PluginApi api = {
      kPluginApiVersion, &compileToObjects, &compileArtifactObjects, &linkSharedObject,
      &linkExecutable,   &emitModule,       &compileJit,
  };
  return &api;
}
