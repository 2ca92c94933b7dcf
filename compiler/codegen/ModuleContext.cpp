// Module-wide lowering: LLVM types for wasm signatures, function
// declarations, and the trampolines between the host's slot arrays and the
// wasm calling convention (see runtime/Abi.h).

#include "compiler/codegen/ModuleContext.h"

#include "runtime/Abi.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/MDBuilder.h>

#include <charconv>
#include <tuple>

namespace wasmc::codegen {

using namespace llvm;

void addFunctionAttributes(Function* function) {
  // Backtraces walk the frame-pointer chain, from signal handlers too.
  function->addFnAttr("frame-pointer", "all");
  // A frame larger than a page must touch each page in order, so it hits the
  // stack guard page instead of jumping over it.
  function->addFnAttr("probe-stack", "inline-asm");
  function->addFnAttr(Attribute::NoUnwind);
}

ModuleContext::ModuleContext(LLVMContext& context, const wasm::Module& module,
                             std::unique_ptr<llvm::Module> llvmModule)
    : ctx(context), module(module), llvmModule(std::move(llvmModule)),
      lines(std::make_unique<OffsetLines>(*this->llvmModule)), functions_(module.functions.size()) {
  functionTypes_.reserve(module.types.size());
  for (const wasm::FuncType& type : module.types)
    functionTypes_.push_back(wasmFunctionType(type));
  MDBuilder md(ctx);
  MDNode* root = md.createTBAARoot("wasmc");
  auto tag = [&](const char* name, MDNode* parent) {
    MDNode* type = md.createTBAAScalarTypeNode(name, parent);
    return std::pair{md.createTBAAStructTagNode(type, type, 0), type};
  };
  MDNode* memoryType;
  std::tie(tbaaLinearMemory, memoryType) = tag("linear memory", root);
  // Globals are a kind of linear memory for alias analysis: any memory
  // access may fault, ending the function with a trap after which the host
  // sees the globals, so LLVM must treat it as reading them. Unrelated
  // classes, a global.set before a faulting load in a loop with no normal
  // exit was deleted as a dead store (test/regress, L1).
  tbaaGlobal = tag("global", memoryType).first;
  tbaaRuntime = tag("runtime", root).first;
}

Type* ModuleContext::valueType(wasm::ValType type) const {
  switch (type) {
  case wasm::ValType::I32: return Type::getInt32Ty(ctx);
  case wasm::ValType::I64: return Type::getInt64Ty(ctx);
  case wasm::ValType::F32: return Type::getFloatTy(ctx);
  case wasm::ValType::F64: return Type::getDoubleTy(ctx);
  case wasm::ValType::V128: return FixedVectorType::get(Type::getInt64Ty(ctx), 2);
  case wasm::ValType::FuncRef:
  case wasm::ValType::ExternRef: return PointerType::getUnqual(ctx);
  }
  return nullptr;
}

Type* ModuleContext::resultType(const wasm::FuncType& type) const {
  if (type.results.empty())
    return Type::getVoidTy(ctx);
  if (type.results.size() == 1)
    return valueType(type.results[0]);
  std::vector<Type*> fields;
  for (wasm::ValType result : type.results) {
    Type* field = valueType(result);
    fields.push_back(field->isFloatingPointTy() ? Type::getIntNTy(ctx, field->getPrimitiveSizeInBits())
                                                : field);
  }
  return StructType::get(ctx, fields);
}

Value* ModuleContext::packResults(IRBuilderBase& b, const wasm::FuncType& type, ArrayRef<Value*> results) const {
  if (results.empty())
    return nullptr;
  if (results.size() == 1)
    return results[0];
  auto* structType = cast<StructType>(resultType(type));
  Value* aggregate = PoisonValue::get(structType);
  for (unsigned i = 0; i < results.size(); ++i)
    aggregate = b.CreateInsertValue(aggregate, b.CreateBitCast(results[i], structType->getElementType(i)), i);
  return aggregate;
}

std::vector<Value*> ModuleContext::unpackResults(IRBuilderBase& b, const wasm::FuncType& type,
                                                 Value* returned) const {
  if (type.results.size() == 1)
    return {returned};
  std::vector<Value*> results;
  for (unsigned i = 0; i < type.results.size(); ++i)
    results.push_back(b.CreateBitCast(b.CreateExtractValue(returned, i), valueType(type.results[i])));
  return results;
}

FunctionType* ModuleContext::wasmFunctionType(const wasm::FuncType& type) const {
  std::vector<Type*> params{PointerType::getUnqual(ctx)};
  for (wasm::ValType param : type.params)
    params.push_back(valueType(param));
  return FunctionType::get(resultType(type), params, false);
}

void ModuleContext::prepareFunctions(bool split) { split_ = split; }

namespace {
constexpr std::string_view kFunctionSymbolPrefix = "wasm_function_";
} // namespace

std::string functionSymbol(const wasm::Module& module, wasm::FuncIndex index) {
  std::string name = std::string(kFunctionSymbolPrefix) + std::to_string(index);
  std::string wasmName = module.funcName(index);
  if (!wasmName.empty())
    name += "_" + wasmName;
  return name;
}

std::string loopEntrySymbol(const wasm::Module& module, wasm::FuncIndex index, uint32_t loopOffset) {
  return functionSymbol(module, index) + "$osr" + std::to_string(loopOffset);
}


std::optional<uint32_t> functionOfSymbol(const wasm::Module& module, std::string_view name, bool* loopEntry) {
  if (!name.starts_with(kFunctionSymbolPrefix))
    return std::nullopt;
  std::string_view digits = name.substr(kFunctionSymbolPrefix.size());
  wasm::FuncIndex index = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (error != std::errc() || index < module.numImportedFuncs ||
      index - module.numImportedFuncs >= module.functions.size())
    return std::nullopt;
  std::string expected = functionSymbol(module, index);
  bool entry = false;
  if (name != expected) {
    if (!name.starts_with(expected) || !name.substr(expected.size()).starts_with("$osr"))
      return std::nullopt;
    entry = true;
  }
  if (loopEntry)
    *loopEntry = entry;
  return index - module.numImportedFuncs;
}


Function* ModuleContext::declareLoopEntry(wasm::FuncIndex index, uint32_t loopOffset) {
  const wasm::FuncType& type = module.funcType(index);
  PointerType* ptr = PointerType::getUnqual(ctx);
  auto* signature = FunctionType::get(resultType(type), {ptr, ptr}, false);
  Function* function = Function::Create(signature, GlobalValue::ExternalLinkage,
                                        loopEntrySymbol(module, index, loopOffset), llvmModule.get());
  function->setVisibility(GlobalValue::HiddenVisibility);
  function->setDSOLocal(true);
  addFunctionAttributes(function);
  return function;
}

Function* ModuleContext::declareFunction(wasm::FuncIndex index) {
  // One partition: internal, reachable only through wasmc_functions. Split:
  // a hidden symbol, so other partitions' objects can call it directly and
  // the last one can list it in wasmc_functions, without exporting it from
  // a .cwasm. Every function is in wasmc_functions (its address is taken)
  // either way, so LLVM could not change its calling convention or drop it
  // anyway; inlining within a partition is unaffected.
  Function* function = Function::Create(functionTypes_[module.funcTypes[index]],
                                        split_ ? GlobalValue::ExternalLinkage : GlobalValue::InternalLinkage,
                                        functionSymbol(module, index), llvmModule.get());
  if (split_) {
    function->setVisibility(GlobalValue::HiddenVisibility);
    function->setDSOLocal(true);
  }
  addFunctionAttributes(function);
  return function;
}

namespace {

Value* slotAddress(IRBuilder<>& b, Value* slots, unsigned index) {
  return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), slots, uint64_t(index) * sizeof(abi::Slot));
}

} // namespace

