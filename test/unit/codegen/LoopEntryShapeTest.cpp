// The shape of a loop entry's LLVM IR (FunctionLowering.cpp, enterAtLoop):
// entered at an inner loop, every loop of the nest must still be a loop of
// its own in LLVM's eyes, headed at its own header and nested as in the
// wasm code. With one copy of the body, LLVM saw a single loop headed at
// the entered loop's header, the outer loops' iterations inside it: the
// nest one level shallower and the outer loop's code optimised as if it
// were inside the inner one. Lowers entries with the code generator's own
// classes and asks LLVM's LoopInfo.

#include "compiler/codegen/FunctionLowering.h"
#include "compiler/wasm/BodyDecoder.h"
#include "compiler/codegen/ModuleContext.h"
#include "test/unit/codegen/ModuleFixture.h"

#include <llvm/ADT/PostOrderIterator.h>
#include <llvm/Analysis/CFG.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

namespace wasmc {
namespace {

// Three loops nested in a block and a loop after them; then a loop with a
// parameter, whose header is no place to enter.
const char* kModule = R"((module
  (memory 1)
  (func (export "nest") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $k i32) (local $s i32)
    (block $done
      (loop $outer
        (local.set $j (i32.const 0))
        ;; Iterations that skip the loops inside: cycles of $outer that
        ;; do not pass the inner headers (what makes an entry at an inner
        ;; loop irreducible in one copy).
        (br_if $outer (i32.and (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1)))
        (loop $middle
          (local.set $k (i32.const 0))
          (br_if $middle (i32.and (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 1)))
          (loop $inner
            (local.set $s (i32.add (local.get $s) (i32.load (local.get $k))))
            (br_if $inner (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 4))) (local.get $n))))
          (br_if $middle (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
        (br_if $done (i32.ge_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))
        (br $outer)))
    (loop $after
      (local.set $s (i32.mul (local.get $s) (i32.const 3)))
      (br_if $after (i32.lt_u (local.tee $i (i32.sub (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $s))
  ;; $carried takes a parameter: its header has a value on the operand
  ;; stack, so there is no copy entered there. $deep inside it can be
  ;; entered, and LLVM then sees one loop headed at $deep's header with
  ;; $carried's iterations inside it (what every entry at an inner loop
  ;; gave before the copies).
  (func (export "under") (param $n i32) (result i32) (local $i i32) (local $k i32)
    i32.const 7
    loop $carried (param i32)
      drop
      (local.set $k (i32.const 0))
      (br_if $carried (local.get $i) (i32.and (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1)))
      drop
      (loop $deep
        (br_if $deep (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
      (br_if $carried (local.get $i) (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))
      drop
    end
    (local.get $i))
))";

struct Shape {
  bool reducible = false; // no cycle LoopInfo does not see as a loop
  unsigned loops = 0;    // natural loops reachable from the entry
  unsigned maxDepth = 0; // the deepest nesting among them
};

/// The offsets of the `loop` instructions of defined function `index`.
std::vector<uint32_t> loopOffsets(const wasm::Module& module, uint32_t index) {
  struct Collect {
    std::vector<uint32_t> offsets;
    Expected<void> visit(const wasm::Instr& instr) {
      if (instr.op == wasm::Opcode::Loop)
        offsets.push_back(static_cast<uint32_t>(instr.offset));
      return {};
    }
  } collect;
  const wasm::Function& func = module.functions[index];
  wasm::ByteReader reader(module.slice(func.body), func.body.offset);
  EXPECT_TRUE(wasm::decodeBody(reader, collect));
  return collect.offsets;
}

Shape shapeOfEntry(const wasm::Module& module, uint32_t index, uint32_t loopOffset, std::string& problems) {
  llvm::LLVMContext context;
  auto llvmModule = std::make_unique<llvm::Module>("wasm", context);
  codegen::ModuleContext mc(context, module, std::move(llvmModule));
  mc.prepareFunctions(/*split=*/true);
  Expected<void> lowered = codegen::lowerLoopEntry(mc, module.numImportedFuncs + index, loopOffset);
  if (!lowered) {
    problems = lowered.error().describe();
    return {};
  }
  llvm::raw_string_ostream out(problems);
  if (llvm::verifyModule(*mc.llvmModule, &out))
    return {};
  llvm::Function* entry = nullptr;
  for (llvm::Function& function : *mc.llvmModule)
    if (!function.isDeclaration() && function.getName().contains("$osr"))
      entry = &function;
  if (!entry) {
    problems = "no loop entry in the module";
    return {};
  }
  llvm::DominatorTree dominators(*entry);
  llvm::LoopInfo loops(dominators);
  llvm::ReversePostOrderTraversal<llvm::Function*> order(entry);
  Shape shape;
  shape.reducible = !llvm::containsIrreducibleCFG<const llvm::BasicBlock*>(order, loops);
  for (llvm::Loop* loop : loops.getLoopsInPreorder()) {
    ++shape.loops;
    shape.maxDepth = std::max(shape.maxDepth, loop->getLoopDepth());
  }
  return shape;
}

TEST(LoopEntryShape, EveryLoopOfTheNestStaysANaturalLoop) {
  std::vector<uint8_t> bytes = test::assembleWat(kModule);
  auto module = wasm::loadModule(bytes);
  ASSERT_TRUE(module) << module.error().describe();
  std::vector<uint32_t> offsets = loopOffsets(*module, 0);
  ASSERT_EQ(offsets.size(), 4u); // outer, middle, inner, after
  // Entered at each loop: the nest below the entered loop plus, for the
  // copies, the loops around it; `after` is a loop in every copy's tail.
  struct Expect {
    uint32_t at;
    unsigned maxDepth;
  };
  for (Expect expect : {Expect{offsets[0], 3}, Expect{offsets[1], 3}, Expect{offsets[2], 3}, Expect{offsets[3], 1}}) {
    std::string problems;
    Shape shape = shapeOfEntry(*module, 0, expect.at, problems);
    ASSERT_TRUE(problems.empty()) << problems;
    EXPECT_TRUE(shape.reducible) << "entered at " << expect.at;
    EXPECT_EQ(shape.maxDepth, expect.maxDepth) << "entered at " << expect.at;
  }
}

TEST(LoopEntryShape, ALoopWithAValueBelowItIsNoPlaceToEnter) {
  std::vector<uint8_t> bytes = test::assembleWat(kModule);
  auto module = wasm::loadModule(bytes);
  ASSERT_TRUE(module) << module.error().describe();
  std::vector<uint32_t> offsets = loopOffsets(*module, 1);
  ASSERT_EQ(offsets.size(), 2u); // carried (a value on the stack at its header), deep
  std::string problems;
  shapeOfEntry(*module, 1, offsets[0], problems);
  EXPECT_NE(problems.find("no loop reachable with an empty operand stack"), std::string::npos) << problems;
  // $deep can be entered, in one copy ($carried gets none).
  problems.clear();
  shapeOfEntry(*module, 1, offsets[1], problems);
  EXPECT_TRUE(problems.empty()) << problems;
}

} // namespace
} // namespace wasmc
