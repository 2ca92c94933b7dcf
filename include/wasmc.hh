// wasmc.hh: wasmc's C++20 API, header-only over the C ABI of wasm.h and
// wasmc.h (so it works with any C++20 compiler and needs no exceptions).
//
//   wasmc::Engine engine;
//   wasmc::Store store(engine);
//   auto module = wasmc::Module::compile(store, bytes);        // Result<Module>
//   auto instance = wasmc::Instance::create(store, *module);   // Result<Instance>
//   auto add = instance->func<int32_t(int32_t, int32_t)>("add");
//   wasmc::Result<int32_t> sum = (*add)(40, 2);                 // 42, or the trap
//
// Errors: every operation that can fail returns Result<T>: a T, or an Error
// (decode/validate/link errors with their kind and byte offset, and traps
// with their code, message and frames). Nothing throws.
// Ownership: every class is a move-only RAII handle; objects of a store
// (functions, memories, globals, tables, instances) live until the store
// is destroyed, so keep the Store alive as long as anything made in it.

#ifndef WASMC_HH
#define WASMC_HH

#include "wasmc.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace wasmc {

// --- errors and results ------------------------------------------------------

enum class ErrorKind : uint8_t {
  Malformed = WASMC_ERROR_MALFORMED,
  Invalid = WASMC_ERROR_INVALID,
  Unsupported = WASMC_ERROR_UNSUPPORTED,
  Unlinkable = WASMC_ERROR_UNLINKABLE,
  Uninstantiable = WASMC_ERROR_UNINSTANTIABLE,
  Artifact = WASMC_ERROR_ARTIFACT,
  Io = WASMC_ERROR_IO,
  Usage = WASMC_ERROR_USAGE,
  Trap = 100, // a wasm trap: see Error::trapCode and frames
};

/// One wasm frame of a trap, innermost first.
struct Frame {
  uint32_t funcIndex = 0;
  std::string funcName; // from the name section; empty when unknown
  /// The instruction (the trapping one, or the call in a caller), as a
  /// byte offset in the module and in the function (from its locals).
  size_t moduleOffset = 0;
  size_t funcOffset = 0;
};

/// Why something failed: an error of the module or the API, or a trap.
class Error {
public:
  Error(ErrorKind kind, std::string message) : kind_(kind), message_(std::move(message)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  /// Byte offset in the module, when the error has one.
  std::optional<size_t> offset() const { return offset_; }
  bool isTrap() const { return kind_ == ErrorKind::Trap; }
  /// Traps: the code (WASMC_TRAP_*), frames, and proc_exit's status.
  wasmc_trap_code_t trapCode() const { return trapCode_; }
  const std::vector<Frame>& frames() const { return frames_; }
  std::optional<int32_t> exitStatus() const { return exitStatus_; }

  /// Takes an owned wasmc_error_t*.
  static Error fromC(wasmc_error_t* error) {
    wasm_name_t text;
    wasmc_error_message(error, &text);
    Error out(static_cast<ErrorKind>(wasmc_error_kind(error)), std::string(text.data, text.size ? text.size - 1 : 0));
    if (size_t at = wasmc_error_offset(error); at != SIZE_MAX)
      out.offset_ = at;
    wasm_byte_vec_delete(&text);
    wasmc_error_delete(error);
    return out;
  }

  /// Takes an owned wasm_trap_t*.
  static Error fromTrap(wasm_trap_t* trap) {
    wasm_message_t text;
    wasm_trap_message(trap, &text);
    Error out(ErrorKind::Trap, std::string(text.data, text.size ? text.size - 1 : 0));
    wasm_byte_vec_delete(&text);
    out.trapCode_ = wasmc_trap_code(trap);
    int32_t status = 0;
    if (wasmc_trap_exit_status(trap, &status))
      out.exitStatus_ = status;
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    for (size_t i = 0; i < trace.size; ++i) {
      wasm_name_t name;
      wasmc_frame_func_name(trace.data[i], &name);
      out.frames_.push_back(Frame{wasm_frame_func_index(trace.data[i]), std::string(name.data, name.size),
                                  wasm_frame_module_offset(trace.data[i]), wasm_frame_func_offset(trace.data[i])});
      wasm_byte_vec_delete(&name);
    }
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);
    return out;
  }

private:
  ErrorKind kind_;
  std::string message_;
  std::optional<size_t> offset_;
  wasmc_trap_code_t trapCode_ = 0;
  std::vector<Frame> frames_;
  std::optional<int32_t> exitStatus_;
};

/// A T or an Error (std::expected's shape, for C++20).
template <class T>
class [[nodiscard]] Result {
public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(state_); }

private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}
  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }

private:
  std::optional<Error> error_;
};

namespace detail {

/// A buffered WASI stream's bytes, read with `read` from `owner`.
template <class Owner>
std::string wasiOutput(bool (*read)(const Owner*, int, wasm_byte_vec_t*), const Owner* owner, int fd) {
  wasm_byte_vec_t bytes;
  read(owner, fd, &bytes);
  std::string out(bytes.data, bytes.size);
  wasm_byte_vec_delete(&bytes);
  return out;
}

template <class T, void (*Delete)(T*)>
struct Deleter {
  void operator()(T* pointer) const { Delete(pointer); }
};
template <class T, void (*Delete)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Delete>>;

inline Result<void> check(wasmc_error_t* error) {
  if (error)
    return Error::fromC(error);
  return {};
}

inline Error usage(std::string message) { return Error(ErrorKind::Usage, std::move(message)); }

} // namespace detail

