// wasmc.h: errors, the engine's configuration, modules with their errors,
// and what a trap or frame tells beyond wasm.h.

#include "embed/wasmc/Extensions.h"

#include "compiler/wasm/Validator.h"
#include "engine/FileIo.h"

#include <climits>

using namespace wasmc;
using namespace wasmc::capi;

namespace wasmc::capi {

wasmc_error_t* newError(Error error) { return new wasmc_error_t{std::move(error)}; }

wasmc_error_t* usageError(std::string message) {
  return newError(makeError(ErrorKind::Usage, kNoOffset, std::move(message)));
}

} // namespace wasmc::capi

namespace {

template <class T>
wasmc_error_t* deliver(Expected<T> result, T* out) {
  if (!result) {
    *out = nullptr;
    return newError(std::move(result).error());
  }
  *out = *result;
  return nullptr;
}

} // namespace

extern "C" {

// --- errors ----------------------------------------------------------------

void wasmc_error_delete(wasmc_error_t* error) { delete error; }

wasmc_error_kind_t wasmc_error_kind(const wasmc_error_t* error) {
  switch (error->error.kind) {
  case ErrorKind::Malformed: return WASMC_ERROR_MALFORMED;
  case ErrorKind::Invalid: return WASMC_ERROR_INVALID;
  case ErrorKind::Unsupported: return WASMC_ERROR_UNSUPPORTED;
  case ErrorKind::Unlinkable: return WASMC_ERROR_UNLINKABLE;
  case ErrorKind::Uninstantiable: return WASMC_ERROR_UNINSTANTIABLE;
  case ErrorKind::Artifact: return WASMC_ERROR_ARTIFACT;
  case ErrorKind::Io: return WASMC_ERROR_IO;
  case ErrorKind::Usage: return WASMC_ERROR_USAGE;
  }
  return WASMC_ERROR_USAGE;
}

void wasmc_error_message(const wasmc_error_t* error, wasm_name_t* out) {
  std::string text = error->error.describe();
  wasm_byte_vec_new(out, text.size() + 1, text.c_str());
}

size_t wasmc_error_offset(const wasmc_error_t* error) {
  return error->error.offset == kNoOffset ? SIZE_MAX : static_cast<size_t>(error->error.offset);
}

// --- configuration ----------------------------------------------------------

void wasmc_config_tier_set(wasm_config_t* config, wasmc_tier_t tier) {
  if (tier <= WASMC_TIER_TIERED)
    config->settings.tier = tier;
}

bool wasmc_config_opt_level_set(wasm_config_t* config, uint32_t level) {
  if (level > 3)
    return false;
  config->settings.options.optLevel = level;
  return true;
}

void wasmc_config_target_cpu_set(wasm_config_t* config, const char* cpu) {
  config->settings.options.cpu = cpu && *cpu ? cpu : "native";
}

void wasmc_config_cache_set(wasm_config_t* config, bool enabled) { config->settings.cache = enabled; }
void wasmc_config_memory_pool_set(wasm_config_t* config, uint32_t memories) { config->settings.memoryPool = memories; }

void wasmc_config_compile_threads_set(wasm_config_t* config, uint32_t threads) {
  config->settings.options.jobs = threads;
}

bool wasmc_config_wasm_feature_set(wasm_config_t* config, const char* name, bool enabled) {
  if (!name)
    return false;
  wasm::Features features = config->settings.options.features;
  if (!wasm::setFeature(features, std::string(name) + (enabled ? "=y" : "=n")))
    return false;
  config->settings.options.features = features;
  return true;
}

// --- modules ----------------------------------------------------------------

wasmc_error_t* wasmc_module_new(wasm_store_t* store, const uint8_t* bytes, size_t size, wasm_module_t** out) {
  return deliver(compileModule(store, {bytes, size}), out);
}

wasmc_error_t* wasmc_module_validate(const uint8_t* bytes, size_t size) {
  Expected<wasm::Module> module = wasm::loadModule({bytes, size});
  return module ? nullptr : newError(std::move(module).error());
}

wasmc_error_t* wasmc_module_serialize(const wasm_module_t* module, wasm_byte_vec_t* out) {
  Expected<std::span<const uint8_t>> artifact = serializeModule(module);
  if (!artifact) {
    wasm_byte_vec_new_empty(out);
    return newError(std::move(artifact).error());
  }
  wasm_byte_vec_new(out, artifact->size(), reinterpret_cast<const wasm_byte_t*>(artifact->data()));
  return nullptr;
}

wasmc_error_t* wasmc_module_deserialize(wasm_store_t* store, const uint8_t* bytes, size_t size,
                                        wasm_module_t** out) {
  return deliver(deserializeModule(store, {bytes, size}), out);
}

wasmc_error_t* wasmc_module_deserialize_file(wasm_store_t* store, const char* path, wasm_module_t** out) {
  Expected<std::vector<uint8_t>> bytes = engine::readFileBytes(path);
  if (!bytes) {
    *out = nullptr;
    return newError(std::move(bytes).error());
  }
  return deliver(deserializeModule(store, *bytes), out);
}

// --- traps and frames -------------------------------------------------------

wasmc_trap_code_t wasmc_trap_code(const wasm_trap_t* trap) {
  switch (trapOf(trap)->trap.code) {
  case abi::TrapCode::Unreachable: return WASMC_TRAP_UNREACHABLE;
  case abi::TrapCode::MemoryOutOfBounds: return WASMC_TRAP_MEMORY_OUT_OF_BOUNDS;
  case abi::TrapCode::IntegerDivideByZero: return WASMC_TRAP_INTEGER_DIVIDE_BY_ZERO;
  case abi::TrapCode::IntegerOverflow: return WASMC_TRAP_INTEGER_OVERFLOW;
  case abi::TrapCode::InvalidConversion: return WASMC_TRAP_BAD_CONVERSION_TO_INTEGER;
  case abi::TrapCode::UndefinedElement:
  case abi::TrapCode::UninitializedElement: return WASMC_TRAP_INDIRECT_CALL_TO_NULL;
  case abi::TrapCode::IndirectCallTypeMismatch: return WASMC_TRAP_BAD_SIGNATURE;
  case abi::TrapCode::TableOutOfBounds: return WASMC_TRAP_TABLE_OUT_OF_BOUNDS;
  case abi::TrapCode::StackExhausted: return WASMC_TRAP_STACK_OVERFLOW;
  case abi::TrapCode::HostTrap: return WASMC_TRAP_HOST;
  case abi::TrapCode::Exit: return WASMC_TRAP_EXIT;
  case abi::TrapCode::Interrupt: return WASMC_TRAP_INTERRUPT;
  case abi::TrapCode::GrowFailed: return WASMC_TRAP_GROW_FAILED;
  case abi::TrapCode::OutOfFuel: return WASMC_TRAP_OUT_OF_FUEL;
  case abi::TrapCode::None: break;
  }
  return WASMC_TRAP_OTHER;
}

bool wasmc_trap_exit_status(const wasm_trap_t* trap, int32_t* status) {
  const rt::Trap& details = trapOf(trap)->trap;
  if (details.code != abi::TrapCode::Exit)
    return false;
  *status = details.exitCode;
  return true;
}

void wasmc_frame_func_name(const wasm_frame_t* frame, wasm_name_t* out) {
  wasm_byte_vec_new(out, frame->name.size(), frame->name.data());
}

} // extern "C"
