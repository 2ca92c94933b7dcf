// wasm::Module -> LLVM IR -> optimised IR -> ELF object bytes (or text for
// --emit), one object per partition, partitions compiled in parallel. The
// shared first half of the JIT and AOT paths.

#include "compiler/codegen/Codegen.h"
#include "compiler/codegen/FunctionLowering.h"
#include "compiler/codegen/InsertInterruptPolls.h"
#include "compiler/codegen/Link.h"
#include "compiler/codegen/ModuleContext.h"
#include "compiler/codegen/ObjectCompiler.h"
#include "runtime/OffsetTableFormat.h"
#include "compiler/codegen/Pipeline.h"
#include "compiler/codegen/Target.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Host.h>

#include <cstring>
#include <optional>

namespace wasmc::codegen {

using namespace llvm;

namespace {

/// Everything one partition's compilation owns; the module is lowered and
/// optimised.
struct Compilation {
  std::shared_lock<std::shared_mutex> options = shareLlvmOptions();
  TargetMachine* machine = nullptr; // this thread's (threadTargetMachine)
  std::unique_ptr<LLVMContext> context = std::make_unique<LLVMContext>();
  std::unique_ptr<ModuleContext> mc;
};

/// `functionTable`: the tables partition emits wasmc_functions too; the lazy
/// JIT makes that table of its stubs instead (as 133,398 relocations, for
/// clang.wasm, it cost LLVM seconds).
Expected<void> lowerModule(ModuleContext& mc, const Partition& partition, unsigned optLevel, bool functionTable) {
  mc.prepareFunctions(partition.split);
  for (uint32_t i = partition.begin; i < partition.end; ++i) {
    if (!partition.defines(mc.module, i, optLevel))
      continue;
    wasm::FuncIndex index = mc.module.numImportedFuncs + i;
    Expected<void> lowered =
        partition.loopEntry ? lowerLoopEntry(mc, index, *partition.loopEntry) : lowerFunction(mc, index);
    if (!lowered) {
      Error error = std::move(lowered).error();
      if (error.function == kNoFunction)
        error.function = index;
      return error;
    }
  }
  if (partition.tables)
    mc.emitTrampolinesAndTables(functionTable);
  mc.lines->finish();
  std::string problems;
  raw_string_ostream out(problems);
  if (verifyModule(*mc.llvmModule, &out))
    return makeError(ErrorKind::Unsupported, kNoOffset, "wasmc generated invalid LLVM IR (a wasmc bug): " + problems);
  return {};
}

Expected<Compilation> compile(const wasm::Module& module, const Options& options, const Partition& partition) {
  Compilation c;
  // A big function gets LLVM's -O0 code generator (FastISel, fast register
  // allocation, none of the IR passes that need scalar evolution).
  Options machineOptions = options;
  if (partition.big)
    machineOptions.optLevel = 0;
  c.machine = WASMC_TRY(threadTargetMachine(machineOptions));
  auto llvmModule = std::make_unique<llvm::Module>("wasm", *c.context);
  llvmModule->setTargetTriple(c.machine->getTargetTriple().str());
  llvmModule->setDataLayout(c.machine->createDataLayout());
  c.mc = std::make_unique<ModuleContext>(*c.context, module, std::move(llvmModule));
  c.mc->interruptible = options.interruptible;
  c.mc->fuel = options.fuel;
  WASMC_TRY(lowerModule(*c.mc, partition, options.optLevel, /*functionTable=*/!options.lazy));
  optimizeModule(*c.mc->llvmModule, *c.machine, options.optLevel, partition.big);
  attributeInlinedCode(*c.mc->llvmModule);
  if (options.interruptible)
    insertInterruptPolls(*c.mc->llvmModule);
  return c;
}

/// Runs LLVM's code generator: an object file or assembly text.
Expected<std::vector<char>> emitMachineCode(TargetMachine& machine, llvm::Module& module, CodeGenFileType type) {
  SmallVector<char, 0> buffer;
  raw_svector_ostream stream(buffer);
  legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, stream, nullptr, type))
    return makeError(ErrorKind::Unsupported, kNoOffset, "LLVM cannot emit machine code for this target");
  codegen.run(module);
  return std::vector<char>(buffer.begin(), buffer.end());
}

void copyString(char* out, size_t size, const std::string& value) {
  std::strncpy(out, value.c_str(), size - 1);
  out[size - 1] = '\0';
}

/// The artifact section: the header, then (in an executable) the wasm
/// bytes the loader decodes.
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
  header.codeFlags = (c.mc->interruptible ? abi::kCodeInterruptible : 0) | (c.mc->fuel ? abi::kCodeFuel : 0);
  // digest, mac and wasmOffset stay zero: sealed after linking (runtime/Artifact.cpp)
  header.wasmSize = module.bytes.size();

  size_t embedded = identity.wasmInSection ? module.bytes.size() : 0;
  std::vector<uint8_t> contents(sizeof header + embedded);
  std::memcpy(contents.data(), &header, sizeof header);
  if (embedded)
    std::memcpy(contents.data() + sizeof header, module.bytes.data(), embedded);
  llvm::Module& m = *c.mc->llvmModule;
  Constant* data = ConstantDataArray::get(*c.context, ArrayRef<uint8_t>(contents));
  auto* global = new GlobalVariable(m, data->getType(), /*isConstant=*/true, GlobalValue::ExternalLinkage, data,
                                    abi::kArtifactSymbol);
  global->setSection(abi::kArtifactSection);
  global->setAlignment(Align(16));
}

