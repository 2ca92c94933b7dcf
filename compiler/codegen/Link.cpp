// In-process linking with lld: an artifact's objects (one per partition)
// become an ELF shared object or an executable. lld works on files, so the
// objects and the output pass through a private temporary directory.

#include "compiler/codegen/Link.h"
#include "compiler/codegen/Target.h"

#include <lld/Common/Driver.h>
#include <llvm/Support/raw_ostream.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

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

/// Runs lld on `arguments` after writing `objects` to the "@OBJECT@" slot
/// (in order); returns the bytes lld wrote to "@OUTPUT@".
Expected<std::vector<uint8_t>> runLld(const ObjectFiles& objects, const std::vector<std::string>& arguments) {
  TempDir dir;
  if (!dir.ok())
    return linkError("cannot create a temporary directory: " + std::string(std::strerror(errno)));
  std::vector<std::string> inputs;
  for (size_t i = 0; i < objects.size(); ++i) {
    inputs.push_back(dir.file(("module" + std::to_string(i) + ".o").c_str()));
    if (!writeFile(inputs.back(), objects[i].data(), objects[i].size()))
      return linkError("cannot write " + inputs.back());
  }
  std::string output = dir.file("module.out");
  std::vector<const char*> args;
  for (const std::string& argument : arguments) {
    if (argument == "@OBJECT@") {
      for (const std::string& input : inputs)
        args.push_back(input.c_str());
    } else {
      args.push_back(argument == "@OUTPUT@" ? output.c_str() : argument.c_str());
    }
  }

  std::string messages;
  llvm::raw_string_ostream errors(messages);
  llvm::raw_null_ostream quiet;
  lld::Result result;
  // lld keeps global state per link and resets LLVM's options: one link at
  // a time, and no code generation beside it.
  runResettingLlvmOptions([&] { result = lld::lldMain(args, quiet, errors, {{lld::Gnu, &lld::elf::link}}); });
  if (result.retCode != 0)
    return linkError(messages.empty() ? "lld failed" : messages);

  std::ifstream in(output, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  if (bytes.empty())
    return linkError("lld produced no output");
  return bytes;
}

} // namespace

Expected<std::vector<uint8_t>> linkSharedObject(const ObjectFiles& objects) {
  // --strip-debug: the DWARF line tables became abi::kOffsetsSymbol.
  return runLld(objects, {"ld.lld", "-shared", "--hash-style=gnu", "-z", "noexecstack", "-z", "relro", "-z", "now",
                         "-O1", "--strip-debug", "@OBJECT@", "-o", "@OUTPUT@"});
}

Expected<std::vector<uint8_t>> linkExecutable(const ObjectFiles& objects, const std::vector<std::string>& arguments) {
  // The objects' DWARF line tables are only read back at compile time.
  std::vector<std::string> line = arguments;
  if (!line.empty())
    line.insert(line.begin() + 1, "--strip-debug");
  return runLld(objects, line);
}

Expected<std::vector<uint8_t>> linkRelocatable(const ObjectFiles& objects) {
  return runLld(objects, {"ld.lld", "-r", "@OBJECT@", "-o", "@OUTPUT@"});
}

} // namespace wasmc::codegen