// --- values ------------------------------------------------------------------

enum class ValKind : uint8_t {
  I32 = WASM_I32,
  I64 = WASM_I64,
  F32 = WASM_F32,
  F64 = WASM_F64,
  V128 = 4,
  ExternRef = WASM_EXTERNREF,
  FuncRef = WASM_FUNCREF,
};

/// A number value (references cross the C++ API as Func objects only).
struct Val {
  ValKind kind = ValKind::I32;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
  } of{};

  static Val makeI32(int32_t v) { Val out{ValKind::I32}; out.of.i32 = v; return out; }
  static Val makeI64(int64_t v) { Val out{ValKind::I64}; out.of.i64 = v; return out; }
  static Val makeF32(float v) { Val out{ValKind::F32}; out.of.f32 = v; return out; }
  static Val makeF64(double v) { Val out{ValKind::F64}; out.of.f64 = v; return out; }
};

namespace detail {

/// The wasm type of a C++ parameter or result type.
template <class T>
constexpr ValKind kindOf() {
  if constexpr (std::is_same_v<T, int32_t> || std::is_same_v<T, uint32_t>)
    return ValKind::I32;
  else if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, uint64_t>)
    return ValKind::I64;
  else if constexpr (std::is_same_v<T, float>)
    return ValKind::F32;
  else if constexpr (std::is_same_v<T, double>)
    return ValKind::F64;
  else
    static_assert(sizeof(T) == 0, "wasm values are int32_t, uint32_t, int64_t, uint64_t, float or double");
}

template <class T>
wasm_val_t toC(T value) {
  wasm_val_t out;
  std::memset(&out, 0, sizeof out);
  out.kind = static_cast<wasm_valkind_t>(kindOf<T>());
  if constexpr (kindOf<T>() == ValKind::I32)
    out.of.i32 = static_cast<int32_t>(value);
  else if constexpr (kindOf<T>() == ValKind::I64)
    out.of.i64 = static_cast<int64_t>(value);
  else if constexpr (kindOf<T>() == ValKind::F32)
    out.of.f32 = value;
  else
    out.of.f64 = value;
  return out;
}

template <class T>
T fromC(const wasm_val_t& value) {
  if constexpr (kindOf<T>() == ValKind::I32)
    return static_cast<T>(value.of.i32);
  else if constexpr (kindOf<T>() == ValKind::I64)
    return static_cast<T>(value.of.i64);
  else if constexpr (kindOf<T>() == ValKind::F32)
    return value.of.f32;
  else
    return value.of.f64;
}

inline wasm_val_t toC(const Val& value) {
  wasm_val_t out;
  std::memset(&out, 0, sizeof out);
  out.kind = static_cast<wasm_valkind_t>(value.kind);
  std::memcpy(&out.of, &value.of, sizeof value.of);
  return out;
}

inline Val fromC(const wasm_val_t& value) {
  Val out;
  out.kind = static_cast<ValKind>(value.kind);
  std::memcpy(&out.of, &value.of, sizeof out.of);
  return out;
}

/// Results of a typed call: void, one value, or a tuple of values.
template <class R>
struct ResultTypes {
  static constexpr size_t kCount = 1;
  static std::vector<ValKind> kinds() { return {kindOf<R>()}; }
  static R read(const wasm_val_t* values) { return fromC<R>(values[0]); }
  static void write(const R& result, wasm_val_t* values) { values[0] = toC(result); }
};
template <>
struct ResultTypes<void> {
  static constexpr size_t kCount = 0;
  static std::vector<ValKind> kinds() { return {}; }
};
template <class... Ts>
struct ResultTypes<std::tuple<Ts...>> {
  static constexpr size_t kCount = sizeof...(Ts);
  static std::vector<ValKind> kinds() { return {kindOf<Ts>()...}; }
  static std::tuple<Ts...> read(const wasm_val_t* values) {
    return readAt(values, std::index_sequence_for<Ts...>{});
  }
  template <size_t... I>
  static std::tuple<Ts...> readAt(const wasm_val_t* values, std::index_sequence<I...>) {
    return std::tuple<Ts...>{fromC<Ts>(values[I])...};
  }
  static void write(const std::tuple<Ts...>& result, wasm_val_t* values) {
    writeAt(result, values, std::index_sequence_for<Ts...>{});
  }
  template <size_t... I>
  static void writeAt(const std::tuple<Ts...>& result, wasm_val_t* values, std::index_sequence<I...>) {
    ((values[I] = toC(std::get<I>(result))), ...);
  }
};