/// One partition, start to finish, on the calling thread; its LLVM context
/// is gone when this returns, so only the object stays in memory.
Expected<std::vector<char>> compilePartition(const wasm::Module& module, const Options& options,
                                             const Partition& partition, const ArtifactIdentity* identity) {
  Compilation c = WASMC_TRY(compile(module, options, partition));
  if (identity && partition.tables)
    addArtifactSection(c, module, *identity);
  return emitMachineCode(*c.machine, *c.mc->llvmModule, CodeGenFileType::ObjectFile);
}

/// Runs `compilePart` for every partition of `module` on up to
/// options.jobs threads; the results in partition order, or the error of
/// the first partition that failed.
template <class T, class Compile>
Expected<std::vector<T>> forEachPartition(const wasm::Module& module, const Options& options, Compile compilePart) {
  std::vector<Partition> plan = planPartitions(module, options);
  std::vector<std::optional<Expected<T>>> results(plan.size());
  runParallel(static_cast<unsigned>(plan.size()), jobCount(options),
              [&](unsigned i) { results[i].emplace(compilePart(plan[i])); });
  std::vector<T> values;
  values.reserve(plan.size());
  for (std::optional<Expected<T>>& result : results) {
    if (!*result)
      return std::move(*result).error();
    values.push_back(std::move(**result));
  }
  return values;
}

Expected<ObjectFiles> compileObjects(const wasm::Module& module, const Options& options,
                                     const ArtifactIdentity* identity) {
  return forEachPartition<std::vector<char>>(module, options, [&](const Partition& partition) {
    return compilePartition(module, options, partition, identity);
  });
}

/// One partition as LLVM IR or assembly text, headed (when the module is
/// split) by a comment saying which functions it holds.
Expected<std::string> partitionText(const wasm::Module& module, const Options& options, const Partition& partition,
                                    EmitForm form) {
  Compilation c = WASMC_TRY(compile(module, options, partition));
  std::string text;
  if (partition.split)
    text = std::string(form == EmitForm::LlvmIr ? ";" : "#") + " wasmc partition: defined functions [" +
           std::to_string(partition.begin) + ", " + std::to_string(partition.end) + ")" +
           (partition.big ? ", one big function" : "") + (partition.tables ? ", tables" : "") + "\n";
  if (form == EmitForm::LlvmIr) {
    raw_string_ostream out(text);
    c.mc->llvmModule->print(out, nullptr);
    return text;
  }
  std::vector<char> assembly = WASMC_TRY(emitMachineCode(*c.machine, *c.mc->llvmModule, CodeGenFileType::AssemblyFile));
  return text.append(assembly.begin(), assembly.end());
}

} // namespace

Expected<std::vector<char>> compilePartitionObject(const wasm::Module& module, const Options& options,
                                                   const Partition& partition) {
  return compilePartition(module, options, partition, nullptr);
}

Expected<ObjectFiles> compileToObjects(const wasm::Module& module, const Options& options) {
  return compileObjects(module, options, nullptr);
}

/// An object holding only `bytes`, as the exported constant `symbol`.
Expected<std::vector<char>> dataObject(const Options& options, const char* symbol, const std::vector<uint8_t>& bytes) {
  Compilation c;
  c.machine = WASMC_TRY(threadTargetMachine(options));
  auto llvmModule = std::make_unique<llvm::Module>("wasm_data", *c.context);
  llvmModule->setTargetTriple(c.machine->getTargetTriple().str());
  llvmModule->setDataLayout(c.machine->createDataLayout());
  Constant* data = ConstantDataArray::get(*c.context, ArrayRef<uint8_t>(bytes));
  auto* global =
      new GlobalVariable(*llvmModule, data->getType(), /*isConstant=*/true, GlobalValue::ExternalLinkage, data, symbol);
  global->setAlignment(Align(16));
  c.mc = std::make_unique<ModuleContext>(*c.context, wasm::Module{}, std::move(llvmModule));
  return emitMachineCode(*c.machine, *c.mc->llvmModule, CodeGenFileType::ObjectFile);
}

Expected<ObjectFiles> compileArtifactObjects(const wasm::Module& module, const Options& options,
                                             const ArtifactIdentity& identity) {
  ObjectFiles objects = WASMC_TRY(compileObjects(module, options, &identity));
  // The trap handler's pc -> wasm offset tables, which the loader reads
  // without LLVM (the DWARF they come from is stripped when linking).
  std::vector<uint8_t> tables = rt::encodeOffsetTables(functionOffsetTables(module, objects));
  objects.push_back(WASMC_TRY(dataObject(options, abi::kOffsetsSymbol, tables)));
  return objects;
}

Expected<std::string> emitModule(const wasm::Module& module, const Options& options, EmitForm form) {
  if (form == EmitForm::Object) {
    ObjectFiles objects = WASMC_TRY(compileObjects(module, options, nullptr));
    if (objects.size() == 1)
      return std::string(objects[0].begin(), objects[0].end());
    std::vector<uint8_t> merged = WASMC_TRY(linkRelocatable(objects));
    return std::string(merged.begin(), merged.end());
  }
  std::vector<std::string> parts = WASMC_TRY(forEachPartition<std::string>(
      module, options, [&](const Partition& partition) { return partitionText(module, options, partition, form); }));
  std::string text;
  for (const std::string& part : parts)
    text += part;
  return text;
}

} // namespace wasmc::codegen
