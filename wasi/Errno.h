#pragma once
// WASI preview1 errno values, the mapping from host errno, and ErrnoOr<T>,
// the value-or-errno result every host function is built from.

#include <cstdint>
#include <optional>
#include <utility>

namespace wasmc::wasi {

/// wasi_snapshot_preview1 `errno`, with the spec's numbering.
enum class Errno : uint16_t {
  Success = 0,
  TooBig = 1,
  Acces = 2,
  AddrInUse = 3,
  AddrNotAvail = 4,
  AfNoSupport = 5,
  Again = 6,
  Already = 7,
  Badf = 8,
  BadMsg = 9,
  Busy = 10,
  Canceled = 11,
  Child = 12,
  ConnAborted = 13,
  ConnRefused = 14,
  ConnReset = 15,
  Deadlk = 16,
  DestAddrReq = 17,
  Dom = 18,
  Dquot = 19,
  Exist = 20,
  Fault = 21,
  Fbig = 22,
  HostUnreach = 23,
  Idrm = 24,
  Ilseq = 25,
  InProgress = 26,
  Intr = 27,
  Inval = 28,
  Io = 29,
  IsConn = 30,
  IsDir = 31,
  Loop = 32,
  Mfile = 33,
  Mlink = 34,
  MsgSize = 35,
  Multihop = 36,
  NameTooLong = 37,
  NetDown = 38,
  NetReset = 39,
  NetUnreach = 40,
  Nfile = 41,
  NoBufs = 42,
  NoDev = 43,
  NoEnt = 44,
  NoExec = 45,
  NoLck = 46,
  NoLink = 47,
  NoMem = 48,
  NoMsg = 49,
  NoProtoOpt = 50,
  NoSpc = 51,
  NoSys = 52,
  NotConn = 53,
  NotDir = 54,
  NotEmpty = 55,
  NotRecoverable = 56,
  NotSock = 57,
  NotSup = 58,
  NoTty = 59,
  Nxio = 60,
  Overflow = 61,
  OwnerDead = 62,
  Perm = 63,
  Pipe = 64,
  Proto = 65,
  ProtoNoSupport = 66,
  ProtoType = 67,
  Range = 68,
  Rofs = 69,
  Spipe = 70,
  Srch = 71,
  Stale = 72,
  TimedOut = 73,
  TxtBsy = 74,
  Xdev = 75,
  NotCapable = 76,
};

/// The WASI errno for a host (Linux) errno; unknown values map to Io.
Errno errnoFromHost(int hostErrno);

/// A value, or the errno that prevented it. Never holds Errno::Success as an error.
template <class T> class [[nodiscard]] ErrnoOr {
public:
  ErrnoOr(T value) : value_(std::move(value)) {}
  ErrnoOr(Errno error) : error_(error) {}

  explicit operator bool() const { return error_ == Errno::Success; }
  Errno error() const { return error_; }

  T& operator*() & { return *value_; }
  T&& operator*() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

private:
  std::optional<T> value_;
  Errno error_ = Errno::Success;
};

} // namespace wasmc::wasi

/// Evaluates an ErrnoOr; on error returns its errno from the enclosing
/// function, otherwise yields the value (a GNU statement expression).
#define WASMC_WASI_TRY(expr)                                                                       \
  ({                                                                                               \
    auto&& wasiTry_ = (expr);                                                                      \
    if (!wasiTry_)                                                                                 \
      return wasiTry_.error();                                                                     \
    *std::move(wasiTry_);                                                                          \
  })

/// Evaluates an expression yielding Errno; returns it unless it is Success.
#define WASMC_WASI_CHECK(expr)                                                                     \
  do {                                                                                             \
    ::wasmc::wasi::Errno wasiCheck_ = (expr);                                                      \
    if (wasiCheck_ != ::wasmc::wasi::Errno::Success)                                               \
      return wasiCheck_;                                                                           \
  } while (0)
