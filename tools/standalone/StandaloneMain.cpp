// main() of the standalone executables `wasmc compile --exe` links: the
// module's code and its artifact section are linked into the executable,
// which runs it as a WASI program with wasmc-run-style options of its own:
//   PROGRAM [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--invoke NAME] [--] [ARGS...]
// No LLVM, no compiler: only the runtime, WASI and the decoder.

#include "compiler/wasm/Decoder.h"
#include "runtime/Abi.h"
#include "runtime/CompiledModule.h"
#include "tools/wasmc/Commands.h"
#include "tools/wasmc/RunModule.h"

#include <link.h>

#include <cstdio>
#include <cstring>
#include <string_view>

extern "C" {
extern void* const wasmc_functions[];
extern const wasmc::abi::EntryTrampoline wasmc_entries[];
extern void* const wasmc_host_adapters[];
extern const uint8_t wasmc_artifact[];
void wasmc_code_end();
}

namespace {

using namespace wasmc;

/// The executable's own code segments: where the module's code lies.
int collectExecutableSegments(dl_phdr_info* info, size_t, void* data) {
  auto* blocks = static_cast<std::vector<rt::CodeBlock>*>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& phdr = info->dlpi_phdr[i];
    if (phdr.p_type == PT_LOAD && (phdr.p_flags & PF_X))
      blocks->emplace_back(info->dlpi_addr + phdr.p_vaddr, info->dlpi_addr + phdr.p_vaddr + phdr.p_memsz);
  }
  return 1; // the first object is the executable
}

void usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--invoke NAME] [--argv0 NAME] "
               "[-W OPTION[=VALUE]]... [--] [ARGS...]\n  -W: %s\n",
               program, tools::limitOptionsHelp(true).c_str());
}

/// Options up to the first argument that is not one, or up to "--".
bool parseOptions(int argc, char** argv, tools::RunCommandOptions& options) {
  int i = 1;
  auto value = [&](std::string_view arg, std::string_view name, std::string& out) {
    if (arg == name && i + 1 < argc) {
      out = argv[++i];
      return true;
    }
    if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
      out = std::string(arg.substr(name.size() + 1));
      return true;
    }
    return false;
  };
  for (; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string text;
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "--help" || arg == "-h") {
      usage(argv[0]);
      std::exit(0);
    }
    if (value(arg, "--dir", text))
      options.dirs.push_back(text);
    else if (value(arg, "--env", text))
      options.env.push_back(text);
    else if (value(arg, "--invoke", text))
      options.invoke = text;
    else if (value(arg, "--argv0", text))
      options.argv0 = text;
    else if (value(arg, "-W", text)) {
      if (Expected<void> applied = tools::applyLimitOption(text, options.limits, true); !applied) {
        std::fprintf(stderr, "%s: %s\n", argv[0], applied.error().message.c_str());
        std::exit(2);
      }
    }
    else if (arg.size() > 1 && arg[0] == '-')
      return false;
    else
      break;
  }
  for (; i < argc; ++i)
    options.args.push_back(argv[i]);
  return true;
}

} // namespace

int main(int argc, char** argv) {
  tools::RunCommandOptions options;
  options.file = argv[0];
  if (!parseOptions(argc, argv, options)) {
    usage(argv[0]);
    return 2;
  }
  abi::ArtifactHeader header;
  std::memcpy(&header, wasmc_artifact, sizeof header);
  std::span<const uint8_t> wasmBytes(wasmc_artifact + sizeof header, header.wasmSize);
  // Part of this executable, compiled from the validated module with it.
  Expected<wasm::Module> module =
      wasm::decodeModule(std::vector<uint8_t>(wasmBytes.begin(), wasmBytes.end()), wasm::BodyDecoding::Trusted);
  if (!module) {
    tools::reportError(argv[0], module.error());
    return 1;
  }
  rt::CodeTables tables{wasmc_functions, wasmc_entries, wasmc_host_adapters,
                        reinterpret_cast<const void*>(&wasmc_code_end)};
  std::vector<rt::CodeBlock> blocks;
  dl_iterate_phdr(&collectExecutableSegments, &blocks);
  std::vector<rt::FunctionRange> ranges = rt::functionRanges(*module, tables, blocks);
  auto compiled = std::make_shared<rt::CompiledModule>(std::move(*module), tables, nullptr, std::move(ranges));
  compiled->setCodeFlags(header.codeFlags);
  if (Expected<void> instrumented = tools::checkInstrumented(*compiled, options.limits, "wasmc compile --exe");
      !instrumented) {
    std::fprintf(stderr, "%s: %s\n", argv[0], instrumented.error().message.c_str());
    return 2;
  }
  return tools::runModule(std::move(compiled), options);
}
