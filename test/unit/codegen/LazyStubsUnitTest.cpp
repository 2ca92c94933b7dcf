// compiler/codegen/LazyStubs on its own, with C functions for targets: a
// stub's first call reaches the resolver with its index and every argument
// intact, later calls go straight to the target, and setTarget redirects.
// (FirstCallTest does the same through wasm; LazyStubsTest past 65,536.)

#include "compiler/codegen/LazyStubs.h"

#include <gtest/gtest.h>

#include <vector>

namespace wasmc {
namespace {

int64_t weighInts(int64_t a, int64_t b, int64_t c, int64_t d, int64_t e, int64_t f, int64_t g, int64_t h) {
  return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h;
}

double weighDoubles(double a, double b, double c, double d, double e, double f, double g, double h, double i) {
  return a + 2 * b + 4 * c + 8 * d + 16 * e + 32 * f + 64 * g + 128 * h + 256 * i;
}

int64_t negate(int64_t a, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t) { return -a; }

struct Resolver {
  codegen::LazyStubs* stubs = nullptr;
  std::vector<uint32_t> asked;
  // Clobbers every argument register, as a compile may: the stub's
  // resolver must have saved them (FirstCallTest's compiles happen not
  // to touch xmm5, so a resolver that forgot it passed there).
  static const void* resolve(void* self, uint32_t index) {
    asm volatile("xorps %%xmm0, %%xmm0\n\txorps %%xmm1, %%xmm1\n\txorps %%xmm2, %%xmm2\n\t"
                 "xorps %%xmm3, %%xmm3\n\txorps %%xmm4, %%xmm4\n\txorps %%xmm5, %%xmm5\n\t"
                 "xorps %%xmm6, %%xmm6\n\txorps %%xmm7, %%xmm7\n\t"
                 "xorl %%edx, %%edx\n\txorl %%ecx, %%ecx\n\txorl %%r8d, %%r8d\n\txorl %%r9d, %%r9d"
                 ::: "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "rdx", "rcx", "r8", "r9");
    auto& resolver = *static_cast<Resolver*>(self);
    resolver.asked.push_back(index);
    const void* code = index == 0 ? reinterpret_cast<const void*>(&weighInts) : reinterpret_cast<const void*>(&weighDoubles);
    resolver.stubs->setTarget(index, code);
    return code;
  }
};

TEST(LazyStubsUnit, FirstCallsResolveOnceWithEveryArgument) {
  Resolver resolver;
  auto stubs = codegen::LazyStubs::create(2, &Resolver::resolve, &resolver);
  ASSERT_TRUE(stubs) << stubs.error().describe();
  resolver.stubs = stubs->get();
  auto ints = reinterpret_cast<decltype(&weighInts)>((*stubs)->stubs()[0]);
  auto doubles = reinterpret_cast<decltype(&weighDoubles)>((*stubs)->stubs()[1]);
  EXPECT_TRUE((*stubs)->unresolved(0));
  EXPECT_EQ(ints(1, 10, 100, 1000, 10000, 100000, 1000000, 10000000), weighInts(1, 10, 100, 1000, 10000, 100000, 1000000, 10000000));
  EXPECT_FALSE((*stubs)->unresolved(0));
  EXPECT_TRUE((*stubs)->unresolved(1));
  EXPECT_EQ(doubles(1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5), weighDoubles(1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5));
  EXPECT_EQ(ints(8, 7, 6, 5, 4, 3, 2, 1), weighInts(8, 7, 6, 5, 4, 3, 2, 1));
  EXPECT_EQ(resolver.asked, (std::vector<uint32_t>{0, 1})) << "each stub asks once";
  // Tier-up's redirect: the next call goes to the new target.
  (*stubs)->setTarget(0, reinterpret_cast<const void*>(&negate));
  EXPECT_EQ(ints(5, 0, 0, 0, 0, 0, 0, 0), -5);
  EXPECT_EQ(resolver.asked.size(), 2u);
}

} // namespace
} // namespace wasmc
