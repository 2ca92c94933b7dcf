// wasm::Module -> LLVM IR -> optimised IR -> ELF object bytes (or text for
// --emit). The shared first half of the JIT and AOT paths.

#include "compiler/codegen/Codegen.h"
#include "compiler/codegen/FunctionLowering.h"
#include "compiler/codegen/ModuleContext.h"
#include "compiler/codegen/Pipeline.h"
#include "compiler/codegen/Target.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Host.h>

#include <cstring>

namespace wasmc::codegen {

using namespace llvm;

namespace {

/// Everything one compilation owns; the module is lowered and optimised.
struct Compilation {
  std::unique_ptr<TargetMachine> machine;
  std::unique_ptr<LLVMContext> context = std::make_unique<LLVMContext>();
  std::unique_ptr<ModuleContext> mc;
};

Expected<void> lowerModule(ModuleContext& mc) {
  mc.declareFunctions();
  for (uint32_t i = 0; i < mc.module.functions.size(); ++i)
    WASMC_TRY(lowerFunction(mc, mc.module.numImportedFuncs + i));
  mc.emitTrampolinesAndTables();
  std::string problems;
  raw_string_ostream out(problems);
  if (verifyModule(*mc.llvmModule, &out))
    return makeError(ErrorKind::Unsupported, kNoOffset, "wasmc generated invalid LLVM IR (a wasmc bug): " + problems);
  return {};
}

Expected<Compilation> compile(const wasm::Module& module, const Options& options) {
  Compilation c;
  c.machine = WASMC_TRY(createTargetMachine(options));
  auto llvmModule = std::make_unique<llvm::Module>("wasm", *c.context);
  llvmModule->setTargetTriple(c.machine->getTargetTriple().str());
  llvmModule->setDataLayout(c.machine->createDataLayout());
  c.mc = std::make_unique<ModuleContext>(*c.context, module, std::move(llvmModule));
  WASMC_TRY(lowerModule(*c.mc));
  optimizeModule(*c.mc->llvmModule, *c.machine, options.optLevel);
  return c;
}

/// Runs LLVM's code generator: an object file or assembly text.
Expected<std::vector<char>> emitMachineCode(Compilation& c, CodeGenFileType type) {
  SmallVector<char, 0> buffer;
  raw_svector_ostream stream(buffer);
  legacy::PassManager codegen;
  if (c.machine->addPassesToEmitFile(codegen, stream, nullptr, type))
    return makeError(ErrorKind::Unsupported, kNoOffset, "LLVM cannot emit machine code for this target");
  codegen.run(*c.mc->llvmModule);
  return std::vector<char>(buffer.begin(), buffer.end());
}

void copyString(char* out, size_t size, const std::string& value) {
  std::strncpy(out, value.c_str(), size - 1);
  out[size - 1] = '\0';
}

/// The artifact section: the header, then the wasm bytes the loader decodes.
void addArtifactSection(Compilation& c, const wasm::Module& module, const ArtifactIdentity& identity) {
  abi::ArtifactHeader header{};
  std::memcpy(header.magic, abi::kArtifactMagic, sizeof header.magic);
  header.formatVersion = abi::kArtifactFormatVersion;
  header.abiVersion = abi::kAbiVersion;
  std::memcpy(header.buildId, identity.buildId, sizeof header.buildId);
  copyString(header.triple, sizeof header.triple, c.machine->getTargetTriple().str());
  copyString(header.cpu, sizeof header.cpu, c.machine->getTargetCPU().str());
  copyString(header.features, sizeof header.features, c.machine->getTargetFeatureString().str());
  header.requiredFeatures = requiredFeatureBits(*c.machine);
  header.fileHash = 0; // sealed after linking
  header.wasmSize = module.bytes.size();

  std::vector<uint8_t> contents(sizeof header + module.bytes.size());
  std::memcpy(contents.data(), &header, sizeof header);
  std::memcpy(contents.data() + sizeof header, module.bytes.data(), module.bytes.size());
  llvm::Module& m = *c.mc->llvmModule;
  Constant* data = ConstantDataArray::get(*c.context, ArrayRef<uint8_t>(contents));
  auto* global = new GlobalVariable(m, data->getType(), /*isConstant=*/true, GlobalValue::ExternalLinkage, data,
                                    "wasmc_artifact");
  global->setSection(abi::kArtifactSection);
  global->setAlignment(Align(16));
}

} // namespace

Expected<std::vector<char>> compileToObject(const wasm::Module& module, const Options& options) {
  Compilation c = WASMC_TRY(compile(module, options));
  return emitMachineCode(c, CodeGenFileType::ObjectFile);
}

Expected<std::vector<char>> compileArtifactObject(const wasm::Module& module, const Options& options,
                                                  const ArtifactIdentity& identity) {
  Compilation c = WASMC_TRY(compile(module, options));
  addArtifactSection(c, module, identity);
  return emitMachineCode(c, CodeGenFileType::ObjectFile);
}

Expected<std::string> emitText(const wasm::Module& module, const Options& options, TextForm form) {
  Compilation c = WASMC_TRY(compile(module, options));
  std::string text;
  raw_string_ostream out(text);
  if (form == TextForm::LlvmIr) {
    c.mc->llvmModule->print(out, nullptr);
    return text;
  }
  std::vector<char> assembly = WASMC_TRY(emitMachineCode(c, CodeGenFileType::AssemblyFile));
  return std::string(assembly.begin(), assembly.end());
}

} // namespace wasmc::codegen
