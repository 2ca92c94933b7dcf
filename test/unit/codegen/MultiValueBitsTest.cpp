// Issue 20: every result of a multi-value function keeps its bits, however
// it travels: returned directly, through call_indirect, from a host
// function, from another instance (compiled by the JIT or loaded from an
// artifact), and out to the host through the entry trampoline. Signalling
// NaNs are the probe: an x87 load (the native convention's way of
// returning a third float) quiets them.
//
// Shapes: 1..8 results of f32, of f64 and of v128, and a mixed one. Each
// consumer stores what it received into memory (stores keep bits), the test
// compares memory and returned values with the bits it put in.

#include "test/unit/codegen/ModuleFixture.h"

#include <cstring>
#include <regex>
#include <sstream>

namespace wasmc {
namespace {

using wasm::ValType;

/// One result: its type and bits (v128: two words).
struct Bits {
  ValType type;
  uint64_t lo, hi = 0;
};

struct Shape {
  std::string name;
  std::vector<Bits> results;
};

/// Signalling NaNs (quiet bit clear, payload non-zero), both signs, a
/// different payload per position; v128 lanes hold f32 and f64 sNaNs.
Bits resultAt(ValType type, unsigned k) {
  switch (type) {
  case ValType::F32: return {type, (k % 2 ? 0xFF800000u : 0x7F800000u) | (0x100000u + k + 1)};
  case ValType::F64:
    return {type, (k % 2 ? 0xFFF0000000000000ull : 0x7FF0000000000000ull) | (0x4000000000000ull + k + 1)};
  case ValType::V128: return {type, 0xFFA000027F900001ull + k, 0x7FF4000000000000ull + k};
  case ValType::I32: return {type, 0x7F900000u + k};
  default: return {type, 0x7FF4000000000000ull + k};
  }
}

std::vector<Shape> shapes() {
  std::vector<Shape> out;
  for (ValType type : {ValType::F32, ValType::F64, ValType::V128})
    for (unsigned count = 1; count <= 8; ++count) {
      Shape shape{std::string(wasm::valTypeName(type)) + "x" + std::to_string(count), {}};
      for (unsigned k = 0; k < count; ++k)
        shape.results.push_back(resultAt(type, k));
      out.push_back(std::move(shape));
    }
  Shape mixed{"mixed", {}};
  unsigned k = 0;
  for (ValType type : {ValType::F32, ValType::F64, ValType::I32, ValType::V128, ValType::F64, ValType::F32,
                       ValType::I64, ValType::F32})
    mixed.results.push_back(resultAt(type, k++));
  out.push_back(std::move(mixed));
  return out;
}

std::string constOf(const Bits& bits) {
  std::ostringstream out;
  out << std::hex;
  switch (bits.type) {
  case ValType::F32:
    out << "(f32.const " << (bits.lo >> 31 ? "-" : "") << "nan:0x" << (bits.lo & 0x7FFFFF) << ")";
    break;
  case ValType::F64:
    out << "(f64.const " << (bits.lo >> 63 ? "-" : "") << "nan:0x" << (bits.lo & 0xFFFFFFFFFFFFFull) << ")";
    break;
  case ValType::V128: out << "(v128.const i64x2 0x" << bits.lo << " 0x" << bits.hi << ")"; break;
  case ValType::I32: out << "(i32.const 0x" << bits.lo << ")"; break;
  default: out << "(i64.const 0x" << bits.lo << ")"; break;
  }
  return out.str();
}

constexpr unsigned kStride = 16; // bytes of memory per stored result

std::string resultList(const Shape& shape) {
  std::string out = "(result";
  for (const Bits& bits : shape.results)
    out += std::string(" ") + wasm::valTypeName(bits.type);
  return out + ")";
}

/// Producers only: `make_S` for every shape S.
std::string producerModule() {
  std::ostringstream out;
  out << "(module\n";
  for (const Shape& shape : shapes()) {
    out << "  (func (export \"make_" << shape.name << "\") " << resultList(shape);
    for (const Bits& bits : shape.results)
      out << " " << constOf(bits);
    out << ")\n";
  }
  out << ")\n";
  return out.str();
}

enum class Route { Direct, Indirect, Host, Import };
constexpr Route kRoutes[] = {Route::Direct, Route::Indirect, Route::Host, Route::Import};
const char* routeName(Route route) {
  switch (route) {
  case Route::Direct: return "direct";
  case Route::Indirect: return "indirect";
  case Route::Host: return "host";
  case Route::Import: return "import";
  }
  return "?";
}

/// For every shape S: its own make_S (exported, and in the table), imports
/// host.make_S and prod.make_S, and store_<route>_S, which calls make_S
/// that way and stores each result at kStride * k.
std::string consumerModule() {
  std::vector<Shape> all = shapes();
  std::ostringstream out;
  out << "(module\n";
  for (const Shape& shape : all) {
    out << "  (type $t_" << shape.name << " (func " << resultList(shape) << "))\n";
    out << "  (import \"host\" \"make_" << shape.name << "\" (func $host_" << shape.name << " (type $t_"
        << shape.name << ")))\n";
    out << "  (import \"prod\" \"make_" << shape.name << "\" (func $import_" << shape.name << " (type $t_"
        << shape.name << ")))\n";
  }
  out << "  (memory (export \"mem\") 1)\n  (table funcref (elem";
  for (const Shape& shape : all)
    out << " $make_" << shape.name;
  out << "))\n";
  for (size_t index = 0; index < all.size(); ++index) {
    const Shape& shape = all[index];
    out << "  (func $make_" << shape.name << " (export \"make_" << shape.name << "\") (type $t_" << shape.name
        << ")";
    for (const Bits& bits : shape.results)
      out << " " << constOf(bits);
    out << ")\n";
    for (Route route : kRoutes) {
      out << "  (func (export \"store_" << routeName(route) << "_" << shape.name << "\")";
      for (size_t k = 0; k < shape.results.size(); ++k)
        out << " (local $r" << k << " " << wasm::valTypeName(shape.results[k].type) << ")";
      switch (route) {
      case Route::Direct: out << " (call $make_" << shape.name << ")"; break;
      case Route::Indirect:
        out << " (call_indirect (type $t_" << shape.name << ") (i32.const " << index << "))";
        break;
      case Route::Host: out << " (call $host_" << shape.name << ")"; break;
      case Route::Import: out << " (call $import_" << shape.name << ")"; break;
      }
      for (size_t k = shape.results.size(); k-- > 0;)
        out << " (local.set $r" << k << ")";
      for (size_t k = 0; k < shape.results.size(); ++k)
        out << " (" << wasm::valTypeName(shape.results[k].type) << ".store (i32.const " << k * kStride
            << ") (local.get $r" << k << "))";
      out << ")\n";
    }
  }
  out << ")\n";
  return out.str();
}

void writeBits(const Bits& bits, uint8_t* to) {
  size_t size = bits.type == ValType::I32 || bits.type == ValType::F32 ? 4 : 8;
  std::memcpy(to, &bits.lo, size);
  if (bits.type == ValType::V128)
    std::memcpy(to + 8, &bits.hi, 8);
}

/// Compares `got` (memory or a result slot) with `bits`; "" when equal.
std::string mismatch(const Bits& bits, const uint8_t* got) {
  uint8_t want[16] = {};
  writeBits(bits, want);
  size_t size = bits.type == ValType::V128 ? 16 : bits.type == ValType::I32 || bits.type == ValType::F32 ? 4 : 8;
  if (std::memcmp(want, got, size) == 0)
    return "";
  std::ostringstream out;
  out << std::hex << "want 0x" << bits.lo;
  uint64_t lo = 0;
  std::memcpy(&lo, got, std::min<size_t>(size, 8));
  out << " got 0x" << lo;
  return out.str();
}

void defineHostProducers(rt::Store& store, rt::Linker& linker) {
  for (const Shape& shape : shapes()) {
    wasm::FuncType type;
    for (const Bits& bits : shape.results)
      type.results.push_back(bits.type);
    std::vector<Bits> results = shape.results;
    rt::Function* function = store.createHostFunction(type, [results](std::span<abi::Slot> slots) {
      for (size_t k = 0; k < results.size(); ++k) {
        std::memset(slots[k].bytes, 0, sizeof slots[k].bytes);
        writeBits(results[k], slots[k].bytes);
      }
      return abi::TrapCode::None;
    });
    linker.define("host", "make_" + shape.name, rt::Extern{wasm::ExternKind::Func, function});
  }
}

void checkConsumer(const test::CompileConfig& producerConfig, const test::CompileConfig& consumerConfig,
                   const std::vector<uint8_t>& producerBytes, const std::vector<uint8_t>& consumerBytes) {
  SCOPED_TRACE(std::string("producer ") + producerConfig.name + ", consumer " + consumerConfig.name);
  auto producer = producerConfig.compile(producerBytes);
  ASSERT_TRUE(producer) << producer.error().describe();
  auto consumer = consumerConfig.compile(consumerBytes);
  ASSERT_TRUE(consumer) << consumer.error().describe();
  rt::Store store;
  rt::Linker linker;
  defineHostProducers(store, linker);
  auto producerInstance = rt::Instance::instantiate(store, *producer, linker);
  ASSERT_TRUE(producerInstance) << producerInstance.error().describe();
  for (const Shape& shape : shapes())
    linker.define("prod", "make_" + shape.name, *(*producerInstance)->findExport("make_" + shape.name));
  auto instance = rt::Instance::instantiate(store, *consumer, linker);
  ASSERT_TRUE(instance) << instance.error().describe();
  uint8_t* memory = (*instance)->memory()->memory->base();

  for (const Shape& shape : shapes()) {
    // Out through the entry trampoline to the host.
    rt::CallResult made = rt::callFunction(store, *(*instance)->findExport("make_" + shape.name)->func, {});
    ASSERT_FALSE(made.trap) << shape.name;
    ASSERT_EQ(made.values.size(), shape.results.size());
    for (size_t k = 0; k < shape.results.size(); ++k)
      EXPECT_EQ(mismatch(shape.results[k], made.values[k].slot.bytes), "")
          << "make_" << shape.name << " returned to the host, result " << k;
    for (Route route : kRoutes) {
      std::memset(memory, 0, kStride * shape.results.size());
      std::string name = std::string("store_") + routeName(route) + "_" + shape.name;
      rt::CallResult stored = rt::callFunction(store, *(*instance)->findExport(name)->func, {});
      ASSERT_FALSE(stored.trap) << name;
      for (size_t k = 0; k < shape.results.size(); ++k)
        EXPECT_EQ(mismatch(shape.results[k], memory + k * kStride), "") << name << ", result " << k;
    }
  }
}

const std::vector<uint8_t>& producerBytes() {
  static const std::vector<uint8_t> bytes = test::assembleWat(producerModule());
  return bytes;
}
const std::vector<uint8_t>& consumerBytes() {
  static const std::vector<uint8_t> bytes = test::assembleWat(consumerModule());
  return bytes;
}

TEST(MultiValueBits, EveryResultKeepsItsBitsInEveryConfiguration) {
  ASSERT_FALSE(producerBytes().empty());
  ASSERT_FALSE(consumerBytes().empty());
  std::vector<test::CompileConfig> configs = test::compileConfigs();
  const test::CompileConfig* jit = nullptr;
  const test::CompileConfig* aot = nullptr;
  for (const test::CompileConfig& config : configs) {
    if (std::string(config.name) == "O2")
      jit = &config;
    if (std::string(config.name) == "aot")
      aot = &config;
  }
  ASSERT_TRUE(jit && aot);
  // Every consumer configuration with a JIT producer, and AOT code on each
  // side of a JIT one.
  for (const test::CompileConfig& consumer : configs)
    checkConsumer(*jit, consumer, producerBytes(), consumerBytes());
  checkConsumer(*aot, *jit, producerBytes(), consumerBytes());
  checkConsumer(*aot, *aot, producerBytes(), consumerBytes());
}

/// The x87 instructions a return through the FPU stack would use.
bool usesX87(const std::string& assembly, std::string& where) {
  static const std::regex instruction(R"(^\s+(f(ld|st|stp|xch|ild|istp|isttp|free)[lst]?[l]?|fldz|fld1)\s)");
  std::istringstream lines(assembly);
  for (std::string line; std::getline(lines, line);)
    if (std::regex_search(line, instruction)) {
      where = line;
      return true;
    }
  return false;
}

TEST(MultiValueBits, NoResultGoesThroughTheX87Stack) {
  ASSERT_FALSE(consumerBytes().empty());
  for (unsigned level : {0u, 1u, 2u, 3u}) {
    std::string assembly = test::emitBytes(consumerBytes(), level, codegen::EmitForm::Assembly);
    ASSERT_FALSE(assembly.empty());
    std::string where;
    EXPECT_FALSE(usesX87(assembly, where)) << "-O" << level << ": " << where;
  }
}

TEST(MultiValueBits, TheX87CheckSeesAnX87Return) {
  // The check itself, on what LLVM's native convention makes of three floats.
  EXPECT_TRUE([] {
    std::string where;
    return usesX87("three:\n\tmovss\t%xmm0, -4(%rsp)\n\tflds\t-4(%rsp)\n\tretq\n", where);
  }());
  std::string where;
  EXPECT_FALSE(usesX87("\tmovss\t%xmm0, -4(%rsp)\n\tfloat_thing:\n", where));
}

} // namespace
} // namespace wasmc
