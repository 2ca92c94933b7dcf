#pragma once
// The guest's file descriptor table: each WASI fd maps to a host fd with its
// WASI file type and rights. Per WasiCtx, never global.

#include "wasi/Errno.h"
#include "wasi/WasiTypes.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace wasmc::wasi {

/// Owns one host file descriptor; closes it on destruction.
class UniqueFd {
public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

private:
  int fd_ = -1;
};

struct FdEntry {
  UniqueFd owned; // empty for borrowed host fds (inherited stdio)
  int hostFd = -1;
  Filetype type = Filetype::Unknown;
  Rights base = 0;
  Rights inheriting = 0;
  std::optional<std::string> preopenName; // set for preopened directories

  /// NotCapable unless every right in `needBase` / `needInheriting` is held.
  Errno require(Rights needBase, Rights needInheriting = 0) const {
    if ((base & needBase) != needBase || (inheriting & needInheriting) != needInheriting)
      return Errno::NotCapable;
    return Errno::Success;
  }
  bool isDirectory() const { return type == Filetype::Directory; }
  bool isSocket() const { return type == Filetype::SocketStream || type == Filetype::SocketDgram; }
};

/// The WASI file type of a host stat (and for sockets, of the socket's kind).
Filetype filetypeOf(const struct stat& info, int hostFd);

/// The most rights a descriptor of this kind can hold: {base, inheriting}.
std::pair<Rights, Rights> maxRights(Filetype type, bool isTty);

/// An entry describing `fd` (owned or borrowed), typed with fstat and given
/// the maximum rights for its type.
ErrnoOr<FdEntry> describeHostFd(UniqueFd owned, int hostFd);

class FdTable {
public:
  /// Guest fd numbers stay below this; beyond it path_open says EMFILE.
  static constexpr uint32_t kMaxFds = 1u << 20;

  /// The entry for guest fd `fd`, or Badf. Valid until the table changes.
  ErrnoOr<FdEntry*> get(uint32_t fd);
  /// get() plus a rights check (NotCapable).
  ErrnoOr<FdEntry*> get(uint32_t fd, Rights needBase, Rights needInheriting = 0);

  /// Places `entry` at the lowest free number (POSIX style). Mfile when full.
  ErrnoOr<uint32_t> insert(FdEntry entry);
  /// Places `entry` at exactly `fd` (stdio, preopens), replacing any entry there.
  void insertAt(uint32_t fd, FdEntry entry);
  /// Gives the guest the host's own `fd` (0, 1 or 2: inherited stdio,
  /// borrowed) as its `fd`, described (fstat) only when first used: a
  /// context whose guest never touches it makes no system call for it. If
  /// the host's fd is closed by then, the guest's is closed too; borrowed
  /// stdio is a host fd number, so it is whatever the host holds as that
  /// number then (as after the first use, when the host could replace it).
  void insertInherited(uint32_t fd);
  /// Drops the entry (closing the host fd if owned). Badf if not open.
  Errno close(uint32_t fd);
  /// fd_renumber: moves `from` over `to`, closing what `to` held. Both must be open.
  Errno renumber(uint32_t from, uint32_t to);

private:
  void trim(); // drops empty slots at the end
  /// Describes `fd` if it is an inherited one not yet described (an entry
  /// then, or closed if the host's fd is).
  void settle(uint32_t fd) {
    if (fd < 3 && (inherited_ >> fd & 1))
      describeInherited(fd);
  }
  void settleAll() {
    for (uint32_t fd = 0; inherited_ && fd < 3; ++fd)
      settle(fd);
  }
  void describeInherited(uint32_t fd);

  uint8_t inherited_ = 0; // bit fd: guest fd `fd` is the host's, not yet described

  std::vector<std::unique_ptr<FdEntry>> entries_;
};

} // namespace wasmc::wasi
