#include "wasi/Fds.h"

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace wasmc::wasi {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0)
    ::close(fd_);
}

Filetype filetypeOf(const struct stat& info, int hostFd) {
  switch (info.st_mode & S_IFMT) {
  case S_IFREG: return Filetype::RegularFile;
  case S_IFDIR: return Filetype::Directory;
  case S_IFCHR: return Filetype::CharacterDevice;
  case S_IFBLK: return Filetype::BlockDevice;
  case S_IFLNK: return Filetype::SymbolicLink;
  case S_IFSOCK: {
    int kind = 0;
    socklen_t size = sizeof kind;
    if (hostFd >= 0 && ::getsockopt(hostFd, SOL_SOCKET, SO_TYPE, &kind, &size) == 0 &&
        kind == SOCK_DGRAM)
      return Filetype::SocketDgram;
    return Filetype::SocketStream;
  }
  default: return Filetype::Unknown; // FIFOs have no WASI type of their own
  }
}

std::pair<Rights, Rights> maxRights(Filetype type, bool isTty) {
  switch (type) {
  case Filetype::Directory: return {right::Directory, right::DirectoryInheriting};
  case Filetype::RegularFile: return {right::RegularFile, 0};
  case Filetype::BlockDevice: return {right::RegularFile, 0};
  case Filetype::CharacterDevice: return {isTty ? right::Tty : right::Stream, 0};
  case Filetype::SocketStream:
  case Filetype::SocketDgram: return {right::Socket, 0};
  default: return {right::Stream, 0};
  }
}

ErrnoOr<FdEntry> describeHostFd(UniqueFd owned, int hostFd) {
  struct stat info;
  if (::fstat(hostFd, &info) != 0)
    return errnoFromHost(errno);
  FdEntry entry;
  entry.owned = std::move(owned);
  entry.hostFd = hostFd;
  entry.type = filetypeOf(info, hostFd);
  bool tty = entry.type == Filetype::CharacterDevice && ::isatty(hostFd);
  auto [base, inheriting] = maxRights(entry.type, tty);
  entry.base = base;
  entry.inheriting = inheriting;
  return entry;
}

ErrnoOr<FdEntry*> FdTable::get(uint32_t fd) {
  settle(fd);
  if (fd >= entries_.size() || !entries_[fd])
    return Errno::Badf;
  return entries_[fd].get();
}

ErrnoOr<FdEntry*> FdTable::get(uint32_t fd, Rights needBase, Rights needInheriting) {
  FdEntry* entry = WASMC_WASI_TRY(get(fd));
  WASMC_WASI_CHECK(entry->require(needBase, needInheriting));
  return entry;
}

ErrnoOr<uint32_t> FdTable::insert(FdEntry entry) {
  settleAll(); // a free number is one the host's stdio does not hold either
  for (uint32_t fd = 0; fd < entries_.size(); ++fd) {
    if (!entries_[fd]) {
      entries_[fd] = std::make_unique<FdEntry>(std::move(entry));
      return fd;
    }
  }
  if (entries_.size() >= kMaxFds)
    return Errno::Mfile;
  entries_.push_back(std::make_unique<FdEntry>(std::move(entry)));
  return static_cast<uint32_t>(entries_.size() - 1);
}

void FdTable::insertAt(uint32_t fd, FdEntry entry) {
  if (fd < 3)
    inherited_ &= ~(1u << fd);
  if (fd >= entries_.size())
    entries_.resize(fd + 1);
  entries_[fd] = std::make_unique<FdEntry>(std::move(entry));
}

void FdTable::insertInherited(uint32_t fd) {
  if (fd >= entries_.size() || !entries_[fd])
    inherited_ |= 1u << fd;
}

void FdTable::describeInherited(uint32_t fd) {
  inherited_ &= ~(1u << fd);
  if (ErrnoOr<FdEntry> entry = describeHostFd(UniqueFd(), static_cast<int>(fd)))
    insertAt(fd, std::move(*entry));
}

Errno FdTable::close(uint32_t fd) {
  settle(fd);
  if (fd >= entries_.size() || !entries_[fd])
    return Errno::Badf;
  entries_[fd].reset();
  trim();
  return Errno::Success;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  settle(from);
  settle(to);
  if (from >= entries_.size() || !entries_[from] || to >= entries_.size() || !entries_[to])
    return Errno::Badf;
  if (from == to)
    return Errno::Success;
  entries_[to] = std::move(entries_[from]); // destroys (closes) what `to` held
  trim();
  return Errno::Success;
}

void FdTable::trim() {
  while (!entries_.empty() && !entries_.back())
    entries_.pop_back();
}

} // namespace wasmc::wasi
