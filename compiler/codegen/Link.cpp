// In-process linking with lld: an artifact object becomes an ELF shared
// object. lld works on files, so the object and its output pass through a
// private temporary directory.

#include "compiler/codegen/Codegen.h"

#include <lld/Common/Driver.h>
#include <llvm/Support/raw_ostream.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>

LLD_HAS_DRIVER(elf)

namespace wasmc::codegen {

namespace {

Error linkError(std::string message) { return makeError(ErrorKind::Unsupported, kNoOffset, "link: " + message); }

/// A mkdtemp directory removed with its files on destruction.
class TempDir {
public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/wasmc-link-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()))
      path_ = buffer.data();
  }
  ~TempDir() {
    for (const std::string& file : files_)
      ::unlink(file.c_str());
    if (!path_.empty())
      ::rmdir(path_.c_str());
  }
  bool ok() const { return !path_.empty(); }
  std::string file(const char* name) {
    files_.push_back(path_ + "/" + name);
    return files_.back();
  }

private:
  std::string path_;
  std::vector<std::string> files_;
};

bool writeFile(const std::string& path, const char* data, size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(data, static_cast<std::streamsize>(size));
  return static_cast<bool>(out);
}

/// Runs lld on `arguments` after writing `object` to the "@OBJECT@" slot;
/// returns the bytes lld wrote to "@OUTPUT@".
Expected<std::vector<uint8_t>> runLld(const std::vector<char>& object, const std::vector<std::string>& arguments) {
  TempDir dir;
  if (!dir.ok())
    return linkError("cannot create a temporary directory: " + std::string(std::strerror(errno)));
  std::string input = dir.file("module.o");
  std::string output = dir.file("module.out");
  if (!writeFile(input, object.data(), object.size()))
    return linkError("cannot write " + input);
  std::vector<const char*> args;
  for (const std::string& argument : arguments)
    args.push_back(argument == "@OBJECT@" ? input.c_str() : argument == "@OUTPUT@" ? output.c_str() : argument.c_str());

  std::string messages;
  llvm::raw_string_ostream errors(messages);
  llvm::raw_null_ostream quiet;
  lld::Result result;
  {
    // lld keeps global state per link; one link at a time.
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    result = lld::lldMain(args, quiet, errors, {{lld::Gnu, &lld::elf::link}});
  }
  if (result.retCode != 0)
    return linkError(messages.empty() ? "lld failed" : messages);

  std::ifstream in(output, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  if (bytes.empty())
    return linkError("lld produced no output");
  return bytes;
}

} // namespace

Expected<std::vector<uint8_t>> linkSharedObject(const std::vector<char>& object) {
  return runLld(object, {"ld.lld", "-shared", "--hash-style=gnu", "-z", "noexecstack", "-z", "relro", "-z", "now",
                         "-O1", "@OBJECT@", "-o", "@OUTPUT@"});
}

Expected<std::vector<uint8_t>> linkExecutable(const std::vector<char>& object, const std::vector<std::string>& arguments) {
  return runLld(object, arguments);
}

} // namespace wasmc::codegen
