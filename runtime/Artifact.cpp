// WARNING: this file decides whether foreign bytes become executable code.
// Rules for changing it: every read of the file is bounds-checked against
// its size; the bytes checked are the bytes mapped (a sealed memfd, never a
// second open by path); nothing is dlopen'ed before checkArtifact (SHA-256
// and MAC included) has passed; a new header field is checked here in the
// same change. The trust model is docs/TRUST-MODEL.md.

#include "runtime/Artifact.h"

#include "compiler/wasm/Decoder.h"
#include "runtime/CpuFeatures.h"
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

/// The SHA-256 of the file with the header's digest and mac zeroed, read
/// in place (no copy).
Digest artifactDigest(std::span<const uint8_t> file, size_t headerOffset) {
  size_t zeroed = headerOffset + offsetof(abi::ArtifactHeader, digest);
  constexpr size_t kZeroedSize = sizeof(abi::ArtifactHeader::digest) + sizeof(abi::ArtifactHeader::mac);
  return Sha256()
      .update(file.first(zeroed))
      .updateZeros(kZeroedSize)
      .update(file.subspan(zeroed + kZeroedSize))
      .finish();
}

/// The MAC of an artifact with `digest` under `key`.
Digest artifactMac(const ArtifactKey& key, const Digest& digest) {
  static constexpr char kDomain[] = "wasmc artifact mac v2"; // with its NUL
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

Expected<const abi::ArtifactHeader*> checkArtifact(std::span<const uint8_t> file, const ArtifactPolicy& policy) {
  std::span<const uint8_t> section = WASMC_TRY(findElfSection(file, abi::kArtifactSection));
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
  if (header->wasmSize > section.size() - sizeof(abi::ArtifactHeader))
    return artifactError("truncated artifact metadata");
  size_t headerOffset = static_cast<size_t>(section.data() - file.data());
  Digest digest = artifactDigest(file, headerOffset);
  if (!digestsEqual(digest, header->digest))
    return artifactError("artifact is corrupt (SHA-256 mismatch)");
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

Expected<void> sealArtifact(std::span<uint8_t> file, const ArtifactKey& key) {
  std::span<const uint8_t> section = WASMC_TRY(findElfSection(file, abi::kArtifactSection));
  if (section.size() < sizeof(abi::ArtifactHeader))
    return artifactError("truncated artifact header");
  size_t headerOffset = static_cast<size_t>(section.data() - file.data());
  Digest digest = artifactDigest(file, headerOffset);
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

/// Copies what remains of `from` into `to`: in the kernel with sendfile,
/// else through a buffer.
bool copyFile(int from, int to) {
  while (true) {
    ssize_t sent = ::sendfile(to, from, nullptr, 1 << 30);
    if (sent > 0)
      continue;
    if (sent == 0)
      return true;
    if (errno == EINTR)
      continue;
    if (errno != EINVAL && errno != ENOSYS)
      return false;
    break;
  }
  uint8_t chunk[1 << 16];
  while (true) {
    ssize_t got = ::read(from, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return false;
    if (got == 0)
      return true;
    if (!writeAll(to, std::span<const uint8_t>(chunk, static_cast<size_t>(got))))
      return false;
  }
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

/// Seals the memfd (no write, resize or further sealing: its bytes are
/// final), checks its bytes, decodes the module and dlopens the memfd
/// itself. Takes ownership of `memfd`.
Expected<std::shared_ptr<const CompiledModule>> loadSealed(int memfd, const ArtifactPolicy& policy) {
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
  const abi::ArtifactHeader* header = WASMC_TRY(checkArtifact(file, policy));
  auto wasmBytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(header + 1), header->wasmSize);
  // Checked above: the bytes are the ones this wasmc compiled (and
  // validated) into the native code; decoding its bodies again would
  // protect nothing (clang.wasm's took 0.4 s).
  wasm::Module module = WASMC_TRY(wasm::decodeModule(std::vector<uint8_t>(wasmBytes.begin(), wasmBytes.end()),
                                                      wasm::BodyDecoding::Trusted));
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
  int memfd = WASMC_TRY(createMemfd());
  if (!copyFile(fd, memfd)) {
    int err = errno;
    ::close(memfd);
    return ioError("cannot read", err);
  }
  return loadSealed(memfd, policy);
}

Expected<std::shared_ptr<const CompiledModule>> loadArtifact(const std::string& path, const ArtifactPolicy& policy) {
  FdOwner file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0)
    return ioError("cannot open", errno);
  return loadArtifact(file.fd, policy);
}

Expected<std::shared_ptr<const CompiledModule>> loadArtifactBytes(std::span<const uint8_t> bytes,
                                                                  const ArtifactPolicy& policy) {
  int memfd = WASMC_TRY(createMemfd());
  if (!writeAll(memfd, bytes)) {
    int err = errno;
    ::close(memfd);
    return ioError("cannot write the artifact's memory file", err);
  }
  return loadSealed(memfd, policy);
}

std::string describeElfFile(std::span<const uint8_t> bytes) {
  return findElfSection(bytes, abi::kArtifactSection) ? "a precompiled wasmc artifact (.cwasm)" : "an ELF file";
}

} // namespace wasmc::rt
