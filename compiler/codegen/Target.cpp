#include "compiler/codegen/Target.h"

#include <llvm/ADT/StringMap.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/SubtargetFeature.h>

#include <mutex>

namespace wasmc::codegen {

using namespace llvm;

void initializeLlvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
    InitializeNativeTargetAsmParser();
  });
}

namespace {

CodeGenOptLevel codeGenLevel(unsigned optLevel) {
  switch (optLevel) {
  case 0: return CodeGenOptLevel::None;
  case 1: return CodeGenOptLevel::Less;
  case 3: return CodeGenOptLevel::Aggressive;
  default: return CodeGenOptLevel::Default;
  }
}

std::string hostFeatures() {
  SubtargetFeatures features;
  for (const auto& [name, enabled] : sys::getHostCPUFeatures())
    features.AddFeature(name, enabled);
  return features.getString();
}

} // namespace

Expected<std::unique_ptr<TargetMachine>> createTargetMachine(const Options& options) {
  initializeLlvm();
  std::string triple = sys::getProcessTriple();
  std::string lookupError;
  const Target* target = TargetRegistry::lookupTarget(triple, lookupError);
  if (!target)
    return makeError(ErrorKind::Unsupported, kNoOffset, "no LLVM target for " + triple + ": " + lookupError);
  TargetOptions targetOptions;
  std::unique_ptr<TargetMachine> machine(target->createTargetMachine(
      triple, sys::getHostCPUName(), hostFeatures(), targetOptions, Reloc::PIC_, std::nullopt,
      codeGenLevel(options.optLevel)));
  if (!machine)
    return makeError(ErrorKind::Unsupported, kNoOffset, "cannot create a target machine for " + triple);
  return machine;
}

} // namespace wasmc::codegen