Function* ModuleContext::emitEntryTrampoline(wasm::TypeIndex typeIndex) {
  const wasm::FuncType& type = module.types[typeIndex];
  Type* ptrTy = PointerType::getUnqual(ctx);
  FunctionType* trampolineType = FunctionType::get(Type::getVoidTy(ctx), {ptrTy, ptrTy, ptrTy}, false);
  Function* trampoline = Function::Create(trampolineType, GlobalValue::InternalLinkage,
                                          "wasm_entry_" + std::to_string(typeIndex), llvmModule.get());
  addFunctionAttributes(trampoline);
  IRBuilder<> b(BasicBlock::Create(ctx, "entry", trampoline));
  Value* code = trampoline->getArg(0);
  Value* vmctx = trampoline->getArg(1);
  Value* slots = trampoline->getArg(2);
  std::vector<Value*> args{vmctx};
  for (unsigned i = 0; i < type.params.size(); ++i)
    args.push_back(b.CreateLoad(valueType(type.params[i]), slotAddress(b, slots, i)));
  CallInst* call = b.CreateCall(functionTypes_[typeIndex], code, args);
  if (!type.results.empty()) {
    std::vector<Value*> results = unpackResults(b, type, call);
    for (unsigned i = 0; i < results.size(); ++i)
      b.CreateStore(results[i], slotAddress(b, slots, i));
  }
  b.CreateRetVoid();
  return trampoline;
}

