#pragma once
// A module's initial linear memory as a sealed memfd (issue 18): its
// active data segments applied once, when the module is first
// instantiated, then mapped copy-on-write into each instance's memory
// instead of copied. An instance reads the image's pages without a copy
// and gets a private copy of a page when it first writes it (MAP_PRIVATE:
// no instance sees another's writes, and none can change the image).

#include "compiler/wasm/Module.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace wasmc::rt {

class MemoryImage {
public:
  /// The image of `module`'s active data segments, or null when they
  /// cannot be imaged and instantiation copies them as before: the memory
  /// is imported (its contents are the exporter's), a segment's offset is
  /// not a constant (global.get), a segment ends past the memory's minimum
  /// size (instantiation must trap there, after the segments before it),
  /// there are none, or the system refuses a memfd.
  static std::unique_ptr<MemoryImage> of(const wasm::Module& module);
  ~MemoryImage();
  MemoryImage(const MemoryImage&) = delete;
  MemoryImage& operator=(const MemoryImage&) = delete;

  /// Whole pages, from the memory's start: every segment lies inside.
  size_t bytes() const { return bytes_; }
  int fd() const { return fd_; }
  /// The image's bytes, read-only (a shared mapping of the memfd): what a
  /// pooled memory's written image pages are restored from.
  const uint8_t* contents() const { return contents_; }

private:
  MemoryImage(int fd, size_t bytes, const uint8_t* contents) : fd_(fd), bytes_(bytes), contents_(contents) {}
  int fd_;
  size_t bytes_;
  const uint8_t* contents_;
};

/// Images are on by default; off, every instantiation copies its data
/// segments (for tests that compare the two, and measurements).
/// Process-wide; modules that made their image keep it.
void setMemoryImagesEnabled(bool enabled);
bool memoryImagesEnabled();
/// A module's first instance maps the image too, instead of copying (the
/// differential fuzzer's `images` configuration, which instantiates each
/// module once). Process-wide; default off.
void setMemoryImageFromFirstInstance(bool enabled);
bool memoryImageFromFirstInstance();

} // namespace wasmc::rt
