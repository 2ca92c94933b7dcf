// WARNING: this file decides whether foreign bytes become executable code.
// Rules for changing it: every read of the file is bounds-checked against
// its size; nothing is dlopen'ed before checkArtifact (including the hash)
// has passed; a new header field is checked here in the same change.

#include "runtime/Artifact.h"

#include "compiler/wasm/Decoder.h"
#include "runtime/CpuFeatures.h"
#include "runtime/Hash.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <mutex>
#include <vector>

namespace wasmc::rt {

namespace {

Error artifactError(std::string message) { return makeError(ErrorKind::Artifact, kNoOffset, std::move(message)); }

Expected<std::vector<uint8_t>> readWholeFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return makeError(ErrorKind::Io, kNoOffset, "cannot open: " + std::string(std::strerror(errno)));
  std::vector<uint8_t> bytes;
  struct stat info;
  if (::fstat(fd, &info) == 0 && info.st_size > 0)
    bytes.reserve(static_cast<size_t>(info.st_size));
  uint8_t chunk[1 << 16];
  while (true) {
    ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      int saved = errno;
      ::close(fd);
      return makeError(ErrorKind::Io, kNoOffset, "cannot read: " + std::string(std::strerror(saved)));
    }
    if (got == 0)
      break;
    bytes.insert(bytes.end(), chunk, chunk + got);
  }
  ::close(fd);
  return bytes;
}

bool fits(std::span<const uint8_t> file, uint64_t offset, uint64_t size) {
  return offset <= file.size() && size <= file.size() - offset;
}

/// The header's fileHash field zeroed, the rest hashed.
uint64_t artifactHash(std::span<const uint8_t> file, size_t headerOffset) {
  std::vector<uint8_t> copy(file.begin(), file.end());
  std::memset(copy.data() + headerOffset + offsetof(abi::ArtifactHeader, fileHash), 0, sizeof(uint64_t));
  return hashBytes(copy);
}

std::string hexId(const uint8_t* id) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    out += digits[id[i] >> 4];
    out += digits[id[i] & 15];
  }
  return out;
}

int collectCode(dl_phdr_info* info, size_t, void* data) {
  auto* request = static_cast<std::pair<void*, std::vector<CodeBlock>>*>(data);
  // Find the object whose load segments contain the known code address.
  auto wanted = reinterpret_cast<uintptr_t>(request->first);
  std::vector<CodeBlock> exec;
  bool owns = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& phdr = info->dlpi_phdr[i];
    if (phdr.p_type != PT_LOAD)
      continue;
    uintptr_t start = info->dlpi_addr + phdr.p_vaddr;
    uintptr_t end = start + phdr.p_memsz;
    if (wanted >= start && wanted < end)
      owns = true;
    if (phdr.p_flags & PF_X)
      exec.emplace_back(start, end);
  }
  if (!owns)
    return 0;
  request->second = std::move(exec);
  return 1;
}

} // namespace

namespace {

/// The GNU build-id note of the running executable (the linker derives it
/// from the linked bytes), read from memory: no file I/O at start-up.
int findBuildIdNote(dl_phdr_info* info, size_t, void* data) {
  auto* out = static_cast<std::vector<uint8_t>*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& phdr = info->dlpi_phdr[i];
    if (phdr.p_type != PT_NOTE)
      continue;
    auto* at = reinterpret_cast<const uint8_t*>(info->dlpi_addr + phdr.p_vaddr);
    const uint8_t* end = at + phdr.p_memsz;
    while (at + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) note;
      std::memcpy(&note, at, sizeof note);
      const uint8_t* name = at + sizeof note;
      const uint8_t* desc = name + ((note.n_namesz + 3) & ~3u);
      if (desc + note.n_descsz > end)
        break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
        out->assign(desc, desc + note.n_descsz);
        return 1;
      }
      at = desc + ((note.n_descsz + 3) & ~3u);
    }
  }
  return 1; // only the first object (the executable) is of interest
}

} // namespace

