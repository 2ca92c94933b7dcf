#include "engine/FileIo.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wasmc::engine {

namespace {

Error ioError(const char* what, int err) {
  return makeError(ErrorKind::Io, kNoOffset, std::string(what) + ": " + std::strerror(err));
}

/// Big buffers are filled page by page, and on this VM a page fault costs
/// about 10 us: clang.wasm's 75 MB took 18,000 of them (0.2 s). Where the
/// kernel gives transparent huge pages on request, 2 MiB pages take 40.
void adviseHugePages(void* data, size_t bytes) {
  constexpr size_t kHuge = 2u << 20;
  if (bytes < 2 * kHuge)
    return;
  auto begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~uintptr_t(kHuge - 1);
  auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~uintptr_t(kHuge - 1);
  if (end > begin)
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE); // a hint: failure changes nothing
}

template <class Buffer>
Expected<Buffer> readRest(int fd) {
  struct stat info;
  if (::fstat(fd, &info) != 0)
    return ioError("cannot stat file", errno);
  if (S_ISDIR(info.st_mode))
    return ioError("cannot read file", EISDIR);
  Buffer buffer;
  if (info.st_size > 0) {
    buffer.reserve(static_cast<size_t>(info.st_size));
    adviseHugePages(buffer.data(), buffer.capacity());
  }
  char chunk[65536];
  while (true) {
    ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return ioError("cannot read file", errno);
    if (got == 0)
      break;
    buffer.insert(buffer.end(), chunk, chunk + got);
  }
  return buffer;
}

template <class Buffer>
Expected<Buffer> readWhole(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ioError("cannot open file", errno);
  Expected<Buffer> buffer = readRest<Buffer>(fd);
  ::close(fd);
  return buffer;
}

} // namespace

Expected<std::vector<uint8_t>> readFileBytes(const std::string& path) {
  return readWhole<std::vector<uint8_t>>(path);
}

Expected<std::vector<uint8_t>> readFdBytes(int fd) {
  return readRest<std::vector<uint8_t>>(fd);
}

Expected<std::string> readFileText(const std::string& path) {
  return readWhole<std::string>(path);
}

} // namespace wasmc::engine
