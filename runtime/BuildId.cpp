// Build-id notes, from the running executable's program headers in memory
// and from ELF files on disk. Every read of a file is bounds-checked.

#include "runtime/BuildId.h"

#include "runtime/Abi.h"
#include "runtime/Sha256.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace wasmc::rt {

namespace {

/// The NT_GNU_BUILD_ID descriptor among the notes in [at, end), or empty.
std::vector<uint8_t> findNote(const uint8_t* at, const uint8_t* end) {
  while (end - at >= static_cast<ptrdiff_t>(sizeof(ElfW(Nhdr)))) {
    ElfW(Nhdr) note;
    std::memcpy(&note, at, sizeof note);
    uint64_t nameSize = (uint64_t(note.n_namesz) + 3) & ~uint64_t(3);
    uint64_t descSize = (uint64_t(note.n_descsz) + 3) & ~uint64_t(3);
    const uint8_t* name = at + sizeof note;
    if (nameSize > uint64_t(end - name) || descSize > uint64_t(end - name) - nameSize)
      break;
    const uint8_t* desc = name + nameSize;
    if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0)
      return std::vector<uint8_t>(desc, desc + note.n_descsz);
    at = desc + descSize;
  }
  return {};
}

/// What findOwnNote looks for: the object whose code holds `address`.
struct OwnNoteSearch {
  uintptr_t address;
  std::vector<uint8_t> note;
};

bool containsAddress(const dl_phdr_info* info, uintptr_t address) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& phdr = info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + phdr.p_vaddr;
    if (phdr.p_type == PT_LOAD && address >= start && address - start < phdr.p_memsz)
      return true;
  }
  return false;
}

/// The build id of the object wasmc's runtime is part of: the wasmc
/// executable, or libwasmc.so inside an embedder's process.
int findOwnNote(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<OwnNoteSearch*>(data);
  if (!containsAddress(info, search->address))
    return 0;
  for (int i = 0; i < info->dlpi_phnum && search->note.empty(); ++i) {
    const ElfW(Phdr)& phdr = info->dlpi_phdr[i];
    if (phdr.p_type != PT_NOTE)
      continue;
    auto* at = reinterpret_cast<const uint8_t*>(info->dlpi_addr + phdr.p_vaddr);
    search->note = findNote(at, at + phdr.p_memsz);
  }
  return 1;
}

bool readExactly(int fd, void* out, size_t size, uint64_t offset) {
  auto* bytes = static_cast<uint8_t*>(out);
  while (size > 0) {
    ssize_t got = ::pread(fd, bytes, size, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return false;
    bytes += got;
    size -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

Expected<std::vector<uint8_t>> readWhole(const char* path) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return makeError(ErrorKind::Io, kNoOffset, std::string("cannot open: ") + std::strerror(errno));
  struct stat info;
  std::vector<uint8_t> bytes;
  if (::fstat(fd, &info) == 0 && info.st_size > 0) {
    bytes.resize(static_cast<size_t>(info.st_size));
    if (!readExactly(fd, bytes.data(), bytes.size(), 0))
      bytes.clear();
  }
  ::close(fd);
  return bytes;
}

Error noteError(const std::string& path, const char* what) {
  return makeError(ErrorKind::Artifact, kNoOffset, path + ": " + what);
}

} // namespace

const std::array<uint8_t, 32>& wasmcBuildId() {
  static std::array<uint8_t, 32> id{};
  static std::once_flag once;
  std::call_once(once, [] {
    OwnNoteSearch search{reinterpret_cast<uintptr_t>(&wasmcBuildId), {}};
    dl_iterate_phdr(&findOwnNote, &search);
    std::vector<uint8_t> source = std::move(search.note);
    if (source.empty()) {
      // No build-id note: hash the executable itself (slower, same effect).
      auto exe = readWhole("/proc/self/exe");
      if (exe)
        source = std::move(*exe);
    }
    uint32_t abiVersion = abi::kAbiVersion;
    id = Sha256().update("wasmc build id", 14).update(&abiVersion, 4).update(source).finish();
  });
  return id;
}

Expected<std::vector<uint8_t>> fileBuildId(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return makeError(ErrorKind::Io, kNoOffset, path + ": cannot open: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  Elf64_Ehdr header;
  if (!readExactly(fd, &header, sizeof header, 0) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64)
    return noteError(path, "not a 64-bit ELF file");
  if (header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum > 256)
    return noteError(path, "corrupt ELF program headers");
  std::vector<Elf64_Phdr> phdrs(header.e_phnum);
  if (!readExactly(fd, phdrs.data(), phdrs.size() * sizeof(Elf64_Phdr), header.e_phoff))
    return noteError(path, "corrupt ELF program headers");
  for (const Elf64_Phdr& phdr : phdrs) {
    if (phdr.p_type != PT_NOTE || phdr.p_filesz > 65536)
      continue;
    std::vector<uint8_t> notes(phdr.p_filesz);
    if (!readExactly(fd, notes.data(), notes.size(), phdr.p_offset))
      return noteError(path, "corrupt ELF notes");
    std::vector<uint8_t> id = findNote(notes.data(), notes.data() + notes.size());
    if (!id.empty())
      return id;
  }
  return noteError(path, "no GNU build-id note");
}

} // namespace wasmc::rt