inline wasm_functype_t* newFuncType(const std::vector<ValKind>& params, const std::vector<ValKind>& results) {
  auto make = [](const std::vector<ValKind>& kinds) {
    wasm_valtype_vec_t vec;
    wasm_valtype_vec_new_uninitialized(&vec, kinds.size());
    for (size_t i = 0; i < kinds.size(); ++i)
      vec.data[i] = wasm_valtype_new(static_cast<wasm_valkind_t>(kinds[i]));
    return vec;
  };
  wasm_valtype_vec_t p = make(params), r = make(results);
  return wasm_functype_new(&p, &r);
}

inline std::vector<ValKind> kindsOf(const wasm_valtype_vec_t* types) {
  std::vector<ValKind> out;
  for (size_t i = 0; i < types->size; ++i)
    out.push_back(static_cast<ValKind>(wasm_valtype_kind(types->data[i])));
  return out;
}

} // namespace detail

// --- engine and store ----------------------------------------------------------

enum class Tier : uint8_t { Llvm = WASMC_TIER_LLVM, Baseline = WASMC_TIER_BASELINE, Tiered = WASMC_TIER_TIERED };

struct Config {
  Tier tier = Tier::Llvm;
  uint32_t optLevel = 2; // 0..3
  std::string targetCpu = "native";
  bool cache = false;
  uint32_t compileThreads = 0; // 0: one per core
  bool interruptible = false;  // loops check for interrupts too (wasmc_config_interruptible_set)
  bool consumeFuel = false;    // the code consumes the store's fuel (wasmc_config_consume_fuel_set)
  uint32_t memoryPool = 0;     // memories each module keeps for its next instances (wasmc_config_memory_pool_set)
  /// Features past 2.0 switched by name, {"tail-call", false} (wasmc_config_wasm_feature_set);
  /// an unknown name leaves the engine invalid (Engine::valid() false).
  std::vector<std::pair<std::string, bool>> wasmFeatures = {};
};

class Engine {
public:
  explicit Engine(const Config& config = {}) {
    wasm_config_t* c = wasm_config_new();
    wasmc_config_tier_set(c, static_cast<wasmc_tier_t>(config.tier));
    wasmc_config_opt_level_set(c, config.optLevel);
    wasmc_config_target_cpu_set(c, config.targetCpu.c_str());
    wasmc_config_cache_set(c, config.cache);
    wasmc_config_compile_threads_set(c, config.compileThreads);
    wasmc_config_interruptible_set(c, config.interruptible);
    wasmc_config_consume_fuel_set(c, config.consumeFuel);
    wasmc_config_memory_pool_set(c, config.memoryPool);
    bool known = true;
    for (const auto& [name, enabled] : config.wasmFeatures)
      known = wasmc_config_wasm_feature_set(c, name.c_str(), enabled) && known;
    if (known) {
      engine_.reset(wasm_engine_new_with_config(c));
    } else {
      wasm_config_delete(c);
    }
  }
  /// False when the config named a feature wasmc does not know.
  bool valid() const { return engine_ != nullptr; }
  wasm_engine_t* raw() const { return engine_.get(); }
  /// Advances the epoch (any thread); stores whose deadline it reaches are interrupted.
  void incrementEpoch() { wasmc_engine_increment_epoch(engine_.get()); }
  uint64_t epoch() const { return wasmc_engine_epoch(engine_.get()); }

private:
  detail::Owned<wasm_engine_t, wasm_engine_delete> engine_;
};

class Store {
public:
  explicit Store(Engine& engine) : store_(wasm_store_new(engine.raw())) {}
  wasm_store_t* raw() const { return store_.get(); }

  /// Interruption (wasmc.h): the running wasm stops with Trap code
  /// WASMC_TRAP_INTERRUPT. interrupt() may be called from any thread.
  void interrupt() { wasmc_store_interrupt(store_.get()); }
  void setTimeout(std::chrono::nanoseconds timeout) {
    wasmc_store_set_timeout(store_.get(), static_cast<uint64_t>(timeout.count()));
  }
  void setEpochDeadline(uint64_t ticks) { wasmc_store_set_epoch_deadline(store_.get(), ticks); }
  /// What the store's own WASI guest (InstancePre::instantiate) wrote to a
  /// buffered stdout (1) or stderr (2).
  std::string wasiOutput(int fd = 1) const { return detail::wasiOutput(wasmc_store_wasi_output, store_.get(), fd); }
  /// Called instead of interrupting when the epoch deadline falls due: the
  /// ticks to extend it by, or 0 to interrupt. Runs on the engine's epoch
  /// thread while the wasm runs on (wasmc.h): it must not touch this store.
  /// An empty function removes it.
  void setEpochDeadlineCallback(std::function<uint64_t()> callback) {
    setCountCallback(wasmc_store_set_epoch_deadline_callback, std::move(callback));
  }


  /// Fuel (Config::consumeFuel): false when `fuel` is above INT64_MAX.
  bool setFuel(uint64_t fuel) { return wasmc_store_set_fuel(store_.get(), fuel); }
  /// Asked where the fuel runs out: the fuel to add (asked again while it
  /// is still below zero), or 0 to trap (wasmc_store_set_refuel_callback).
  /// An empty function removes it.
  void setRefuelCallback(std::function<uint64_t()> callback) {
    setCountCallback(wasmc_store_set_refuel_callback, std::move(callback));
  }

