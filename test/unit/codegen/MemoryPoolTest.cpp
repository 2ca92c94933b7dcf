// Pooled memories (runtime/MemoryPool.h, issue 18): a module's next
// instance gets the memory of one that is gone, reset. What must hold: it
// is the same reservation (or pooling did nothing), and it is exactly what
// a fresh memory would be: the image's contents, zeros elsewhere, its
// minimum size, no page the last instance wrote or grew into; a trap in it
// is the new store's; a new store's limit still applies.

#include "runtime/Memory.h"
#include "runtime/MemoryPool.h"
#include "runtime/WrittenPages.h"
#include "test/unit/codegen/ModuleFixture.h"

#include <memory>
#include <optional>

namespace wasmc {
namespace {

const char* kModule = R"((module
  (memory (export "memory") 2 8)
  (data (i32.const 16) "image")
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
))";

/// Turns pooling on for one test.
struct Pooling {
  explicit Pooling(size_t capacity) { rt::setMemoryPoolCapacity(capacity); }
  ~Pooling() { rt::setMemoryPoolCapacity(0); }
};

std::shared_ptr<const rt::CompiledModule> compile(const char* wat) {
  auto compiled = engine::compileModule(test::assembleWat(wat), codegen::Options{.optLevel = 2});
  EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
  return compiled ? *compiled : nullptr;
}

uint32_t call(test::Fixture& f, const char* name, std::vector<rt::Value> args = {}) {
  rt::CallResult result = f.call(name, std::move(args));
  EXPECT_FALSE(result.trap) << name;
  return result.trap || result.values.empty() ? 0xdeadbeef : result.values[0].asI32();
}

/// The last instance wrote into the image, next to it, and into pages it
/// grew; the next one must see none of it.
void dirty(test::Fixture& f) {
  call(f, "store", {rt::Value::i32(16), rt::Value::i32('X')});  // an image page
  call(f, "store", {rt::Value::i32(70000), rt::Value::i32(1)}); // the second page, not imaged
  EXPECT_EQ(call(f, "grow", {rt::Value::i32(3)}), 2u);
  call(f, "store", {rt::Value::i32(5 * 65536 - 1), rt::Value::i32(2)});
}

void expectFresh(test::Fixture& f) {
  EXPECT_EQ(call(f, "size"), 2u);
  EXPECT_EQ(call(f, "load", {rt::Value::i32(16)}), uint32_t('i'));
  EXPECT_EQ(call(f, "load", {rt::Value::i32(70000)}), 0u);
  // The pages grown before are out of bounds again...
  rt::CallResult beyond = f.call("load", {rt::Value::i32(3 * 65536)});
  ASSERT_TRUE(beyond.trap) << "a page the last instance grew into is still accessible";
  EXPECT_EQ(beyond.trap->code, abi::TrapCode::MemoryOutOfBounds);
  // ...and zero when grown into again.
  EXPECT_EQ(call(f, "grow", {rt::Value::i32(3)}), 2u);
  EXPECT_EQ(call(f, "load", {rt::Value::i32(5 * 65536 - 1)}), 0u);
}

TEST(MemoryPool, TheNextInstanceGetsTheMemoryAsNew) {
  Pooling pooling(2);
  for (bool imaged : {true, false}) {
    SCOPED_TRACE(imaged ? "imaged" : "copied");
    rt::setMemoryImagesEnabled(imaged);
    auto module = compile(kModule);
    ASSERT_TRUE(module);
    ASSERT_NE(module->memoryPool(), nullptr);
    // Two objects, so the second store is not where the first was: a
    // trap must be claimed for the store using the memory now.
    std::optional<test::Fixture> f, g;
    f.emplace(module);
    ASSERT_TRUE(f->instance);
    uint8_t* first = f->memory();
    dirty(*f);
    f.reset();
    g.emplace(module);
    ASSERT_TRUE(g->instance);
    EXPECT_EQ(g->memory(), first) << "the memory was not reused";
    EXPECT_TRUE(rt::isInStoreMemoryReservation(reinterpret_cast<uintptr_t>(first), g->store.record()));
    expectFresh(*g);
  }
  rt::setMemoryImagesEnabled(true);
}

/// Bytes of [base, base + size) written and resident (WrittenPages.h), or
/// SIZE_MAX past `limit`.
size_t writtenBytes(const uint8_t* base, size_t size, size_t limit) {
  rt::PageRange ranges[16];
  auto start = reinterpret_cast<uintptr_t>(base);
  std::optional<size_t> count = rt::writtenPages(start, start + size, ranges, limit);
  if (!count)
    return SIZE_MAX;
  size_t bytes = 0;
  for (size_t i = 0; i < *count; ++i)
    bytes += ranges[i].end - ranges[i].start;
  return bytes;
}

