#pragma once
// The one error type for bad input (malformed, invalid, unlinkable,
// uninstantiable modules, bad artifacts, bad command lines, I/O), and
// Expected<T>, a value-or-Error result. No exceptions anywhere in wasmc.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace wasmc {

/// What went wrong, mapped 1:1 onto the spec script's assertion kinds where one applies.
enum class ErrorKind : uint8_t {
  Malformed,      // assert_malformed: the bytes are not a module
  Invalid,        // assert_invalid: well-formed but fails validation
  Unlinkable,     // assert_unlinkable: imports cannot be resolved
  Uninstantiable, // assert_uninstantiable: instantiation traps
  Io,             // reading or writing a file failed
  Usage,          // bad command line or API misuse by the embedder
  Artifact,       // a compiled artifact is corrupt or foreign
  Unsupported,    // valid input using something wasmc does not implement yet
};

const char* errorKindName(ErrorKind kind);

inline constexpr uint64_t kNoOffset = UINT64_MAX;
inline constexpr uint32_t kNoFunction = UINT32_MAX;

/// An error with where it happened. `offset` is a byte offset into the module
/// (kNoOffset when not applicable); `function` the function index whose body
/// was being read (kNoFunction when none).
struct Error {
  ErrorKind kind = ErrorKind::Malformed;
  uint64_t offset = kNoOffset;
  std::string message;
  uint32_t function = kNoFunction;

  /// One line: "<message> (at byte 0x1f, function 3)".
  std::string describe() const;
};

inline Error makeError(ErrorKind kind, uint64_t offset, std::string message) {
  return Error{kind, offset, std::move(message), kNoFunction};
}

/// Our bug, not the user's: print and abort.
[[noreturn]] void fatal(const char* what);

template <class T>
class [[nodiscard]] Expected {
public:
  Expected(const T& value) : storage_(std::in_place_index<0>, value) {}
  Expected(T&& value) : storage_(std::in_place_index<0>, std::move(value)) {}
  template <class U>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Error> &&
             !std::is_same_v<std::decay_t<U>, Expected>)
  Expected(U&& value) : storage_(std::in_place_index<0>, T(std::forward<U>(value))) {}
  Expected(Error error) : storage_(std::in_place_index<1>, std::move(error)) {}

  explicit operator bool() const { return storage_.index() == 0; }
  bool hasValue() const { return storage_.index() == 0; }

  T& operator*() & { return std::get<0>(storage_); }
  const T& operator*() const& { return std::get<0>(storage_); }
  T&& operator*() && { return std::get<0>(std::move(storage_)); }
  T* operator->() { return &std::get<0>(storage_); }
  const T* operator->() const { return &std::get<0>(storage_); }

  Error& error() & { return std::get<1>(storage_); }
  const Error& error() const& { return std::get<1>(storage_); }
  Error&& error() && { return std::get<1>(std::move(storage_)); }

private:
  std::variant<T, Error> storage_;
};

template <>
class [[nodiscard]] Expected<void> {
public:
  Expected() = default;
  Expected(Error error) : error_(std::move(error)), failed_(true) {}

  explicit operator bool() const { return !failed_; }
  bool hasValue() const { return !failed_; }
  void operator*() const {}

  Error& error() & { return error_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

private:
  Error error_;
  bool failed_ = false;
};

} // namespace wasmc

/// Evaluates an Expected; on error returns the error from the enclosing function,
/// otherwise yields the value (a GNU statement expression; clang and gcc accept it).
#define WASMC_TRY(expr)                                                                            \
  ({                                                                                               \
    auto&& wasmcTry_ = (expr);                                                                     \
    if (!wasmcTry_)                                                                                \
      return std::move(wasmcTry_).error();                                                         \
    *std::move(wasmcTry_);                                                                         \
  })

#define WASMC_ASSERT(cond)                                                                         \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      ::wasmc::fatal("assertion failed: " #cond " at " __FILE__);                                  \
  } while (0)

#define WASMC_UNREACHABLE(msg) ::wasmc::fatal("unreachable: " msg " at " __FILE__)