  /// Left; negative when overdrawn.
  int64_t fuel() const { return wasmc_store_fuel(store_.get()); }

  /// Resource limits; std::nullopt keeps the default (wasmc_store_limiter).
  struct Limits {
    std::optional<uint64_t> memorySize = {}, tableElements = {}, instances = {}, tables = {}, memories = {};
  };
  void limit(const Limits& limits) {
    auto given = [](const std::optional<uint64_t>& value) {
      return value ? static_cast<int64_t>(std::min<uint64_t>(*value, INT64_MAX)) : int64_t(-1);
    };
    wasmc_store_limiter(store_.get(), given(limits.memorySize), given(limits.tableElements), given(limits.instances),
                        given(limits.tables), given(limits.memories));
  }
  void trapOnGrowFailure(bool enabled) { wasmc_store_trap_on_grow_failure(store_.get(), enabled); }
  void maxWasmStack(size_t bytes) { wasmc_store_max_wasm_stack(store_.get(), bytes); }

private:
  /// Hands `callback` to a wasmc.h setter of a uint64_t(void* env)
  /// callback (epoch deadlines, refuelling), which owns it from then on.
  template <class Setter>
  void setCountCallback(Setter set, std::function<uint64_t()> callback) {
    using Callback = std::function<uint64_t()>;
    if (!callback) {
      set(store_.get(), nullptr, nullptr, nullptr);
      return;
    }
    set(store_.get(), [](void* env) { return (*static_cast<Callback*>(env))(); }, new Callback(std::move(callback)),
        [](void* env) { delete static_cast<Callback*>(env); });
  }

  detail::Owned<wasm_store_t, wasm_store_delete> store_;
};

// --- modules -------------------------------------------------------------------

enum class ExternKind : uint8_t { Func, Global, Table, Memory };

struct ImportInfo {
  std::string module, name;
  ExternKind kind;
};
struct ExportInfo {
  std::string name;
  ExternKind kind;
};

class Module {
public:
  static Result<Module> compile(Store& store, std::span<const uint8_t> bytes) {
    wasm_module_t* out = nullptr;
    if (wasmc_error_t* error = wasmc_module_new(store.raw(), bytes.data(), bytes.size(), &out))
      return Error::fromC(error);
    return Module(out);
  }
  static Result<void> validate(std::span<const uint8_t> bytes) {
    return detail::check(wasmc_module_validate(bytes.data(), bytes.size()));
  }
  /// Loads what serialize() (or `wasmc compile`) made for this user;
  /// anything else is an Artifact error, never run.
  static Result<Module> deserialize(Store& store, std::span<const uint8_t> bytes) {
    wasm_module_t* out = nullptr;
    if (wasmc_error_t* error = wasmc_module_deserialize(store.raw(), bytes.data(), bytes.size(), &out))
      return Error::fromC(error);
    return Module(out);
  }
  Result<std::vector<uint8_t>> serialize() const {
    wasm_byte_vec_t bytes;
    if (wasmc_error_t* error = wasmc_module_serialize(module_.get(), &bytes))
      return Error::fromC(error);
    std::vector<uint8_t> out(bytes.data, bytes.data + bytes.size);
    wasm_byte_vec_delete(&bytes);
    return out;
  }

  std::vector<ImportInfo> imports() const {
    wasm_importtype_vec_t vec;
    wasm_module_imports(module_.get(), &vec);
    std::vector<ImportInfo> out;
    for (size_t i = 0; i < vec.size; ++i) {
      const wasm_name_t* module = wasm_importtype_module(vec.data[i]);
      const wasm_name_t* name = wasm_importtype_name(vec.data[i]);
      out.push_back({std::string(module->data, module->size), std::string(name->data, name->size),
                     static_cast<ExternKind>(wasm_externtype_kind(wasm_importtype_type(vec.data[i])))});
    }
    wasm_importtype_vec_delete(&vec);
    return out;
  }
  std::vector<ExportInfo> exports() const {
    wasm_exporttype_vec_t vec;
    wasm_module_exports(module_.get(), &vec);
    std::vector<ExportInfo> out;
    for (size_t i = 0; i < vec.size; ++i) {
      const wasm_name_t* name = wasm_exporttype_name(vec.data[i]);
      out.push_back({std::string(name->data, name->size),
                     static_cast<ExternKind>(wasm_externtype_kind(wasm_exporttype_type(vec.data[i])))});
    }
    wasm_exporttype_vec_delete(&vec);
    return out;
  }
  wasm_module_t* raw() const { return module_.get(); }

private:
  explicit Module(wasm_module_t* module) : module_(module) {}
  detail::Owned<wasm_module_t, wasm_module_delete> module_;
};

// --- functions -------------------------------------------------------------------

template <class Signature>
class TypedFunc;
class InstancePre;

