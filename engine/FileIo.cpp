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
  Buffer buffer;
  if (info.st_size > 0)
    buffer.reserve(static_cast<size_t>(info.st_size));
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
