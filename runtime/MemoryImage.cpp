#include "runtime/MemoryImage.h"

#include "runtime/Memory.h"
#include "runtime/WriteAll.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

namespace wasmc::rt {
namespace {

constexpr size_t kImagePage = 4096;

std::atomic<bool> imagesEnabled{true};
std::atomic<bool> imageFromFirstInstance{false};

} // namespace

std::unique_ptr<MemoryImage> MemoryImage::of(const wasm::Module& module) {
  if (module.memories.size() <= module.numImportedMemories)
    return nullptr;
  const uint64_t memoryBytes = uint64_t(module.memories[module.numImportedMemories].limits.min) * kWasmPageSize;
  uint64_t end = 0;
  bool any = false;
  for (const wasm::DataSegment& segment : module.datas) {
    if (segment.mode != wasm::SegmentMode::Active)
      continue;
    if (segment.offset.kind != wasm::ConstExpr::Kind::I32 || !segment.offset.isSingle())
      return nullptr; // an offset known only at instantiation (global.get, arithmetic)
    const uint64_t segmentEnd = uint64_t(segment.offset.i32()) + segment.bytes.size;
    if (segmentEnd > memoryBytes)
      return nullptr;
    end = std::max(end, segmentEnd);
    any = true;
  }
  if (!any || end == 0)
    return nullptr;
  const size_t bytes = (end + kImagePage - 1) / kImagePage * kImagePage;
  int fd = ::memfd_create("wasmc-memory-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return nullptr;
  // Each segment written where it goes, in module order as instantiation
  // would: a later one overwrites an earlier one where they overlap.
  // Pages no segment touches stay holes, which read as zeros.
  bool written = ::ftruncate(fd, static_cast<off_t>(bytes)) == 0;
  for (const wasm::DataSegment& segment : module.datas)
    if (written && segment.mode == wasm::SegmentMode::Active && segment.bytes.size != 0)
      written = writeAllAt(fd, module.slice(segment.bytes), segment.offset.i32());
  // Sealed: nothing, not even a bug of ours, can change it under the
  // instances mapping it (private mappings stay writable, copy-on-write).
  if (!written || ::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    ::close(fd);
    return nullptr;
  }
  void* contents = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
  if (contents == MAP_FAILED) {
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<MemoryImage>(new MemoryImage(fd, bytes, static_cast<const uint8_t*>(contents)));
}

MemoryImage::~MemoryImage() {
  ::munmap(const_cast<uint8_t*>(contents_), bytes_);
  ::close(fd_);
}

void setMemoryImagesEnabled(bool enabled) { imagesEnabled.store(enabled); }
bool memoryImagesEnabled() { return imagesEnabled.load(); }
void setMemoryImageFromFirstInstance(bool enabled) { imageFromFirstInstance.store(enabled); }
bool memoryImageFromFirstInstance() { return imageFromFirstInstance.load(); }

} // namespace wasmc::rt
