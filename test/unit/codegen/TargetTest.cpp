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
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/Support/CommandLine.h>

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

} // namespace
} // namespace wasmc
