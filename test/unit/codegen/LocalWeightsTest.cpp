// compiler/baseline/LocalWeights: locals weighed by use, four times more
// per enclosing loop, so the registers go to the loop's locals.

#include "compiler/baseline/LocalWeights.h"
#include "test/unit/codegen/ModuleFixture.h"

namespace wasmc::baseline {
namespace {

TEST(LocalWeights, LoopsWeighFourTimesPerLevel) {
  auto bytes = test::assembleWat(R"((module
    (func (param $p i32) (local $once i32) (local $outer i32) (local $inner i32) (local $unused f64)
      (local.set $once (local.get $p))
      (loop $a
        (local.set $outer (i32.add (local.get $outer) (i32.const 1)))
        (block (loop $b
          (local.tee $inner (i32.add (local.get $inner) (i32.const 1)))
          (br_if $b)))
        (br_if $a (local.get $outer)))
      (local.set $once (local.get $inner)))))");
  auto module = wasm::loadModule(bytes);
  ASSERT_TRUE(module) << module.error().describe();
  std::vector<uint64_t> weights = weighLocals(*module, module->functions[0]);
  ASSERT_EQ(weights.size(), 5u);
  EXPECT_EQ(weights[0], 1u);          // $p: one read outside loops
  EXPECT_EQ(weights[1], 2u);          // $once: two writes outside loops
  EXPECT_EQ(weights[2], 4u * 3);      // $outer: three uses in one loop
  EXPECT_EQ(weights[3], 16u * 2 + 1); // $inner: two in the inner loop, one outside
  EXPECT_EQ(weights[4], 0u);
}

} // namespace
} // namespace wasmc::baseline
