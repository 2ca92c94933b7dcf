// The target wasmc generates code for (Target.cpp), where two of the
// sandbox's premises live (docs/SECURITY.md, S4): no AVX-512, whose masked
// moves skip a masked-off element's load and its fault, and no CMOV
// conversion, which made a cmov from memory a branch around the load.
//
// The second is one of LLVM's command-line options, and lld sets every
// such option back to its default when a link starts: after the in-process
// link of an artifact, the next compilation in the process ran with LLVM's
// defaults (DiscardedLoadTest's baseline and tiered configurations,
// compiled after its AOT one, lost their traps that way). wasmc's options
// must hold again after every link.

#include "compiler/codegen/Target.h"
#include "test/unit/codegen/ModuleFixture.h"

#include <llvm/ADT/StringMap.h>
#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/Support/CommandLine.h>

#include <thread>

namespace wasmc {
namespace {

llvm::cl::Option* option(const char* name) {
  llvm::StringMap<llvm::cl::Option*>& options = llvm::cl::getRegisteredOptions();
  auto found = options.find(name);
  return found == options.end() ? nullptr : found->second;
}

TEST(LlvmOptions, WasmcsChoicesHoldAfterAnInProcessLink) {
  std::vector<uint8_t> bytes = test::assembleWat(R"((module (func (export "f") (result i32) (i32.const 1))))");
  ASSERT_FALSE(bytes.empty());
  for (int link = 0; link < 2; ++link) {
    auto compiled = engine::compileModuleAot(bytes, codegen::Options{.optLevel = 2});
    ASSERT_TRUE(compiled) << compiled.error().describe();
    for (const char* name : {"x86-cmov-converter", "disable-lsr", "x86-experimental-pref-innermost-loop-alignment"}) {
      llvm::cl::Option* chosen = option(name);
      ASSERT_NE(chosen, nullptr) << name;
      EXPECT_GT(chosen->getNumOccurrences(), 0) << name << " is back at LLVM's default after link " << link;
    }
    // Declared in LLVM's X86CmovConversion.cpp as a cl::opt<bool>.
    EXPECT_FALSE(static_cast<llvm::cl::opt<bool>*>(option("x86-cmov-converter"))->getValue());
  }
}

TEST(Target, NoAvx512ForAnyCpu) {
  // This host, the baseline, and named CPUs that have AVX-512.
  for (const char* cpu : {"native", "generic", "skylake-avx512", "znver4", "sapphirerapids"}) {
    auto machine = codegen::createTargetMachine(codegen::Options{.cpu = cpu});
    ASSERT_TRUE(machine) << cpu << ": " << machine.error().describe();
    for (const char* feature : {"+avx512f", "+avx512vl", "+avx512bw", "+avx512dq", "+avx512fp16"})
      EXPECT_FALSE((*machine)->getMCSubtargetInfo()->checkFeatures(feature)) << cpu << " has " << feature;
  }
}

TEST(Target, EachThreadKeepsItsTargetMachinePerCpuAndLevel) {
  codegen::Options o2{.optLevel = 2};
  codegen::Options o0{.optLevel = 0};
  llvm::TargetMachine* first = *codegen::threadTargetMachine(o2);
  EXPECT_EQ(*codegen::threadTargetMachine(o2), first) << "a compile created a TargetMachine again";
  llvm::TargetMachine* fast = *codegen::threadTargetMachine(o0);
  EXPECT_NE(fast, first);
  EXPECT_EQ(fast->getOptLevel(), llvm::CodeGenOptLevel::None);
  EXPECT_EQ(first->getOptLevel(), llvm::CodeGenOptLevel::Default);
  codegen::Options generic{.optLevel = 2, .cpu = "generic"};
  llvm::TargetMachine* genericMachine = *codegen::threadTargetMachine(generic);
  EXPECT_NE(genericMachine, first);
  EXPECT_EQ(genericMachine->getTargetCPU(), "x86-64");
  // Not shared with another thread: LLVM's TargetMachine is not thread-safe.
  llvm::TargetMachine* other = nullptr;
  std::thread([&] { other = *codegen::threadTargetMachine(o2); }).join();
  EXPECT_NE(other, first);
}

/// `ir` compiled to an object by this thread's machine for `options`.
std::string objectOf(const char* ir, const codegen::Options& options) {
  llvm::LLVMContext context;
  llvm::SMDiagnostic diagnostic;
  std::unique_ptr<llvm::Module> module = llvm::parseAssemblyString(ir, diagnostic, context);
  if (!module)
    return "parse error: " + diagnostic.getMessage().str();
  llvm::TargetMachine* machine = *codegen::threadTargetMachine(options);
  module->setDataLayout(machine->createDataLayout());
  module->setTargetTriple(machine->getTargetTriple().str());
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream stream(buffer);
  llvm::legacy::PassManager passes;
  if (machine->addPassesToEmitFile(passes, stream, nullptr, llvm::CodeGenFileType::ObjectFile))
    return "cannot emit";
  passes.run(*module);
  return std::string(buffer.begin(), buffer.end());
}

TEST(Target, AReusedTargetMachineGivesTheSameCode) {
  // The thread's machine compiles module A, then B (vectors and floats:
  // other lowering paths), then A again: A's object must not change.
  const char* a = R"(
    define i32 @f(ptr %p, i32 %x) {
      %v = load i32, ptr %p
      %m = mul i32 %x, 7
      %s = add i32 %v, %m
      ret i32 %s
    })";
  const char* b = R"(
    define double @g(ptr %p, <2 x double> %w) {
      %v = load <2 x double>, ptr %p
      %m = fmul <2 x double> %v, %w
      %e = extractelement <2 x double> %m, i32 1
      ret double %e
    })";
  codegen::Options options{.optLevel = 2};
  std::string first = objectOf(a, options);
  ASSERT_GT(first.size(), 64u) << first;
  EXPECT_GT(objectOf(b, options).size(), 64u);
  EXPECT_EQ(objectOf(a, options), first);
}

} // namespace
} // namespace wasmc
