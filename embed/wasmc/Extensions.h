#pragma once
// What wasmc.h's own handles are (errors, WASI configurations, linkers,
// callers), next to the wasm.h handles of embed/capi/Handles.h.

#include "wasmc.h"

#include "embed/capi/Handles.h"
#include "runtime/InstancePre.h"
#include "runtime/Linker.h"

#include <optional>
#include <string>

struct wasmc_error_t {
  wasmc::Error error;
};

/// One of a WASI guest's standard streams.
struct WasiStream {
  enum class Kind { Inherit, File, Buffer, Bytes } kind = Kind::Inherit;
  std::string path;            // File
  std::vector<uint8_t> bytes;  // Bytes (stdin)
};

struct wasmc_wasi_config_t {
  std::vector<std::string> args;
  std::vector<std::string> env;
  struct Preopen {
    std::string hostPath;
    std::string guestPath;
    bool readOnly;
  };
  std::vector<Preopen> preopens;
  WasiStream stdio[3];
};

struct wasmc_linker_t {
  wasm_store_t* store;
  wasmc::rt::Linker linker;
  wasmc::wasi::WasiCtx* wasi = nullptr; // owned by the store
  int outputs[3] = {-1, -1, -1};        // buffered stdout/stderr: our end of the memfd
  ~wasmc_linker_t();
};

struct wasmc_caller_t {
  wasm_store_t* store;
  wasmc::rt::Instance* instance; // null when called by the embedder
};

/// A module pre-linked against a linker's store-independent definitions
/// (Prelinking.cpp).
struct wasmc_instance_pre_t {
  wasm_engine_t* engine;
  wasmc::rt::InstancePre pre;
  bool importsWasi; // from the store's own context (wasm_store_t::wasi)
};

namespace wasmc::capi {

/// A WASI context as `config` says; the buffers' read ends in `outputs`.
Expected<void> configureWasi(wasi::WasiCtx& ctx, const wasmc_wasi_config_t& config, int (&outputs)[3]);
/// wasmc_linker_wasi_output's reading of a buffered stdout (1) or stderr (2).
bool readWasiOutput(const int (&outputs)[3], int fd, wasm_byte_vec_t* out);
void closeWasiOutputs(int (&outputs)[3]);
/// The instance a host function is called from (wasmc_caller_t).
rt::Instance* callingInstance();
/// An instantiation's result as wasmc.h returns it: the instance in `*out`
/// (its exported "memory" bound to `wasi`, when given), a start function's
/// trap in `*trap` (no error), any other failure as the error.
wasmc_error_t* finishInstantiation(wasm_store_t* store, Expected<rt::Instance*> instance,
                                   std::optional<rt::Trap> startTrap, wasi::WasiCtx* wasi, wasm_instance_t** out,
                                   wasm_trap_t** trap);

/// An owned wasmc_error_t for `error` (null when there is none).
wasmc_error_t* newError(Error error);
wasmc_error_t* usageError(std::string message);

} // namespace wasmc::capi