/// What a host function is given besides its arguments: the calling
/// instance's memory and exports, and a way to trap.
class Caller {
public:
  explicit Caller(wasmc_caller_t* caller) : caller_(caller) {}
  /// The caller's exported memory as bytes; empty when it has none.
  std::span<uint8_t> memory() const {
    wasm_memory_t* memory = wasmc_caller_memory(caller_);
    if (!memory)
      return {};
    std::span<uint8_t> out(reinterpret_cast<uint8_t*>(wasm_memory_data(memory)), wasm_memory_data_size(memory));
    wasm_memory_delete(memory);
    return out;
  }
  /// Ends the call with a trap carrying `message` once the function returns
  /// (its return value is then ignored).
  void trap(std::string message) { trap_ = std::move(message); }
  const std::optional<std::string>& pendingTrap() const { return trap_; }

private:
  wasmc_caller_t* caller_;
  std::optional<std::string> trap_;
};

class Func {
public:
  /// A host function from a callable: parameters and result types come
  /// from its signature (int32_t, uint32_t, int64_t, uint64_t, float,
  /// double; result void, one of them, or a std::tuple of them). It may
  /// take a `Caller&` first.
  template <class F>
  static Func wrap(Store& store, F function) {
    return wrapAs(store, std::function(std::move(function)));
  }

  /// Calls with any values; a trap is the Error.
  Result<std::vector<Val>> call(std::span<const Val> args) const {
    std::vector<wasm_val_t> in, out(resultKinds().size());
    for (const Val& arg : args)
      in.push_back(detail::toC(arg));
    wasm_val_vec_t inVec{in.size(), in.data()}, outVec{out.size(), out.data()};
    if (wasm_trap_t* trap = wasm_func_call(func_.get(), &inVec, &outVec))
      return Error::fromTrap(trap);
    std::vector<Val> results;
    for (const wasm_val_t& value : out)
      results.push_back(detail::fromC(value));
    return results;
  }

  /// The function with a C++ signature, checked against its wasm type.
  template <class Signature>
  Result<TypedFunc<Signature>> typed() const;

  std::vector<ValKind> paramKinds() const { return kinds(wasm_functype_params); }
  std::vector<ValKind> resultKinds() const { return kinds(wasm_functype_results); }
  wasm_func_t* raw() const { return func_.get(); }
  explicit Func(wasm_func_t* func) : func_(func) {}

private:
  std::vector<ValKind> kinds(const wasm_valtype_vec_t* (*which)(const wasm_functype_t*)) const {
    wasm_functype_t* type = wasm_func_type(func_.get());
    std::vector<ValKind> out = detail::kindsOf(which(type));
    wasm_functype_delete(type);
    return out;
  }

  template <class R, class... A>
  static Func wrapAs(Store& store, std::function<R(A...)> function) {
    using Host = std::function<R(A...)>;
    constexpr bool kWithCaller = sizeof...(A) > 0 && std::is_same_v<std::tuple_element_t<0, std::tuple<A..., void>>,
                                                                      Caller&>;
    std::vector<ValKind> params = paramsOf<kWithCaller, A...>();
    wasm_functype_t* type = detail::newFuncType(params, detail::ResultTypes<R>::kinds());
    auto* host = new Host(std::move(function));
    wasm_func_t* func = wasmc_func_new(store.raw(), type, &trampoline<kWithCaller, R, A...>, host,
                                       [](void* env) { delete static_cast<Host*>(env); });
    wasm_functype_delete(type);
    return Func(func);
  }

  friend class Linker;
  /// Linker::defineFunc's: the callable as a definition for every store
  /// (wasmc_linker_define_func).
  template <class F>
  static wasmc_error_t* define(wasmc_linker_t* linker, const std::string& module, const std::string& name,
                               F function) {
    return defineAs(linker, module, name, std::function(std::move(function)));
  }
  template <class R, class... A>
  static wasmc_error_t* defineAs(wasmc_linker_t* linker, const std::string& module, const std::string& name,
                                 std::function<R(A...)> function) {
    using Host = std::function<R(A...)>;
    constexpr bool kWithCaller = sizeof...(A) > 0 && std::is_same_v<std::tuple_element_t<0, std::tuple<A..., void>>,
                                                                      Caller&>;
    std::vector<ValKind> params = paramsOf<kWithCaller, A...>();
    wasm_functype_t* type = detail::newFuncType(params, detail::ResultTypes<R>::kinds());
    auto* host = new Host(std::move(function));
    wasmc_error_t* error = wasmc_linker_define_func(linker, module.c_str(), name.c_str(), type,
                                                    &trampoline<kWithCaller, R, A...>, host,
                                                    [](void* env) { delete static_cast<Host*>(env); });
    wasm_functype_delete(type);
    return error;
  }

  /// The wasm parameter types of A... (without a leading Caller&).
  template <bool kWithCaller, class... A>
  static std::vector<ValKind> paramsOf() {
    constexpr size_t kSkip = kWithCaller ? 1 : 0;
    return []<size_t... I>(std::index_sequence<I...>) {
      return std::vector<ValKind>{detail::kindOf<std::decay_t<std::tuple_element_t<I + kSkip, std::tuple<A...>>>>()...};
    }(std::make_index_sequence<sizeof...(A) - kSkip>{});
  }

  template <bool kWithCaller, class R, class... A>
  static wasm_trap_t* trampoline(void* env, wasmc_caller_t* rawCaller, const wasm_val_vec_t* args,
                                 wasm_val_vec_t* results);