// Not grown and few pages written: the reset rewrites just those pages
// (the image's bytes back over the image, zeros elsewhere) and they stay
// resident, instead of being dropped with madvise (WrittenPages.h says
// why). Written in many pages: dropped as before. Either way the next
// instance sees a fresh memory, and an idle memory keeps at most
// Memory::kKeepResidentBytes of written pages.
TEST(MemoryPool, AFewWrittenPagesAreRewrittenAndManyDropped) {
  if (!rt::writtenPagesSupported())
    GTEST_SKIP() << "this kernel has no PAGEMAP_SCAN (Linux 6.7): every reset drops its pages";
  Pooling pooling(2);
  for (bool imaged : {true, false}) {
    for (uint32_t stride : {65536u * 2, 4096u}) { // two pages written; every page (128 KiB) written
      SCOPED_TRACE(std::string(imaged ? "imaged" : "copied") + (stride == 4096 ? ", every page" : ", two pages"));
      rt::setMemoryImagesEnabled(imaged);
      rt::setMemoryImageFromFirstInstance(imaged); // else the first instance copies
      auto module = compile(kModule);
      ASSERT_TRUE(module);
      std::optional<test::Fixture> f, g;
      f.emplace(module);
      ASSERT_TRUE(f->instance);
      uint8_t* first = f->memory();
      call(*f, "store", {rt::Value::i32(16), rt::Value::i32('X')});
      call(*f, "store", {rt::Value::i32(70000), rt::Value::i32(1)});
      for (uint32_t at = 4096; at < 2 * 65536; at += stride)
        call(*f, "store", {rt::Value::i32(at + 5), rt::Value::i32(3)});
      f.reset();
      const size_t idle = writtenBytes(first, 2 * 65536, rt::Memory::kKeepResidentBytes);
      EXPECT_LE(idle, rt::Memory::kKeepResidentBytes) << "an idle pooled memory keeps too much resident";
      if (stride == 4096)
        EXPECT_EQ(idle, 0u) << "written past the budget: every page should be dropped";
      else
        EXPECT_GE(idle, 2 * 4096u) << "a few written pages should have been rewritten, not dropped";
      g.emplace(module);
      ASSERT_TRUE(g->instance);
      ASSERT_EQ(g->memory(), first) << "the memory was not reused";
      EXPECT_EQ(call(*g, "size"), 2u);
      EXPECT_EQ(call(*g, "load", {rt::Value::i32(16)}), uint32_t('i'));
      EXPECT_EQ(call(*g, "load", {rt::Value::i32(70000)}), 0u);
      for (uint32_t at = 4096; at < 2 * 65536; at += 4096)
        ASSERT_EQ(call(*g, "load", {rt::Value::i32(at + 5)}), 0u) << "at " << at + 5;
    }
  }
  rt::setMemoryImagesEnabled(true);
  rt::setMemoryImageFromFirstInstance(false);
}

// The store holds the module's last reference: its instance goes first,
// then the module and its image, then the memory, whose reset copies from
// the image. The memory keeps the image alive (the pooled fuzz
// configuration found the reset reading an unmapped image).
TEST(MemoryPool, AMemoryOutlivingItsModuleStillResetsFromItsImage) {
  Pooling pooling(2);
  rt::setMemoryImageFromFirstInstance(true);
  auto module = compile(kModule);
  ASSERT_TRUE(module);
  std::weak_ptr<const rt::CompiledModule> watched = module;
  {
    test::Fixture f(std::move(module));
    ASSERT_TRUE(f.instance);
    call(f, "store", {rt::Value::i32(16), rt::Value::i32('X')});
  }
  EXPECT_TRUE(watched.expired());
  rt::setMemoryImageFromFirstInstance(false);
}

TEST(MemoryPool, ANewStoresLimitStillApplies) {
  Pooling pooling(2);
  auto module = compile(kModule);
  ASSERT_TRUE(module);
  { test::Fixture f(module); }
  rt::Store store;
  rt::StoreLimits limits;
  limits.memoryBytes = 65536; // below the minimum of 2 pages
  store.setLimits(limits);
  rt::Linker linker;
  EXPECT_FALSE(rt::Instance::instantiate(store, module, linker));
  // Within a limit of 3 pages: grow stops there.
  rt::Store small;
  limits.memoryBytes = 3 * 65536;
  small.setLimits(limits);
  auto instance = rt::Instance::instantiate(small, module, linker);
  ASSERT_TRUE(instance) << instance.error().describe();
  const rt::Extern* grow = (*instance)->findExport("grow");
  ASSERT_NE(grow, nullptr);
  std::vector<rt::Value> two{rt::Value::i32(2)}, one{rt::Value::i32(1)};
  EXPECT_EQ(rt::callFunction(small, *grow->func, two).values[0].asI32(), uint32_t(-1));
  EXPECT_EQ(rt::callFunction(small, *grow->func, one).values[0].asI32(), 2u);
}

TEST(MemoryPool, AFullPoolFreesTheRestAndOffMeansNone) {
  {
    Pooling pooling(1);
    auto module = compile(kModule);
    ASSERT_TRUE(module);
    auto a = std::make_unique<test::Fixture>(module);
    auto b = std::make_unique<test::Fixture>(module);
    uint8_t* kept = a->memory();
    a.reset(); // kept in the pool
    b.reset(); // the pool is full: unmapped
    test::Fixture c(module);
    EXPECT_EQ(c.memory(), kept);
  }
  auto unpooled = compile(kModule);
  ASSERT_TRUE(unpooled);
  EXPECT_EQ(unpooled->memoryPool(), nullptr);
}

} // namespace
} // namespace wasmc
