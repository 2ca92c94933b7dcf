#include "engine/FileIo.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wasmc::engine {

namespace {

Error ioError(const char* what, int err) {
  return makeError(ErrorKind::Io, kNoOffset, std::string(what) + ": " + std::strerror(err));
}

template <class Buffer>
Expected<Buffer> readRest(int fd) {
  struct stat info;
  if (::fstat(fd, &info) != 0)
    return ioError("cannot stat file", errno);
  if (S_ISDIR(info.st_mode))
    return ioError("cannot read file", EISDIR);
  // Straight into the buffer, sized from the file and grown if it grows
  // (a pipe or a file being written has no final size yet).
  Buffer buffer;
  size_t used = 0;
  buffer.resize(info.st_size > 0 ? static_cast<size_t>(info.st_size) : 65536);
  while (true) {
    // Full: the end is usually here, so look with a small read before
    // growing (doubling a 75 MB buffer to find nothing costs its pages).
    char probe[4096];
    const bool full = used == buffer.size();
    ssize_t got = full ? ::read(fd, probe, sizeof probe) : ::read(fd, buffer.data() + used, buffer.size() - used);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return ioError("cannot read file", errno);
    if (got == 0)
      break;
    if (full) {
      buffer.resize(buffer.size() * 2);
      std::memcpy(buffer.data() + used, probe, static_cast<size_t>(got));
    }
    used += static_cast<size_t>(got);
  }
  buffer.resize(used);
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