  detail::Owned<wasm_func_t, wasm_func_delete> func_;
};

/// A function called with C++ values: `R(A...)`, R void, a value or a tuple.
/// It holds its own reference to the function: valid while the store lives.
template <class R, class... A>
class TypedFunc<R(A...)> {
public:
  using Returns = std::conditional_t<std::is_void_v<R>, std::monostate, R>;

  Result<Returns> operator()(A... args) const {
    wasm_val_t in[sizeof...(A) + 1] = {detail::toC(args)...};
    constexpr size_t kResults = detail::ResultTypes<R>::kCount;
    wasm_val_t out[kResults + 1];
    wasm_val_vec_t inVec{sizeof...(A), in}, outVec{kResults, out};
    if (wasm_trap_t* trap = wasm_func_call(func_.get(), &inVec, &outVec))
      return Error::fromTrap(trap);
    if constexpr (std::is_void_v<R>)
      return std::monostate{};
    else
      return detail::ResultTypes<R>::read(out);
  }

  /// A TypedFunc of `func` (a reference of its own) when its wasm type is
  /// exactly R(A...).
  static Result<TypedFunc> checkAndMake(wasm_func_t* func, const std::vector<ValKind>& params,
                                        const std::vector<ValKind>& results) {
    if (params != std::vector<ValKind>{detail::kindOf<A>()...} || results != detail::ResultTypes<R>::kinds())
      return detail::usage("the function's wasm type does not match the C++ signature");
    return TypedFunc(wasm_func_copy(func));
  }

private:
  explicit TypedFunc(wasm_func_t* func) : func_(func) {}
  detail::Owned<wasm_func_t, wasm_func_delete> func_;
};

// --- instances and other externs --------------------------------------------------

class Memory {
public:
  explicit Memory(wasm_memory_t* memory) : memory_(memory) {}
  std::span<uint8_t> data() const {
    return {reinterpret_cast<uint8_t*>(wasm_memory_data(memory_.get())), wasm_memory_data_size(memory_.get())};
  }
  uint32_t pages() const { return wasm_memory_size(memory_.get()); }
  bool grow(uint32_t pages) { return wasm_memory_grow(memory_.get(), pages); }
  wasm_memory_t* raw() const { return memory_.get(); }

private:
  detail::Owned<wasm_memory_t, wasm_memory_delete> memory_;
};

class Global {
public:
  explicit Global(wasm_global_t* global) : global_(global) {}
  Val get() const {
    wasm_val_t value;
    wasm_global_get(global_.get(), &value);
    return detail::fromC(value);
  }
  Result<void> set(const Val& value) {
    wasm_globaltype_t* type = wasm_global_type(global_.get());
    bool mutableGlobal = wasm_globaltype_mutability(type) == WASM_VAR;
    auto kind = static_cast<ValKind>(wasm_valtype_kind(wasm_globaltype_content(type)));
    wasm_globaltype_delete(type);
    if (!mutableGlobal || kind != value.kind)
      return detail::usage(!mutableGlobal ? "the global is immutable" : "the value is of another type");
    wasm_val_t c = detail::toC(value);
    wasm_global_set(global_.get(), &c);
    return {};
  }
  wasm_global_t* raw() const { return global_.get(); }

private:
  detail::Owned<wasm_global_t, wasm_global_delete> global_;
};

class Instance {
public:
  /// Instantiates with imports in the module's order (Linker resolves
  /// them by name).
  static Result<Instance> create(Store& store, const Module& module, std::span<wasm_extern_t* const> imports = {}) {
    wasm_extern_vec_t vec{imports.size(), const_cast<wasm_extern_t**>(imports.data())};
    wasm_trap_t* trap = nullptr;
    wasm_instance_t* instance = wasm_instance_new(store.raw(), module.raw(), &vec, &trap);
    if (!instance) {
      Error error = Error::fromTrap(trap);
      if (error.frames().empty())
        return Error(ErrorKind::Unlinkable, error.message());
      return error;
    }
    return Instance(instance, module);
  }

  /// The exported function `name` with a C++ signature (checked).
  template <class Signature>
  Result<TypedFunc<Signature>> func(std::string_view name) const {
    Result<Func> found = func(name);
    if (!found)
      return found.error();
    return found->template typed<Signature>();
  }
  /// The exported function `name`, untyped.
  Result<Func> func(std::string_view name) const {
    wasm_func_t* found = findFunc(name);
    if (!found)
      return detail::usage("no exported function named '" + std::string(name) + "'");
    return Func(wasm_func_copy(found));
  }
  Result<Memory> memory(std::string_view name = "memory") const {
    wasm_extern_t* found = find(name, WASM_EXTERN_MEMORY);
    if (!found)
      return detail::usage("no exported memory named '" + std::string(name) + "'");
    return Memory(wasm_memory_copy(wasm_extern_as_memory(found)));
  }
  Result<Global> global(std::string_view name) const {
    wasm_extern_t* found = find(name, WASM_EXTERN_GLOBAL);
    if (!found)
      return detail::usage("no exported global named '" + std::string(name) + "'");
    return Global(wasm_global_copy(wasm_extern_as_global(found)));
  }
  wasm_instance_t* raw() const { return instance_.get(); }