const std::array<uint8_t, 32>& wasmcBuildId() {
  static std::array<uint8_t, 32> id{};
  static std::once_flag once;
  std::call_once(once, [] {
    std::vector<uint8_t> source;
    dl_iterate_phdr(&findBuildIdNote, &source);
    if (source.empty()) {
      // No build-id note: hash the executable itself (slower, same effect).
      auto exe = readWholeFile("/proc/self/exe");
      if (exe)
        source = std::move(*exe);
    }
    uint64_t seed = hashBytes(source, abi::kAbiVersion);
    for (int i = 0; i < 4; ++i) {
      uint64_t part = hashBytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&seed), 8), i + 1);
      std::memcpy(id.data() + 8 * i, &part, 8);
    }
  });
  return id;
}

bool looksLikeArtifact(std::span<const uint8_t> bytes) {
  return bytes.size() >= 4 && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

Expected<std::span<const uint8_t>> findElfSection(std::span<const uint8_t> file, const char* name) {
  if (file.size() < sizeof(Elf64_Ehdr) || !looksLikeArtifact(file))
    return artifactError("not a wasmc artifact (no ELF header)");
  Elf64_Ehdr header;
  std::memcpy(&header, file.data(), sizeof header);
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB)
    return artifactError("not a 64-bit little-endian ELF file");
#if defined(__x86_64__)
  if (header.e_machine != EM_X86_64)
    return artifactError("artifact was compiled for another architecture");
#endif
  if (header.e_shentsize != sizeof(Elf64_Shdr) ||
      !fits(file, header.e_shoff, uint64_t(header.e_shnum) * sizeof(Elf64_Shdr)) ||
      header.e_shstrndx >= header.e_shnum)
    return artifactError("corrupt ELF section table");
  auto section = [&](size_t index) {
    Elf64_Shdr out;
    std::memcpy(&out, file.data() + header.e_shoff + index * sizeof(Elf64_Shdr), sizeof out);
    return out;
  };
  Elf64_Shdr names = section(header.e_shstrndx);
  if (!fits(file, names.sh_offset, names.sh_size))
    return artifactError("corrupt ELF section names");
  const size_t wantedLength = std::strlen(name);
  for (size_t i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr candidate = section(i);
    if (candidate.sh_name >= names.sh_size || names.sh_size - candidate.sh_name <= wantedLength)
      continue;
    const char* candidateName = reinterpret_cast<const char*>(file.data() + names.sh_offset + candidate.sh_name);
    if (std::memcmp(candidateName, name, wantedLength + 1) != 0)
      continue;
    if (candidate.sh_type == SHT_NOBITS || !fits(file, candidate.sh_offset, candidate.sh_size))
      return artifactError("corrupt artifact section");
    return file.subspan(candidate.sh_offset, candidate.sh_size);
  }
  return artifactError(std::string("not a wasmc artifact (no ") + name + " section)");
}

