// WARNING: this file decides whether foreign bytes become executable code.
// Rules for changing it: every read of the file is bounds-checked against
// its size; the bytes checked are the bytes mapped (a sealed memfd, never a
// second open by path) and the wasm bytes decoded (the module's own copy);
// nothing is dlopen'ed before checkArtifact (digest and MAC included) has
// passed; a new header field is checked here in the same change. The trust
// model is docs/TRUST-MODEL.md.

#include "runtime/Artifact.h"

#include "compiler/wasm/Decoder.h"
#include "runtime/CpuFeatures.h"
#include "runtime/Blake3.h"
#include "runtime/Sha256.h"
#include "runtime/WriteAll.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U // Linux 6.3: executable even where vm.memfd_noexec is set
#endif

namespace wasmc::rt {

namespace {

Error artifactError(std::string message) { return makeError(ErrorKind::Artifact, kNoOffset, std::move(message)); }

bool fits(std::span<const uint8_t> file, uint64_t offset, uint64_t size) {
  return offset <= file.size() && size <= file.size() - offset;
}

abi::ArtifactTrailer trailerFor(size_t wasmSize) {
  abi::ArtifactTrailer trailer{};
  trailer.wasmSize = wasmSize;
  std::memcpy(trailer.magic, abi::kArtifactTrailerMagic, sizeof trailer.magic);
  return trailer;
}

/// The BLAKE3 of the file (the ELF image, the wasm bytes, the trailer) with
/// the header's digest and mac zeroed, read in place (no copy).
Digest artifactDigest(std::span<const uint8_t> image, size_t headerOffset, std::span<const uint8_t> wasm) {
  size_t zeroed = headerOffset + offsetof(abi::ArtifactHeader, digest);
  constexpr size_t kZeroedSize = sizeof(abi::ArtifactHeader::digest) + sizeof(abi::ArtifactHeader::mac);
  abi::ArtifactTrailer trailer = trailerFor(wasm.size());
  return Blake3()
      .update(image.first(zeroed))
      .updateZeros(kZeroedSize)
      .update(image.subspan(zeroed + kZeroedSize))
      .update(wasm)
      .update(&trailer, sizeof trailer)
      .finish();
}

/// The MAC of an artifact with `digest` under `key`.
Digest artifactMac(const ArtifactKey& key, const Digest& digest) {
  static constexpr char kDomain[] = "wasmc artifact mac v3"; // with its NUL
  uint8_t message[sizeof kDomain + 32];
  std::memcpy(message, kDomain, sizeof kDomain);
  std::memcpy(message + sizeof kDomain, digest.data(), digest.size());
  return hmacSha256(key.bytes, message);
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

/// Every loadable segment of the ELF image lies inside it: the wasm bytes
/// after it are not in the memory file the dynamic linker maps.
bool segmentsInside(std::span<const uint8_t> image) {
  Elf64_Ehdr header;
  std::memcpy(&header, image.data(), sizeof header);
  if (header.e_phentsize != sizeof(Elf64_Phdr) ||
      !fits(image, header.e_phoff, uint64_t(header.e_phnum) * sizeof(Elf64_Phdr)))
    return false;
  for (size_t i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, image.data() + header.e_phoff + i * sizeof(Elf64_Phdr), sizeof segment);
    if (segment.p_type == PT_LOAD && !fits(image, segment.p_offset, segment.p_filesz))
      return false;
  }
  return true;
}

Expected<const abi::ArtifactHeader*> checkArtifact(std::span<const uint8_t> image, std::span<const uint8_t> wasm,
                                                   const ArtifactPolicy& policy) {
  std::span<const uint8_t> section = WASMC_TRY(findElfSection(image, abi::kArtifactSection));
  if (section.size() < sizeof(abi::ArtifactHeader))
    return artifactError("truncated artifact header");
  // The section sits at a 16-byte aligned offset of the file, which is
  // page-aligned in memory, so the header can be used in place.
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
  if (std::memcmp(header->buildId, policy.compilerId.data(), sizeof header->buildId) != 0)
    return artifactError("artifact was compiled by another wasmc build (" + hexId(header->buildId) +
                         ", this is " + hexId(policy.compilerId.data()) + "); recompile it");
  uint64_t missing = header->requiredFeatures & ~hostCpuFeatures();
  if (missing) {
    std::string names;
    for (const abi::CpuFeatureName& feature : abi::kCpuFeatureNames)
      if (missing & feature.bit)
        names += std::string(names.empty() ? "" : ", ") + feature.llvmName;
    return artifactError("artifact needs CPU features this machine lacks: " + names +
                         "; recompile with --target-cpu=generic or for this CPU");
  }
  if (header->wasmOffset != image.size() || header->wasmSize != wasm.size())
    return artifactError("truncated artifact metadata");
  if (!segmentsInside(image))
    return artifactError("corrupt ELF program headers");
  size_t headerOffset = static_cast<size_t>(section.data() - image.data());
  Digest digest = artifactDigest(image, headerOffset, wasm);
  if (!digestsEqual(digest, header->digest))
    return artifactError("artifact is corrupt (digest mismatch)");
  bool authentic = policy.key && digestsEqual(artifactMac(*policy.key, digest), header->mac);
  if (!authentic && !policy.allowPrecompiled) {
    std::string keyName = policy.key ? policy.key->path : userKeyPath().value_or("");
    return artifactError(
        "precompiled code not authenticated with your artifact key" +
        (keyName.empty() ? std::string() : " (" + keyName + (policy.key ? ")" : ", which does not exist yet)")) +
        ": it was compiled by another user or machine, or modified since; run it only if you trust "
        "where it came from, with --allow-precompiled");
  }
  return header;
}

Expected<void> sealArtifact(std::vector<uint8_t>& file, std::span<const uint8_t> wasm, const ArtifactKey& key) {
  std::span<const uint8_t> section = WASMC_TRY(findElfSection(file, abi::kArtifactSection));
  if (section.size() < sizeof(abi::ArtifactHeader))
    return artifactError("truncated artifact header");
  size_t headerOffset = static_cast<size_t>(section.data() - file.data());
  abi::ArtifactHeader header;
  std::memcpy(&header, section.data(), sizeof header);
  if (header.wasmSize != wasm.size() || header.wasmOffset != 0)
    return artifactError("the artifact was not compiled from these wasm bytes");
  header.wasmOffset = file.size();
  file.insert(file.end(), wasm.begin(), wasm.end());
  abi::ArtifactTrailer trailer = trailerFor(wasm.size());
  const auto* trailerBytes = reinterpret_cast<const uint8_t*>(&trailer);
  file.insert(file.end(), trailerBytes, trailerBytes + sizeof trailer);
  std::memcpy(file.data() + headerOffset, &header, sizeof header);
  std::span<const uint8_t> image(file.data(), header.wasmOffset);
  Digest digest = artifactDigest(image, headerOffset, std::span<const uint8_t>(file).subspan(image.size(), wasm.size()));
  Digest mac = artifactMac(key, digest);
  std::memcpy(file.data() + headerOffset + offsetof(abi::ArtifactHeader, digest), digest.data(), digest.size());
  std::memcpy(file.data() + headerOffset + offsetof(abi::ArtifactHeader, mac), mac.data(), mac.size());
  return {};
}

namespace {

Error ioError(const char* what, int err) {
  return makeError(ErrorKind::Io, kNoOffset, std::string(what) + ": " + std::strerror(err));
}

/// An open file descriptor, closed on destruction unless released.
struct FdOwner {
  int fd = -1;
  ~FdOwner() {
    if (fd >= 0)
      ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

/// A memory file that may be executed and sealed.
Expected<int> createMemfd() {
  int fd = ::memfd_create("wasmc-artifact", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno == EINVAL) // a kernel before 6.3 does not know MFD_EXEC
    fd = ::memfd_create("wasmc-artifact", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return ioError("cannot create a memory file for the artifact", errno);
  return fd;
}

/// Reads exactly `size` bytes at `offset` of `fd`. False on an error (errno
/// says which) or a file shorter than that (errno 0: cut while read).
bool readAllAt(int fd, uint8_t* into, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t got = ::pread(fd, into, size, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0) {
      if (got == 0)
        errno = 0;
      return false;
    }
    into += got;
    size -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

/// Copies `size` bytes at `offset` of `from` to the file position of `to`:
/// in the kernel with sendfile, else through a buffer.
bool copyRange(int from, uint64_t offset, size_t size, int to) {
  off_t at = static_cast<off_t>(offset);
  while (size > 0) {
    ssize_t sent = ::sendfile(to, from, &at, size);
    if (sent > 0) {
      size -= static_cast<size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR)
      continue;
    if (sent == 0 || (errno != EINVAL && errno != ENOSYS)) {
      if (sent == 0)
        errno = 0;
      return false;
    }
    break; // no sendfile between these files
  }
  uint8_t chunk[1 << 16];
  while (size > 0) {
    size_t take = std::min(size, sizeof chunk);
    if (!readAllAt(from, chunk, take, static_cast<uint64_t>(at)) ||
        !writeAll(to, std::span<const uint8_t>(chunk, take)))
      return false;
    at += static_cast<off_t>(take);
    size -= take;
  }
  return true;
}

/// How many of an artifact's `size` bytes are its ELF image, from the
/// trailer at its end: the rest, but for the trailer, are its wasm bytes.
/// A file without a trailer is all image (an artifact of an older format,
/// or not one: checkArtifact says which). Untrusted until checkArtifact has
/// compared the header with both parts.
size_t imageSizeOf(const abi::ArtifactTrailer& trailer, size_t size) {
  if (size < sizeof(Elf64_Ehdr) + sizeof trailer ||
      std::memcmp(trailer.magic, abi::kArtifactTrailerMagic, sizeof trailer.magic) != 0 ||
      trailer.wasmSize > size - sizeof trailer - sizeof(Elf64_Ehdr))
    return size;
  return size - sizeof trailer - static_cast<size_t>(trailer.wasmSize);
}

/// The wasm bytes between the image and the trailer (none without one).
size_t wasmSizeOf(size_t imageSize, size_t size) {
  return imageSize == size ? 0 : size - imageSize - sizeof(abi::ArtifactTrailer);
}

/// The artifact's pc -> wasm offset tables (abi::kOffsetsSymbol), per
/// defined function; none when it has no such symbol or its contents do
/// not fit the symbol's size (the file is authenticated, so that would be
/// a compiler bug: backtraces lose their offsets, nothing else).
OffsetTableList offsetTables(void* handle, size_t functions) {
  void* at = ::dlsym(handle, abi::kOffsetsSymbol);
  Dl_info info;
  void* entry = nullptr;
  if (!at || !::dladdr1(at, &info, &entry, RTLD_DL_SYMENT) || !entry)
    return {};
  const auto* symbol = static_cast<const ElfW(Sym)*>(entry);
  std::span<const uint8_t> bytes(static_cast<const uint8_t*>(at), symbol->st_size);
  return decodeOffsetTables(bytes, functions).value_or(OffsetTableList{});
}

/// Seals the memfd holding the ELF image (no write, resize or further
/// sealing: its bytes are final), checks its bytes and `wasm`, decodes the
/// module from `wasm` and dlopens the memfd itself. Takes ownership of
/// `memfd`.
Expected<std::shared_ptr<const CompiledModule>> loadSealed(int memfd, std::vector<uint8_t> wasm,
                                                           const ArtifactPolicy& policy) {
  FdOwner owned{memfd};
  if (::fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    return ioError("cannot seal the artifact's memory file", errno);
  struct stat info;
  if (::fstat(memfd, &info) != 0)
    return ioError("cannot stat the artifact", errno);
  if (info.st_size < static_cast<off_t>(sizeof(Elf64_Ehdr)))
    return artifactError("not a wasmc artifact (no ELF header)");
  size_t size = static_cast<size_t>(info.st_size);
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, memfd, 0);
  if (mapped == MAP_FAILED)
    return ioError("cannot map the artifact", errno);
  std::shared_ptr<void> mapping(mapped, [size](void* at) { ::munmap(at, size); });
  std::span<const uint8_t> file(static_cast<const uint8_t*>(mapped), size);
  const abi::ArtifactHeader* header = WASMC_TRY(checkArtifact(file, wasm, policy));
  // Checked above: the bytes are the ones this wasmc compiled (and
  // validated) into the native code; decoding its bodies again would
  // protect nothing (clang.wasm's took 0.4 s).
  wasm::Module module = WASMC_TRY(wasm::decodeModule(std::move(wasm), wasm::BodyDecoding::Trusted));
  Digest checked;
  std::memcpy(checked.data(), header->digest, checked.size());
  mapping.reset();

  // The dynamic linker opens the memfd through /proc; it stays open while
  // the object is loaded, so no other artifact can get its fd number and
  // with it this object's name (dlopen reuses a loaded object of that name).
  std::string name = "/proc/self/fd/" + std::to_string(memfd);
  void* handle = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return artifactError(std::string("cannot load: ") + ::dlerror());
  std::shared_ptr<void> owner(handle, [fd = owned.release()](void* h) {
    ::dlclose(h);
    ::close(fd);
  });
  // Had an object of that name stayed loaded (one dlclose could not
  // unload), dlopen would have returned it: the header it maps must be the
  // one checked.
  auto* mappedHeader = static_cast<const abi::ArtifactHeader*>(::dlsym(handle, abi::kArtifactSymbol));
  if (!mappedHeader || !digestsEqual(checked, mappedHeader->digest))
    return artifactError("the dynamic linker did not map the artifact that was checked");
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
  std::vector<FunctionRange> ranges =
      functionRanges(module, tables, request.second, offsetTables(handle, module.functions.size()));
  auto compiled = std::make_shared<CompiledModule>(std::move(module), tables, std::move(owner), std::move(ranges));
  compiled->setCodeFlags(mappedHeader->codeFlags);
  return std::shared_ptr<const CompiledModule>(std::move(compiled));
}

} // namespace

Expected<std::shared_ptr<const CompiledModule>> loadArtifact(int fd, const ArtifactPolicy& policy) {
  struct stat info;
  if (::fstat(fd, &info) != 0)
    return ioError("cannot stat", errno);
  off_t start = ::lseek(fd, 0, SEEK_CUR);
  if (!S_ISREG(info.st_mode) || start < 0) { // a pipe, say: read it to the end
    std::vector<uint8_t> bytes;
    uint8_t chunk[1 << 16];
    while (true) {
      ssize_t got = ::read(fd, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return ioError("cannot read", errno);
      if (got == 0)
        return loadArtifactBytes(bytes, policy);
      bytes.insert(bytes.end(), chunk, chunk + got);
    }
  }
  size_t size = info.st_size > start ? static_cast<size_t>(info.st_size - start) : 0;
  abi::ArtifactTrailer trailer{};
  if (size >= sizeof trailer &&
      !readAllAt(fd, reinterpret_cast<uint8_t*>(&trailer), sizeof trailer, start + size - sizeof trailer))
    return ioError("cannot read", errno);
  size_t imageSize = imageSizeOf(trailer, size);
  int memfd = WASMC_TRY(createMemfd());
  FdOwner owned{memfd};
  if (!copyRange(fd, static_cast<uint64_t>(start), imageSize, memfd))
    return ioError("cannot read", errno);
  std::vector<uint8_t> wasm(wasmSizeOf(imageSize, size));
  if (!readAllAt(fd, wasm.data(), wasm.size(), static_cast<uint64_t>(start) + imageSize))
    return ioError("cannot read", errno);
  return loadSealed(owned.release(), std::move(wasm), policy);
}

Expected<std::shared_ptr<const CompiledModule>> loadArtifact(const std::string& path, const ArtifactPolicy& policy) {
  FdOwner file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0)
    return ioError("cannot open", errno);
  return loadArtifact(file.fd, policy);
}

Expected<std::shared_ptr<const CompiledModule>> loadArtifactBytes(std::span<const uint8_t> bytes,
                                                                  const ArtifactPolicy& policy) {
  abi::ArtifactTrailer trailer{};
  if (bytes.size() >= sizeof trailer)
    std::memcpy(&trailer, bytes.data() + bytes.size() - sizeof trailer, sizeof trailer);
  size_t imageSize = imageSizeOf(trailer, bytes.size());
  int memfd = WASMC_TRY(createMemfd());
  FdOwner owned{memfd};
  if (!writeAll(memfd, bytes.first(imageSize)))
    return ioError("cannot write the artifact's memory file", errno);
  std::span<const uint8_t> wasm = bytes.subspan(imageSize, wasmSizeOf(imageSize, bytes.size()));
  return loadSealed(owned.release(), std::vector<uint8_t>(wasm.begin(), wasm.end()), policy);
}

std::string describeElfFile(std::span<const uint8_t> bytes) {
  return findElfSection(bytes, abi::kArtifactSection) ? "a precompiled wasmc artifact (.cwasm)" : "an ELF file";
}

} // namespace wasmc::rt