Function* ModuleContext::emitHostAdapter(wasm::TypeIndex typeIndex) {
  const wasm::FuncType& type = module.types[typeIndex];
  Function* adapter = Function::Create(functionTypes_[typeIndex], GlobalValue::InternalLinkage,
                                       "wasm_host_adapter_" + std::to_string(typeIndex), llvmModule.get());
  addFunctionAttributes(adapter);
  IRBuilder<> b(BasicBlock::Create(ctx, "entry", adapter));
  Type* ptrTy = PointerType::getUnqual(ctx);
  Type* i32Ty = Type::getInt32Ty(ctx);
  Value* hostFunc = adapter->getArg(0);
  size_t count = std::max<size_t>(1, std::max(type.params.size(), type.results.size()));
  AllocaInst* slots = b.CreateAlloca(ArrayType::get(Type::getInt128Ty(ctx), count));
  slots->setAlignment(Align(16));
  for (unsigned i = 0; i < type.params.size(); ++i)
    b.CreateStore(adapter->getArg(i + 1), slotAddress(b, slots, i));
  FunctionType* callbackType = FunctionType::get(i32Ty, {ptrTy, ptrTy}, false);
  Value* callback = b.CreateLoad(ptrTy, b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), hostFunc, offsetof(abi::HostFunc, callback)));
  Value* status = b.CreateCall(callbackType, callback, {hostFunc, slots});
  BasicBlock* failed = BasicBlock::Create(ctx, "trap", adapter);
  BasicBlock* done = BasicBlock::Create(ctx, "done", adapter);
  b.CreateCondBr(b.CreateICmpNE(status, b.getInt32(0)), failed, done);
  b.SetInsertPoint(failed);
  FunctionType* raiseType = FunctionType::get(Type::getVoidTy(ctx), {i32Ty}, false);
  Value* raise = b.CreateLoad(ptrTy, b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), hostFunc, offsetof(abi::HostFunc, raiseTrap)));
  b.CreateCall(raiseType, raise, {status});
  b.CreateUnreachable();
  b.SetInsertPoint(done);
  if (type.results.empty()) {
    b.CreateRetVoid();
  } else {
    std::vector<Value*> results;
    for (unsigned i = 0; i < type.results.size(); ++i)
      results.push_back(b.CreateLoad(valueType(type.results[i]), slotAddress(b, slots, i)));
    b.CreateRet(packResults(b, type, results));
  }
  return adapter;
}

void ModuleContext::emitPointerArray(const char* name, const std::vector<Constant*>& elements) {
  Type* ptrTy = PointerType::getUnqual(ctx);
  ArrayType* arrayType = ArrayType::get(ptrTy, elements.size());
  new GlobalVariable(*llvmModule, arrayType, /*isConstant=*/true, GlobalValue::ExternalLinkage,
                     ConstantArray::get(arrayType, elements), name);
}

void ModuleContext::emitTrampolinesAndTables(bool functionTable) {
  std::vector<Constant*> functions;
  if (functionTable) {
    functions.reserve(module.functions.size());
    for (uint32_t i = 0; i < module.functions.size(); ++i)
      functions.push_back(definedFunction(module.numImportedFuncs + i));
  }
  std::vector<Constant*> entries;
  std::vector<Constant*> adapters;
  for (wasm::TypeIndex type = 0; type < module.types.size(); ++type) {
    entries.push_back(emitEntryTrampoline(type));
    adapters.push_back(emitHostAdapter(type));
  }
  // Last in the module, so last in .text: where the module's code ends.
  Function* end = Function::Create(FunctionType::get(Type::getVoidTy(ctx), false), GlobalValue::ExternalLinkage,
                                   abi::kCodeEndSymbol, llvmModule.get());
  addFunctionAttributes(end);
  IRBuilder<>(BasicBlock::Create(ctx, "entry", end)).CreateRetVoid();
  if (functionTable)
    emitPointerArray(abi::kFunctionsSymbol, functions);
  emitPointerArray(abi::kEntriesSymbol, entries);
  emitPointerArray(abi::kHostAdaptersSymbol, adapters);
}

} // namespace wasmc::codegen
