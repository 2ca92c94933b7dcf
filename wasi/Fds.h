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
  /// Drops the entry (closing the host fd if owned). Badf if not open.
  Errno close(uint32_t fd);
  /// fd_renumber: moves `from` over `to`, closing what `to` held. Both must be open.
  Errno renumber(uint32_t from, uint32_t to);

private:
  void trim(); // drops empty slots at the end

  std::vector<std::unique_ptr<FdEntry>> entries_;
};

} // namespace wasmc::wasi