  Instance(Instance&&) = default;
  Instance& operator=(Instance&&) = default;
  ~Instance() { wasm_extern_vec_delete(&exports_); }

  Instance(wasm_instance_t* instance, const Module& module) : instance_(instance) {
    wasm_instance_exports(instance, &exports_);
    for (const ExportInfo& info : module.exports())
      names_.push_back(info.name);
  }
  /// With the module's export names in order.
  Instance(wasm_instance_t* instance, std::vector<std::string> names) : instance_(instance), names_(std::move(names)) {
    wasm_instance_exports(instance, &exports_);
  }

private:
  wasm_extern_t* find(std::string_view name, wasm_externkind_t kind) const {
    for (size_t i = 0; i < names_.size() && i < exports_.size; ++i)
      if (names_[i] == name && wasm_extern_kind(exports_.data[i]) == kind)
        return exports_.data[i];
    return nullptr;
  }
  wasm_func_t* findFunc(std::string_view name) const {
    wasm_extern_t* found = find(name, WASM_EXTERN_FUNC);
    return found ? wasm_extern_as_func(found) : nullptr;
  }

  detail::Owned<wasm_instance_t, wasm_instance_delete> instance_;
  std::vector<std::string> names_;
  struct ExternVec : wasm_extern_vec_t {
    ExternVec() : wasm_extern_vec_t{0, nullptr} {}
    ExternVec(ExternVec&& other) noexcept : wasm_extern_vec_t{other.size, other.data} { other.size = 0, other.data = nullptr; }
    ExternVec& operator=(ExternVec&& other) noexcept {
      std::swap(size, other.size);
      std::swap(data, other.data);
      return *this;
    }
  } exports_;
};

// --- WASI and linking ---------------------------------------------------------------

/// What a WASI guest sees; by default nothing but the host's stdio.
class WasiConfig {
public:
  WasiConfig() : config_(wasmc_wasi_config_new()) {}
  WasiConfig& argv(const std::vector<std::string>& args) {
    std::vector<const char*> pointers;
    for (const std::string& arg : args)
      pointers.push_back(arg.c_str());
    wasmc_wasi_config_set_argv(config_.get(), pointers.size(), pointers.data());
    return *this;
  }
  WasiConfig& env(const std::vector<std::pair<std::string, std::string>>& variables) {
    std::vector<const char*> names, values;
    for (const auto& [name, value] : variables)
      names.push_back(name.c_str()), values.push_back(value.c_str());
    wasmc_wasi_config_set_env(config_.get(), names.size(), names.data(), values.data());
    return *this;
  }
  WasiConfig& inheritEnv() { return wasmc_wasi_config_inherit_env(config_.get()), *this; }
  /// False (and nothing added) when `hostPath` is not a directory.
  bool preopenDir(const std::string& hostPath, const std::string& guestPath, bool readOnly = false) {
    return wasmc_wasi_config_preopen_dir(config_.get(), hostPath.c_str(), guestPath.c_str(), readOnly);
  }
  WasiConfig& stdinBytes(std::span<const uint8_t> bytes) {
    wasm_byte_vec_t vec;
    wasm_byte_vec_new(&vec, bytes.size(), reinterpret_cast<const char*>(bytes.data()));
    wasmc_wasi_config_set_stdin_bytes(config_.get(), &vec);
    wasm_byte_vec_delete(&vec);
    return *this;
  }
  WasiConfig& stdoutBuffer() { return wasmc_wasi_config_set_stdout_buffer(config_.get()), *this; }
  WasiConfig& stderrBuffer() { return wasmc_wasi_config_set_stderr_buffer(config_.get()), *this; }
  bool stdoutFile(const std::string& path) { return wasmc_wasi_config_set_stdout_file(config_.get(), path.c_str()); }
  bool stderrFile(const std::string& path) { return wasmc_wasi_config_set_stderr_file(config_.get(), path.c_str()); }
  wasmc_wasi_config_t* release() { return config_.release(); }

private:
  detail::Owned<wasmc_wasi_config_t, wasmc_wasi_config_delete> config_;
};

class Linker {
public:
  explicit Linker(Store& store) : linker_(wasmc_linker_new(store.raw())) {}

