// wasm::Module -> LLVM IR -> optimised IR -> ELF object bytes.

#include "compiler/codegen/Codegen.h"
#include "compiler/codegen/FunctionLowering.h"
#include "compiler/codegen/ModuleContext.h"
#include "compiler/codegen/Pipeline.h"
#include "compiler/codegen/Target.h"

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

namespace wasmc::codegen {

using namespace llvm;

namespace {

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

} // namespace

Expected<std::vector<char>> compileToObject(const wasm::Module& module, const Options& options) {
  std::unique_ptr<TargetMachine> machine = WASMC_TRY(createTargetMachine(options));
  LLVMContext context;
  auto llvmModule = std::make_unique<llvm::Module>("wasm", context);
  llvmModule->setTargetTriple(machine->getTargetTriple().str());
  llvmModule->setDataLayout(machine->createDataLayout());
  ModuleContext mc(context, module, std::move(llvmModule));
  WASMC_TRY(lowerModule(mc));
  optimizeModule(*mc.llvmModule, *machine, options.optLevel);

  SmallVector<char, 0> buffer;
  raw_svector_ostream stream(buffer);
  legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, stream, nullptr, CodeGenFileType::ObjectFile))
    return makeError(ErrorKind::Unsupported, kNoOffset, "LLVM cannot emit an object file for this target");
  codegen.run(*mc.llvmModule);
  return std::vector<char>(buffer.begin(), buffer.end());
}

} // namespace wasmc::codegen
