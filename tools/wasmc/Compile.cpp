#include "compiler/wasm/Validator.h"
#include "tools/wasmc/Aot.h"
#include "tools/wasmc/Commands.h"
#include "tools/wasmc/FileIo.h"

#include <fstream>

namespace wasmc::tools {

namespace {

Expected<void> writeFile(const std::string& path, const void* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out)
    return makeError(ErrorKind::Io, kNoOffset, "cannot write " + path);
  return {};
}

std::string defaultOutput(const CompileOptions& options) {
  std::string base = options.input;
  if (base.size() > 5 && base.ends_with(".wasm"))
    base.resize(base.size() - 5);
  if (options.emit == "obj")
    return base + ".o";
  if (options.emit == "asm")
    return base + ".s";
  if (options.emit == "llvm")
    return base + ".ll";
  return base + ".cwasm";
}

Expected<void> compileCommand(const CompileOptions& options, const std::string& output) {
  std::vector<uint8_t> bytes = WASMC_TRY(readFileBytes(options.input));
  codegen::Options codegenOptions{.optLevel = options.optLevel, .cpu = options.targetCpu};
  if (options.emit.empty()) {
    std::vector<uint8_t> artifact = WASMC_TRY(compileArtifact(bytes, codegenOptions));
    return writeFile(output, artifact.data(), artifact.size());
  }
  wasm::Module module = WASMC_TRY(wasm::loadModule(bytes));
  if (options.emit == "obj") {
    std::vector<char> object = WASMC_TRY(codegen::compileToObject(module, codegenOptions));
    return writeFile(output, object.data(), object.size());
  }
  auto form = options.emit == "asm" ? codegen::TextForm::Assembly : codegen::TextForm::LlvmIr;
  std::string text = WASMC_TRY(codegen::emitText(module, codegenOptions, form));
  return writeFile(output, text.data(), text.size());
}

} // namespace

int runCompileCommand(const CompileOptions& options) {
  std::string output = options.output.empty() ? defaultOutput(options) : options.output;
  auto done = compileCommand(options, output);
  if (!done) {
    reportError(options.input, done.error());
    return 1;
  }
  return 0;
}

} // namespace wasmc::tools