Expected<const abi::ArtifactHeader*> checkArtifact(std::span<const uint8_t> file) {
  std::span<const uint8_t> section = WASMC_TRY(findElfSection(file, abi::kArtifactSection));
  if (section.size() < sizeof(abi::ArtifactHeader))
    return artifactError("truncated artifact header");
  // The section sits at an 8-byte aligned offset in the file we read into a
  // vector, so the header can be used in place.
  auto* header = reinterpret_cast<const abi::ArtifactHeader*>(section.data());
  if (reinterpret_cast<uintptr_t>(header) % alignof(abi::ArtifactHeader) != 0)
    return artifactError("misaligned artifact header");
  if (std::memcmp(header->magic, abi::kArtifactMagic, sizeof header->magic) != 0)
    return artifactError("not a wasmc artifact (bad magic)");
  if (header->formatVersion != abi::kArtifactFormatVersion || header->abiVersion != abi::kAbiVersion)
    return artifactError("artifact format " + std::to_string(header->formatVersion) + "/" +
                         std::to_string(header->abiVersion) + " is not this wasmc's (" +
                         std::to_string(abi::kArtifactFormatVersion) + "/" + std::to_string(abi::kAbiVersion) +
                         "); recompile it");
  if (std::memcmp(header->buildId, wasmcBuildId().data(), sizeof header->buildId) != 0)
    return artifactError("artifact was compiled by another wasmc build (" + hexId(header->buildId) +
                         ", this is " + hexId(wasmcBuildId().data()) + "); recompile it");
  uint64_t missing = header->requiredFeatures & ~hostCpuFeatures();
  if (missing) {
    std::string names;
    for (const abi::CpuFeatureName& feature : abi::kCpuFeatureNames)
      if (missing & feature.bit)
        names += std::string(names.empty() ? "" : ", ") + feature.llvmName;
    return artifactError("artifact needs CPU features this machine lacks: " + names +
                         "; recompile with --target-cpu=generic or for this CPU");
  }
  if (header->wasmSize > section.size() - sizeof(abi::ArtifactHeader))
    return artifactError("truncated artifact metadata");
  size_t headerOffset = static_cast<size_t>(section.data() - file.data());
  if (artifactHash(file, headerOffset) != header->fileHash)
    return artifactError("artifact is corrupt (hash mismatch)");
  return header;
}

Expected<void> sealArtifact(std::span<uint8_t> file) {
  std::span<const uint8_t> section = WASMC_TRY(findElfSection(file, abi::kArtifactSection));
  if (section.size() < sizeof(abi::ArtifactHeader))
    return artifactError("truncated artifact header");
  size_t headerOffset = static_cast<size_t>(section.data() - file.data());
  uint64_t hash = artifactHash(file, headerOffset);
  std::memcpy(file.data() + headerOffset + offsetof(abi::ArtifactHeader, fileHash), &hash, sizeof hash);
  return {};
}

Expected<std::shared_ptr<const CompiledModule>> loadArtifact(const std::string& path) {
  std::vector<uint8_t> file = WASMC_TRY(readWholeFile(path));
  const abi::ArtifactHeader* header = WASMC_TRY(checkArtifact(file));
  auto wasmBytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(header + 1), header->wasmSize);
  wasm::Module module = WASMC_TRY(wasm::decodeModule(wasmBytes));

  // A name without a slash would make the dynamic linker search the library
  // path instead of opening this file.
  std::string dlopenPath = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = ::dlopen(dlopenPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return artifactError(std::string("cannot load: ") + ::dlerror());
  std::shared_ptr<void> owner(handle, [](void* h) { ::dlclose(h); });
  CodeTables tables;
  tables.functions = static_cast<void* const*>(::dlsym(handle, abi::kFunctionsSymbol));
  tables.entries = static_cast<const abi::EntryTrampoline*>(::dlsym(handle, abi::kEntriesSymbol));
  tables.hostAdapters = static_cast<void* const*>(::dlsym(handle, abi::kHostAdaptersSymbol));
  tables.codeEnd = ::dlsym(handle, abi::kCodeEndSymbol);
  if (!tables.functions || !tables.entries || !tables.hostAdapters || !tables.codeEnd)
    return artifactError("artifact lacks its code tables");
  // Any address inside the object identifies it; the tables are.
  std::pair<void*, std::vector<CodeBlock>> request{const_cast<void*>(static_cast<const void*>(tables.entries)), {}};
  dl_iterate_phdr(&collectCode, &request);
  std::vector<FunctionRange> ranges = functionRanges(module, tables, request.second);
  return std::shared_ptr<const CompiledModule>(
      std::make_shared<CompiledModule>(std::move(module), tables, std::move(owner), std::move(ranges)));
}

} // namespace wasmc::rt
