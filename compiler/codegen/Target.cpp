// The TargetMachine: host triple, a chosen CPU, and a feature set limited to
// what runtime/Abi.h can name, so artifacts never depend on a feature the
// loader cannot check with cpuid.

#include "compiler/codegen/Target.h"

#include "runtime/Abi.h"

#include <llvm/ADT/StringMap.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/SubtargetFeature.h>

#include <mutex>
#include <shared_mutex>

namespace wasmc::codegen {

using namespace llvm;

namespace {

/// Sets LLVM command-line option `name` to `value` the way the command line
/// would, unless the embedding process already chose a value. Some of the
/// code generator's choices exist only as such options.
void setLlvmOptionDefault(StringRef name, StringRef value) {
  StringMap<cl::Option*>& options = cl::getRegisteredOptions();
  auto found = options.find(name);
  if (found != options.end() && found->second->getNumOccurrences() == 0)
    (void)found->second->addOccurrence(0, found->first(), value);
}

/// Sets LLVM command-line option `name` to `value` whatever the embedding
/// process chose: for the options the sandbox depends on.
void forceLlvmOption(StringRef name, StringRef value) {
  StringMap<cl::Option*>& options = cl::getRegisteredOptions();
  auto found = options.find(name);
  if (found == options.end())
    report_fatal_error(Twine("wasmc: this LLVM has no option ") + name + ", which the sandbox depends on");
  found->second->reset();
  if (found->second->addOccurrence(0, found->first(), value))
    report_fatal_error(Twine("wasmc: LLVM rejects ") + name + "=" + value + ", which the sandbox depends on");
}

CodeGenOptLevel codeGenLevel(unsigned optLevel) {
  switch (optLevel) {
  case 0: return CodeGenOptLevel::None;
  case 1: return CodeGenOptLevel::Less;
  case 3: return CodeGenOptLevel::Aggressive;
  default: return CodeGenOptLevel::Default;
  }
}

/// Features every x86-64 CPU has; everything else must be checkable.
constexpr const char* kBaseline[] = {"64bit", "cmov", "cx8", "fxsr", "mmx", "sse", "sse2", "x87", "cx16", "sahf"};

bool isAllowed(StringRef name) {
  // No AVX-512: its masked instructions suppress the fault of a masked-off
  // element's load (docs/SECURITY.md, premise S4).
  if (name.starts_with("avx512"))
    return false;
  for (const char* base : kBaseline)
    if (name == base)
      return true;
  for (const abi::CpuFeatureName& feature : abi::kCpuFeatureNames)
    if (name == feature.llvmName)
      return true;
  return false;
}

/// This host's features, keeping only those an artifact may depend on.
std::string nativeFeatures() {
  SubtargetFeatures features;
  for (const auto& entry : sys::getHostCPUFeatures())
    features.AddFeature(entry.getKey(), entry.getValue() && isAllowed(entry.getKey()));
  return features.getString();
}

/// For named CPUs: turn off the extensions the loader cannot check.
std::string namedCpuFeatures() {
  SubtargetFeatures features;
  for (const char* extra : {"avx512f", "avx512vnni", "avx512vbmi", "avx512vbmi2", "avx512ifma", "avx512bitalg",
                            "avx512vpopcntdq", "avx512bf16", "avx512fp16", "avx512cd", "avxvnni", "gfni",
                            "vaes", "vpclmulqdq", "sha", "aes", "pclmul", "adx", "amx-tile"})
    features.AddFeature(extra, false);
  return features.getString();
}

/// Guards LLVM's command-line options (see Target.h).
std::shared_mutex& llvmOptionsMutex() {
  static std::shared_mutex mutex;
  return mutex;
}

/// wasmc's choices among LLVM's options; again after every lld link.
void setWasmcLlvmOptions() {
  // Innermost loops start on a 64-byte boundary, not LLVM's 16: a loop
  // whose hot block spans two 64-byte lines of code runs measurably
  // slower. The vm benchmark's interpreter loop ran 1.3x native or 1.0x
  // depending only on where earlier functions left it, because its
  // dispatch block crossed a line boundary or did not (docs/BENCHMARKS.md).
  setLlvmOptionDefault("x86-experimental-pref-innermost-loop-alignment", "6");
  // Loop strength reduction runs in the optimisation pipeline instead,
  // where it can be skipped per loop (ReduceLoopStrength.cpp).
  setLlvmOptionDefault("disable-lsr", "true");
  // A cmov from memory always loads, faulting or not; the CMOV conversion
  // would make it a branch around the load, and an out-of-bounds load whose
  // value a select discards would not trap (docs/SECURITY.md, premise S4).
  forceLlvmOption("x86-cmov-converter", "false");
}

} // namespace

void initializeLlvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
    InitializeNativeTargetAsmParser();
    setWasmcLlvmOptions();
  });
}

std::shared_lock<std::shared_mutex> shareLlvmOptions() {
  initializeLlvm();
  return std::shared_lock<std::shared_mutex>(llvmOptionsMutex());
}

void runResettingLlvmOptions(function_ref<void()> run) {
  initializeLlvm();
  std::unique_lock<std::shared_mutex> lock(llvmOptionsMutex());
  run();
  setWasmcLlvmOptions();
}

Expected<std::unique_ptr<TargetMachine>> createTargetMachine(const Options& options) {
  initializeLlvm();
  std::string triple = sys::getProcessTriple();
  std::string lookupError;
  const Target* target = TargetRegistry::lookupTarget(triple, lookupError);
  if (!target)
    return makeError(ErrorKind::Unsupported, kNoOffset, "no LLVM target for " + triple + ": " + lookupError);
  std::string cpu;
  std::string features;
  if (options.cpu.empty() || options.cpu == "native") {
    cpu = sys::getHostCPUName().str();
    features = nativeFeatures();
  } else if (options.cpu == "generic") {
    cpu = "x86-64";
  } else {
    cpu = options.cpu;
    features = namedCpuFeatures();
  }
  TargetOptions targetOptions;
  std::unique_ptr<TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, targetOptions, Reloc::PIC_, std::nullopt, codeGenLevel(options.optLevel)));
  if (!machine)
    return makeError(ErrorKind::Unsupported, kNoOffset, "cannot create a target machine for " + triple);
  if (!machine->getMCSubtargetInfo()->isCPUStringValid(cpu))
    return makeError(ErrorKind::Usage, kNoOffset, "unknown CPU '" + options.cpu + "' for " + triple);
  return machine;
}

Expected<TargetMachine*> threadTargetMachine(const Options& options) {
  struct Cached {
    std::string cpu;
    CodeGenOptLevel level;
    std::unique_ptr<TargetMachine> machine;
  };
  thread_local std::vector<Cached> cache;
  const CodeGenOptLevel level = codeGenLevel(options.optLevel);
  for (Cached& cached : cache)
    if (cached.cpu == options.cpu && cached.level == level)
      return cached.machine.get();
  std::unique_ptr<TargetMachine> machine = WASMC_TRY(createTargetMachine(options));
  cache.push_back(Cached{options.cpu, level, std::move(machine)});
  return cache.back().machine.get();
}

uint64_t requiredFeatureBits(const TargetMachine& machine) {
  const MCSubtargetInfo* info = machine.getMCSubtargetInfo();
  uint64_t bits = 0;
  for (const abi::CpuFeatureName& feature : abi::kCpuFeatureNames)
    if (info->checkFeatures(std::string("+") + feature.llvmName))
      bits |= feature.bit;
  return bits;
}

} // namespace wasmc::codegen
