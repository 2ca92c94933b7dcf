#pragma once
// Host directories no guest may see, even beneath a preopen that contains
// them: wasmc's own key and cache directories. A guest given `--dir ~`
// could otherwise read the per-user artifact key (and forge artifacts and
// cache entries under it), or move the key directory away and plant one
// with a key it knows (docs/TRUST-MODEL.md).
//
// Directories are recorded by device and inode when they are protected, so
// no name the guest can form (symlinks, "..", hard links of the parents)
// reaches them. Every path_* call checks its resolved path here.

#include "wasi/Errno.h"

#include <set>
#include <string>
#include <utility>

namespace wasmc::wasi {

/// What the path_* call is about to do with the last component.
enum class PathUse : uint8_t {
  /// Open, stat, create, remove, link or be a rename's target.
  Access,
  /// Be a rename's source: moving an ancestor of a protected directory
  /// would let the guest put its own directory where wasmc looks.
  Move,
};

class ProtectedDirectories {
public:
  /// Protects the directory at `hostPath` (and everything beneath it). A
  /// path that does not exist is ignored: there is nothing to protect yet.
  void add(const std::string& hostPath);
  bool empty() const { return protected_.empty(); }

  /// Acces when `name` in `dirFd` (a resolved path: its directory and one
  /// component, "." for the directory itself) is, or lies beneath, a
  /// protected directory, or, for Move, is an ancestor of one.
  Errno check(int dirFd, const std::string& name, PathUse use) const;

  /// Whether the directory `dirFd` is, or lies beneath, a protected one.
  bool contains(int dirFd) const;

private:
  using FileId = std::pair<uint64_t, uint64_t>; // st_dev, st_ino
  std::set<FileId> protected_;
  std::set<FileId> ancestors_; // of the protected directories, up to "/"
};

} // namespace wasmc::wasi