  Result<void> define(const std::string& module, const std::string& name, const Func& func) {
    return detail::check(wasmc_linker_define(linker_.get(), module.c_str(), name.c_str(),
                                             wasm_func_as_extern_const(func.raw())));
  }
  Result<void> define(const std::string& module, const std::string& name, const Memory& memory) {
    return detail::check(wasmc_linker_define(linker_.get(), module.c_str(), name.c_str(),
                                             wasm_memory_as_extern_const(memory.raw())));
  }
  Result<void> define(const std::string& module, const std::string& name, const Global& global) {
    return detail::check(wasmc_linker_define(linker_.get(), module.c_str(), name.c_str(),
                                             wasm_global_as_extern_const(global.raw())));
  }
  /// A host function from a callable (see Func::wrap), defined for every
  /// store (wasmc_linker_define_func): modules importing it can be
  /// pre-linked.
  template <class F>
  Result<void> defineFunc(const std::string& module, const std::string& name, F function) {
    return detail::check(Func::define(linker_.get(), module, name, std::move(function)));
  }
  Result<void> defineInstance(const std::string& module, const Instance& instance) {
    return detail::check(wasmc_linker_define_instance(linker_.get(), module.c_str(), instance.raw()));
  }
  Result<void> defineWasi(WasiConfig config = {}) {
    return detail::check(wasmc_linker_define_wasi(linker_.get(), config.release()));
  }
  Result<Instance> instantiate(const Module& module) {
    wasm_instance_t* instance = nullptr;
    wasm_trap_t* trap = nullptr;
    if (wasmc_error_t* error = wasmc_linker_instantiate(linker_.get(), module.raw(), &instance, &trap))
      return Error::fromC(error);
    if (trap)
      return Error::fromTrap(trap);
    return Instance(instance, module);
  }
  /// `module` with its imports resolved once, to instantiate in many stores
  /// (wasmc_linker_instantiate_pre): every import must be a defineFunc
  /// function or WASI.
  Result<InstancePre> instantiatePre(const Module& module) const;
  /// Runs a WASI command's _start: its exit status, or the trap.
  Result<int32_t> runWasiCommand(const Instance& instance) {
    wasm_trap_t* trap = nullptr;
    int32_t status = wasmc_instance_run_wasi_command(instance.raw(), &trap);
    if (trap)
      return Error::fromTrap(trap);
    return status;
  }
  /// What the guest wrote to a buffered stdout (1) or stderr (2).
  std::string wasiOutput(int fd = 1) const {
    return detail::wasiOutput(wasmc_linker_wasi_output, linker_.get(), fd);
  }

private:
  detail::Owned<wasmc_linker_t, wasmc_linker_delete> linker_;
};

/// A module pre-linked by Linker::instantiatePre: instantiated in any store
/// of the linker's engine without name lookups; WASI imports use the
/// store's own context (wasmc_instance_pre_instantiate).
class InstancePre {
public:
  /// With `wasi`, the store's WASI context is made from it; without, the
  /// store keeps the one it has (or gets the defaults).
  Result<Instance> instantiate(Store& store, std::optional<WasiConfig> wasi = std::nullopt) const {
    wasm_instance_t* instance = nullptr;
    wasm_trap_t* trap = nullptr;
    if (wasmc_error_t* error = wasmc_instance_pre_instantiate(pre_.get(), store.raw(),
                                                              wasi ? wasi->release() : nullptr, &instance, &trap))
      return Error::fromC(error);
    if (trap)
      return Error::fromTrap(trap);
    return Instance(instance, names_);
  }

private:
  friend class Linker;
  InstancePre(wasmc_instance_pre_t* pre, std::vector<std::string> names) : pre_(pre), names_(std::move(names)) {}
  detail::Owned<wasmc_instance_pre_t, wasmc_instance_pre_delete> pre_;
  std::vector<std::string> names_;
};

inline Result<InstancePre> Linker::instantiatePre(const Module& module) const {
  wasmc_instance_pre_t* pre = nullptr;
  if (wasmc_error_t* error = wasmc_linker_instantiate_pre(linker_.get(), module.raw(), &pre))
    return Error::fromC(error);
  std::vector<std::string> names;
  for (const ExportInfo& info : module.exports())
    names.push_back(info.name);
  return InstancePre(pre, std::move(names));
}

// --- out-of-line templates ----------------------------------------------------------

template <class Signature>
Result<TypedFunc<Signature>> Func::typed() const {
  return TypedFunc<Signature>::checkAndMake(func_.get(), paramKinds(), resultKinds());
}

template <bool kWithCaller, class R, class... A>
wasm_trap_t* Func::trampoline(void* env, wasmc_caller_t* rawCaller, const wasm_val_vec_t* args,
                              wasm_val_vec_t* results) {
  auto& host = *static_cast<std::function<R(A...)>*>(env);
  Caller caller(rawCaller);
  auto call = [&]<size_t... I>(std::index_sequence<I...>) -> R {
    if constexpr (kWithCaller)
      return host(caller, detail::fromC<std::decay_t<std::tuple_element_t<I + 1, std::tuple<A...>>>>(args->data[I])...);
    else
      return host(detail::fromC<std::decay_t<A>>(args->data[I])...);
  };
  constexpr size_t kParams = sizeof...(A) - (kWithCaller ? 1 : 0);
  if constexpr (std::is_void_v<R>) {
    call(std::make_index_sequence<kParams>{});
  } else {
    R result = call(std::make_index_sequence<kParams>{});
    if (!caller.pendingTrap())
      detail::ResultTypes<R>::write(result, results->data);
  }
  if (const std::optional<std::string>& message = caller.pendingTrap()) {
    wasm_message_t text;
    wasm_byte_vec_new(&text, message->size() + 1, message->c_str());
    // A trap needs a store; the C API makes it from the message alone.
    wasm_trap_t* trap = wasm_trap_new(nullptr, &text);
    wasm_byte_vec_delete(&text);
    return trap;
  }
  return nullptr;
}

} // namespace wasmc

#endif // WASMC_HH
