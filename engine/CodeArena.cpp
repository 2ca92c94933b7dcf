#include "engine/CodeArena.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

namespace wasmc::engine {

Expected<std::unique_ptr<CodeArena>> CodeArena::create(size_t capacity) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  capacity = (capacity + page - 1) & ~(page - 1);
  std::unique_ptr<CodeArena> arena(new CodeArena());
  auto failed = [](const char* what) {
    return makeError(ErrorKind::Io, kNoOffset, std::string("code memory: ") + what + ": " + std::strerror(errno));
  };
  arena->fd_ = memfd_create("wasmc-code", MFD_CLOEXEC);
  if (arena->fd_ < 0)
    return failed("memfd_create");
  // Sparse: pages are allocated as code is written.
  if (ftruncate(arena->fd_, static_cast<off_t>(capacity)) != 0)
    return failed("ftruncate");
  void* writable = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, arena->fd_, 0);
  if (writable == MAP_FAILED)
    return failed("mmap");
  arena->writable_ = static_cast<uint8_t*>(writable);
  arena->capacity_ = capacity;
  void* executable = mmap(nullptr, capacity, PROT_READ | PROT_EXEC, MAP_SHARED | MAP_NORESERVE, arena->fd_, 0);
  if (executable == MAP_FAILED)
    return failed("mmap");
  arena->executable_ = static_cast<const uint8_t*>(executable);
  return arena;
}

CodeArena::~CodeArena() {
  if (executable_)
    munmap(const_cast<uint8_t*>(executable_), capacity_);
  if (writable_)
    munmap(writable_, capacity_);
  if (fd_ >= 0)
    close(fd_);
}

void CodeArena::populate(size_t end) {
  // Written a page at a time, the arena took a page fault per 4 KiB (about
  // 10 us each on this VM; compiling all of clang.wasm writes 165 MB).
  // MADV_POPULATE_WRITE backs a whole chunk in one call; where the kernel
  // lacks it, the pages fault in as before.
  constexpr size_t kChunk = 1u << 20;
  while (populated_ < end && populated_ < capacity_) {
    size_t chunk = std::min(kChunk, capacity_ - populated_);
    madvise(writable_ + populated_, chunk, MADV_POPULATE_WRITE);
    populated_ += chunk;
  }
}

const uint8_t* CodeArena::add(std::span<const uint8_t> code) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (code.size() > capacity_ - used_)
    return nullptr;
  populate(used_ + code.size());
  std::memcpy(writable_ + used_, code.data(), code.size());
  const uint8_t* start = executable_ + used_;
  used_ += (code.size() + 15) & ~size_t(15);
  if (used_ > capacity_)
    used_ = capacity_;
  return start;
}

size_t CodeArena::used() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return used_;
}

} // namespace wasmc::engine
