// Memory images (runtime/MemoryImage.h, issue 18): an instance's data
// segments mapped copy-on-write from one sealed memfd per module instead
// of copied. What must hold: the memory an instance starts with is exactly
// what copying gives; no instance sees another's writes; modules whose
// segments cannot be imaged are copied as before (and fail as before).

#include "runtime/MemoryImage.h"
#include "test/unit/codegen/ModuleFixture.h"

#include <cstring>
#include <vector>

namespace wasmc {
namespace {

/// Overlapping segments (the later wins), one ending exactly at the
/// memory's end, an empty one, a passive one, and a page with nothing.
const char* kSegments = R"((module
  (memory (export "memory") 3)
  (data (i32.const 0) "abcdefgh")
  (data (i32.const 4) "XY")
  (data (i32.const 70000) "\01\02\03")
  (data (i32.const 196600) "\ff\fe\fd\fc\fb\fa\f9\f8")
  (data (i32.const 196608) "")
  (data "passive, never mapped")
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
))";

/// `wat` compiled, and instantiated once: a module's first instance copies
/// its segments, the later ones map the image (memoryImageForInstance).
std::shared_ptr<const rt::CompiledModule> compile(const char* wat) {
  auto compiled = engine::compileModule(test::assembleWat(wat), codegen::Options{.optLevel = 2});
  EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
  if (!compiled)
    return nullptr;
  rt::Store store;
  rt::Linker linker;
  (void)rt::Instance::instantiate(store, *compiled, linker);
  return *compiled;
}

std::vector<uint8_t> contents(test::Fixture& f) {
  return std::vector<uint8_t>(f.memory(), f.memory() + f.memorySize());
}

TEST(MemoryImage, AnInstanceStartsWithWhatCopyingGives) {
  // A module decides on its image at its first instantiation.
  rt::setMemoryImagesEnabled(false);
  auto copied = compile(kSegments);
  ASSERT_TRUE(copied);
  test::Fixture a(copied);
  rt::setMemoryImagesEnabled(true);
  auto imaged = compile(kSegments);
  ASSERT_TRUE(imaged);
  test::Fixture b(imaged);
  ASSERT_TRUE(a.instance && b.instance);
  EXPECT_EQ(copied->memoryImage(), nullptr);
  ASSERT_NE(imaged->memoryImage(), nullptr) << "these segments can be imaged";
  EXPECT_EQ(imaged->memoryImage()->bytes(), 3u * 65536);
  EXPECT_EQ(contents(a), contents(b));
  EXPECT_EQ(std::memcmp(b.memory(), "abcdXYgh", 8), 0);
  EXPECT_EQ(b.memory()[196607], 0xf8);
  // Active segments are dropped after instantiation, imaged or not.
  EXPECT_EQ(b.call("load", {rt::Value::i32(70001)}).values[0].asI32(), 2u);
}

TEST(MemoryImage, NoInstanceSeesAnothersWrites) {
  auto module = compile(kSegments);
  ASSERT_TRUE(module);
  auto first = std::make_unique<test::Fixture>(module);
  test::Fixture second(module);
  ASSERT_TRUE(first->instance && second.instance);
  ASSERT_NE(module->memoryImage(), nullptr);
  first->call("store", {rt::Value::i32(0), rt::Value::i32('Z')});
  first->call("store", {rt::Value::i32(70000), rt::Value::i32(9)});
  first->call("store", {rt::Value::i32(100000), rt::Value::i32(7)}); // a page the image leaves empty
  EXPECT_EQ(first->call("load", {rt::Value::i32(0)}).values[0].asI32(), uint32_t('Z'));
  EXPECT_EQ(second.call("load", {rt::Value::i32(0)}).values[0].asI32(), uint32_t('a'));
  EXPECT_EQ(second.call("load", {rt::Value::i32(70000)}).values[0].asI32(), 1u);
  EXPECT_EQ(second.call("load", {rt::Value::i32(100000)}).values[0].asI32(), 0u);
  second.call("store", {rt::Value::i32(1), rt::Value::i32('Q')});
  EXPECT_EQ(first->call("load", {rt::Value::i32(1)}).values[0].asI32(), uint32_t('b'));
  // A later instance starts from the image, not from what the first wrote.
  first.reset();
  test::Fixture third(module);
  EXPECT_EQ(third.call("load", {rt::Value::i32(0)}).values[0].asI32(), uint32_t('a'));
  EXPECT_EQ(third.call("load", {rt::Value::i32(70000)}).values[0].asI32(), 1u);
}

TEST(MemoryImage, GrowingAddsZeroPagesAfterTheImage) {
  auto module = compile(kSegments);
  ASSERT_TRUE(module);
  test::Fixture f(module);
  ASSERT_TRUE(f.instance);
  EXPECT_EQ(f.call("grow", {}).values[0].asI32(), 3u);
  EXPECT_EQ(f.call("load", {rt::Value::i32(196607)}).values[0].asI32(), 0xf8u);
  EXPECT_EQ(f.call("load", {rt::Value::i32(200000)}).values[0].asI32(), 0u);
  f.call("store", {rt::Value::i32(200000), rt::Value::i32(5)});
  EXPECT_EQ(f.call("load", {rt::Value::i32(200000)}).values[0].asI32(), 5u);
}

TEST(MemoryImage, SegmentsThatCannotBeImagedAreCopied) {
  // Past the minimum size: instantiation traps at that segment.
  auto outOfBounds = compile(R"((module (memory 1) (data (i32.const 0) "ok") (data (i32.const 65535) "no")))");
  ASSERT_TRUE(outOfBounds);
  EXPECT_EQ(outOfBounds->memoryImage(), nullptr);
  rt::Store store;
  rt::Linker linker;
  auto failed = rt::Instance::instantiate(store, outOfBounds, linker);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("out of bounds memory access"), std::string::npos) << failed.error().message;
  // An offset from an imported global, an imported memory, passive
  // segments only: no image either.
  auto fromGlobal = compile(R"((module (global $g (import "env" "g") i32) (memory 1)
                                 (data (global.get $g) "x")))");
  ASSERT_TRUE(fromGlobal);
  EXPECT_EQ(fromGlobal->memoryImage(), nullptr);
  auto imported = compile(R"((module (memory (import "env" "m") 1) (data (i32.const 0) "x")))");
  ASSERT_TRUE(imported);
  EXPECT_EQ(imported->memoryImage(), nullptr);
  auto passive = compile(R"((module (memory 1) (data "x")))");
  ASSERT_TRUE(passive);
  EXPECT_EQ(passive->memoryImage(), nullptr);
}

} // namespace
} // namespace wasmc
