#include "compiler/wasm/Validator.h"
#include "runtime/Artifact.h"
#include "tools/wasmc/Commands.h"
#include "engine/ModuleSource.h"
#include "engine/FileIo.h"

namespace wasmc::tools {

namespace {

using namespace wasmc::wasm;

/// Names are UTF-8 but may hold control characters; keep one entry per line.
std::string printable(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '\\') {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string limitsText(const Limits& limits) {
  return std::to_string(limits.min) + ".." + (limits.hasMax ? std::to_string(limits.max) : "");
}

std::string globalText(const GlobalType& global) {
  return std::string(global.isMutable ? "mut " : "const ") + valTypeName(global.type);
}

std::string importText(const Module& module, const Import& import) {
  std::string out = std::string("import ") + externKindName(import.kind) + " " +
                    printable(import.module) + "." + printable(import.name) + " ";
  switch (import.kind) {
  case ExternKind::Func: return out + module.types[import.funcType].toString();
  case ExternKind::Table:
    return out + valTypeName(import.table.elemType) + " " + limitsText(import.table.limits);
  case ExternKind::Memory: return out + limitsText(import.memory.limits) + " pages";
  case ExternKind::Global: return out + globalText(import.global);
  }
  return out;
}

std::string exportText(const Module& module, const Export& entry) {
  std::string out =
      std::string("export ") + externKindName(entry.kind) + " " + printable(entry.name);
  if (entry.kind == ExternKind::Func)
    out += " " + module.funcType(entry.index).toString();
  return out;
}

} // namespace

int runValidateCommand(const ValidateOptions& options) {
  Expected<std::vector<uint8_t>> bytes = engine::readFileBytes(options.file);
  if (!bytes) {
    reportError(options.file, bytes.error());
    return 1;
  }
  if (rt::looksLikeArtifact(*bytes)) {
    // Say what it is rather than "magic header not detected"; never load it.
    reportError(options.file, makeError(ErrorKind::Malformed, kNoOffset,
                                        "this is " + rt::describeElfFile(*bytes) +
                                            ", not a wasm module; validate the .wasm it was compiled from"));
    return 1;
  }
  Expected<std::vector<uint8_t>> binary = engine::moduleBinary(std::move(*bytes), options.file);
  if (!binary) {
    reportError(options.file, binary.error());
    return 1;
  }
  Expected<Module> module = loadModule(std::move(*binary), options.features);
  if (!module) {
    reportError(options.file, module.error());
    return 1;
  }
  for (const Import& import : module->imports)
    std::printf("%s\n", importText(*module, import).c_str());
  for (const Export& entry : module->exports)
    std::printf("%s\n", exportText(*module, entry).c_str());
  return 0;
}

} // namespace wasmc::tools
