// Modules compiled in several partitions (each its own LLVM module, object
// and thread), through the JIT and through .cwasm artifacts: calls across
// partitions, directly and through the table, traps in later partitions,
// compile errors that keep their function index, and big functions, which
// get partitions of their own and the cheap pipeline.

#include "compiler/codegen/Codegen.h"
#include "compiler/wasm/Validator.h"
#include "runtime/Instance.h"
#include "runtime/Invoke.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "test/unit/codegen/WasmWriter.h"
#include "engine/Engine.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace wasmc {
namespace {

std::vector<uint8_t> readModule() {
  std::ifstream in(WASMC_PARTITIONS_WASM, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

enum class Engine { Jit, Aot };

Expected<std::shared_ptr<const rt::CompiledModule>> compileWith(Engine engine, const std::vector<uint8_t>& bytes,
                                                                const codegen::Options& options) {
  return engine == Engine::Jit ? engine::compileModule(bytes, options) : engine::compileModuleAot(bytes, options);
}

struct Fixture {
  rt::Store store;
  rt::Linker linker;
  rt::Instance* instance = nullptr;

  explicit Fixture(Expected<std::shared_ptr<const rt::CompiledModule>> module) {
    if (!module) {
      ADD_FAILURE() << module.error().describe();
      return;
    }
    auto created = rt::Instance::instantiate(store, std::move(*module), linker);
    EXPECT_TRUE(created) << (created ? "" : created.error().describe());
    if (created)
      instance = *created;
  }

  rt::CallResult call(const std::string& name, std::vector<uint32_t> args) {
    std::vector<rt::Value> values;
    for (uint32_t arg : args)
      values.push_back(rt::Value::i32(arg));
    const rt::Extern* found = instance->findExport(name);
    EXPECT_NE(found, nullptr) << name;
    return rt::callFunction(store, *found->func, values);
  }

  uint32_t result(const std::string& name, std::vector<uint32_t> args) {
    rt::CallResult called = call(name, std::move(args));
    EXPECT_FALSE(called.trap) << name << ": " << called.trap->describe();
    return called.trap || called.values.empty() ? 0xDEADBEEF : called.values[0].asI32();
  }
};

// --- generated modules (test/unit/codegen/WasmWriter.h) --------------------

using test::leb;
using test::section;
using test::sleb;

struct Body {
  uint32_t i32Locals = 0;     // beyond the one i32 parameter
  std::vector<uint8_t> code;  // without the final `end`
};

/// A module with one page of memory whose functions all have type
/// (i32) -> i32 and are exported as "f0", "f1", ...
std::vector<uint8_t> moduleOf(const std::vector<Body>& bodies) {
  std::vector<uint8_t> out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  section(out, 1, {0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F});
  std::vector<uint8_t> functions;
  leb(functions, bodies.size());
  functions.insert(functions.end(), bodies.size(), 0x00);
  section(out, 3, functions);
  section(out, 5, {0x01, 0x00, 0x01});
  std::vector<uint8_t> exports;
  leb(exports, bodies.size());
  for (size_t i = 0; i < bodies.size(); ++i) {
    std::string name = "f" + std::to_string(i);
    leb(exports, name.size());
    exports.insert(exports.end(), name.begin(), name.end());
    exports.push_back(0x00);
    leb(exports, i);
  }
  section(out, 7, exports);
  std::vector<uint8_t> code;
  leb(code, bodies.size());
  for (const Body& body : bodies) {
    std::vector<uint8_t> entry;
    if (body.i32Locals) {
      entry.push_back(0x01);
      leb(entry, body.i32Locals);
      entry.push_back(0x7F);
    } else {
      entry.push_back(0x00);
    }
    entry.insert(entry.end(), body.code.begin(), body.code.end());
    entry.push_back(0x0B);
    leb(code, entry.size());
    code.insert(code.end(), entry.begin(), entry.end());
  }
  section(out, 10, code);
  return out;
}

/// local.get 0
Body identity() { return Body{0, {0x20, 0x00}}; }

// --- calls and traps across partitions --------------------------------------

class Partitioned : public ::testing::TestWithParam<std::tuple<Engine, unsigned>> {
protected:
  codegen::Options options() const {
    // Two jobs, so partitions really are compiled on two threads.
    return codegen::Options{.optLevel = 2, .jobs = 2, .partitions = std::get<1>(GetParam())};
  }
  Engine engine() const { return std::get<0>(GetParam()); }
};

TEST_P(Partitioned, DirectCallsCrossPartitions) {
  Fixture f(compileWith(engine(), readModule(), options()));
  ASSERT_NE(f.instance, nullptr);
  for (uint32_t x : {0u, 1u, 7u, 1000u})
    EXPECT_EQ(f.result("entry", {x}), 6 * x + 1) << x;
}

TEST_P(Partitioned, IndirectCallsCrossPartitions) {
  Fixture f(compileWith(engine(), readModule(), options()));
  ASSERT_NE(f.instance, nullptr);
  EXPECT_EQ(f.result("indirect", {0, 21}), 42u);  // $double
  EXPECT_EQ(f.result("indirect", {1, 14}), 42u);  // $triple
  EXPECT_EQ(f.result("indirect", {2, 5}), 31u);   // $chain
  EXPECT_EQ(f.result("indirect", {3, 4}), 25u);   // $divide_100
  rt::CallResult outside = f.call("indirect", {5, 0});
  ASSERT_TRUE(outside.trap);
  EXPECT_EQ(outside.trap->code, abi::TrapCode::UndefinedElement);
}

TEST_P(Partitioned, TrapsInLaterPartitionsAreTrapsAndLeaveTheInstanceUsable) {
  Fixture f(compileWith(engine(), readModule(), options()));
  ASSERT_NE(f.instance, nullptr);
  EXPECT_EQ(f.result("divide_then_load", {4, 0}), 25u);

  // The innermost frame is the trapping function, unless LLVM inlined it
  // into its caller, which it can only do within a partition.
  const bool ownPartitions = std::get<1>(GetParam()) == 10; // one function each
  auto expectFrames = [&](const rt::Trap& trap, uint32_t callee) {
    ASSERT_FALSE(trap.backtrace.empty());
    if (ownPartitions || trap.backtrace[0].funcIndex == callee) {
      ASSERT_GE(trap.backtrace.size(), 2u) << trap.describe();
      EXPECT_EQ(trap.backtrace[0].funcIndex, callee) << trap.describe();
      EXPECT_EQ(trap.backtrace[1].funcIndex, 7u) << trap.describe();
    } else {
      EXPECT_EQ(trap.backtrace[0].funcIndex, 7u) << trap.describe();
    }
  };
  rt::CallResult divide = f.call("divide_then_load", {0, 0});
  ASSERT_TRUE(divide.trap);
  EXPECT_EQ(divide.trap->code, abi::TrapCode::IntegerDivideByZero);
  expectFrames(*divide.trap, 5);

  rt::CallResult load = f.call("divide_then_load", {1, 65536});
  ASSERT_TRUE(load.trap);
  EXPECT_EQ(load.trap->code, abi::TrapCode::MemoryOutOfBounds);
  expectFrames(*load.trap, 6);

  // Through the table, too.
  rt::CallResult indirect = f.call("indirect", {4, 0x7FFFFFFF});
  ASSERT_TRUE(indirect.trap);
  EXPECT_EQ(indirect.trap->code, abi::TrapCode::MemoryOutOfBounds);

  EXPECT_EQ(f.result("divide_then_load", {50, 0}), 2u);
}

TEST_P(Partitioned, DeepRecursionReachesAFunctionCalledLast) {
  Fixture f(compileWith(engine(), readModule(), options()));
  ASSERT_NE(f.instance, nullptr);
  EXPECT_EQ(f.result("deep", {20000}), 20000u + 3 + 4 + 7);
}

INSTANTIATE_TEST_SUITE_P(EnginesAndPartitions, Partitioned,
                         ::testing::Combine(::testing::Values(Engine::Jit, Engine::Aot),
                                            ::testing::Values(1u, 3u, 10u)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) == Engine::Jit ? "Jit" : "Aot") +
                                  std::to_string(std::get<1>(info.param)) + "Partitions";
                         });

// --- the lazy JIT ----------------------------------------------------------------

/// Each function compiled on its first call, alone: calls go through stubs,
/// nothing is inlined, and the trap handler learns each function's code as
/// it is compiled.
class Lazy : public ::testing::TestWithParam<unsigned> {
protected:
  Fixture fixture() {
    return Fixture(engine::compileModule(readModule(), codegen::Options{.optLevel = GetParam(), .lazy = true}));
  }
};

TEST_P(Lazy, CallsDirectAndIndirect) {
  Fixture f = fixture();
  ASSERT_NE(f.instance, nullptr);
  EXPECT_EQ(f.result("entry", {7}), 43u);
  EXPECT_EQ(f.result("indirect", {0, 21}), 42u);
  EXPECT_EQ(f.result("indirect", {2, 5}), 31u);
  EXPECT_EQ(f.result("deep", {20000}), 20014u);
  EXPECT_EQ(f.result("entry", {1000}), 6001u); // compiled already: straight through the stubs
}

TEST_P(Lazy, TrapsInLazilyCompiledCodeAreTrapsWithFullBacktraces) {
  Fixture f = fixture();
  ASSERT_NE(f.instance, nullptr);
  for (int round = 0; round < 2; ++round) { // compiling on the trapping call, then compiled
    rt::CallResult load = f.call("divide_then_load", {1, 65536});
    ASSERT_TRUE(load.trap);
    EXPECT_EQ(load.trap->code, abi::TrapCode::MemoryOutOfBounds);
    ASSERT_GE(load.trap->backtrace.size(), 2u) << load.trap->describe();
    EXPECT_EQ(load.trap->backtrace[0].funcIndex, 6u) << load.trap->describe();
    EXPECT_EQ(load.trap->backtrace[1].funcIndex, 7u) << load.trap->describe();
    rt::CallResult divide = f.call("indirect", {3, 0});
    ASSERT_TRUE(divide.trap);
    EXPECT_EQ(divide.trap->code, abi::TrapCode::IntegerDivideByZero);
    EXPECT_EQ(divide.trap->backtrace.at(0).funcIndex, 5u) << divide.trap->describe();
  }
  EXPECT_EQ(f.result("divide_then_load", {50, 0}), 2u);
}

TEST_P(Lazy, TwoInstancesShareTheCompiledCode) {
  auto compiled = engine::compileModule(readModule(), codegen::Options{.optLevel = GetParam(), .lazy = true});
  ASSERT_TRUE(compiled);
  Fixture first(*compiled);
  Fixture second(*compiled);
  ASSERT_NE(first.instance, nullptr);
  ASSERT_NE(second.instance, nullptr);
  EXPECT_EQ(first.result("entry", {2}), 13u);
  EXPECT_EQ(second.result("entry", {3}), 19u);
}

INSTANTIATE_TEST_SUITE_P(OptLevels, Lazy, ::testing::Values(0u, 2u));

// --- compile errors ------------------------------------------------------------

/// More locals than wasmc compiles (FunctionLowering's limit is 50,000):
/// valid wasm that fails in code generation, with the function's index.
Body tooManyLocals() { return Body{60000, {0x20, 0x00}}; }

TEST(PartitionErrors, AnErrorInALatePartitionNamesItsFunction) {
  std::vector<Body> bodies(12, identity());
  bodies[10] = tooManyLocals();
  for (Engine engine : {Engine::Jit, Engine::Aot}) {
    auto compiled = compileWith(engine, moduleOf(bodies), codegen::Options{.jobs = 2, .partitions = 4});
    ASSERT_FALSE(compiled);
    EXPECT_EQ(compiled.error().kind, ErrorKind::Unsupported);
    EXPECT_EQ(compiled.error().function, 10u) << compiled.error().describe();
    EXPECT_NE(compiled.error().describe().find("function 10"), std::string::npos) << compiled.error().describe();
  }
}

// Peak compile memory must not grow with the module (issue 15): above 1 MiB
// of function bodies per partition, an automatic plan cuts more partitions
// than jobs. 3 MiB of bodies (nops: no IR to speak of) with one job.
TEST(PartitionPlan, LargeModulesGetPartitionsOfBoundedSize) {
  Body padded{0, std::vector<uint8_t>(100 * 1024, 0x01)}; // 100 KiB of nop
  padded.code.insert(padded.code.end(), {0x20, 0x00});      // local.get 0
  std::vector<Body> bodies(31, padded);
  auto bytes = moduleOf(bodies);
  auto module = wasm::loadModule(bytes);
  ASSERT_TRUE(module) << module.error().describe();
  auto ir = codegen::emitModule(*module, codegen::Options{.optLevel = 0, .jobs = 1}, codegen::EmitForm::LlvmIr);
  ASSERT_TRUE(ir) << ir.error().describe();
  size_t partitions = 0;
  for (size_t at = ir->find("; ModuleID"); at != std::string::npos; at = ir->find("; ModuleID", at + 1))
    ++partitions;
  EXPECT_EQ(partitions, 4u); // ceil(31 x 100 KiB / 1 MiB)
  // Small modules keep one partition per job at most.
  auto small = wasm::loadModule(moduleOf(std::vector<Body>(8, identity())));
  ASSERT_TRUE(small);
  auto smallIr = codegen::emitModule(*small, codegen::Options{.optLevel = 0, .jobs = 1}, codegen::EmitForm::LlvmIr);
  ASSERT_TRUE(smallIr);
  EXPECT_EQ(smallIr->find("; ModuleID", smallIr->find("; ModuleID") + 1), std::string::npos);
}

// The lazy JIT cannot fail a first call gracefully, so what it could not
// compile is refused up front.
TEST(PartitionErrors, TheLazyJitRefusesWhatItCouldNotCompileLater) {
  std::vector<Body> bodies(12, identity());
  bodies[10] = tooManyLocals();
  auto compiled = engine::compileModule(moduleOf(bodies), codegen::Options{.lazy = true});
  ASSERT_FALSE(compiled);
  EXPECT_EQ(compiled.error().kind, ErrorKind::Unsupported);
  EXPECT_EQ(compiled.error().function, 10u) << compiled.error().describe();
}

TEST(PartitionErrors, OfSeveralErrorsTheFirstFunctionsIsReported) {
  std::vector<Body> bodies(12, identity());
  bodies[2] = tooManyLocals();
  bodies[11] = tooManyLocals();
  for (unsigned partitions : {1u, 2u, 12u}) {
    auto compiled = engine::compileModule(moduleOf(bodies), codegen::Options{.jobs = 2, .partitions = partitions});
    ASSERT_FALSE(compiled);
    EXPECT_EQ(compiled.error().function, 2u) << partitions << ": " << compiled.error().describe();
  }
}

// --- big functions ---------------------------------------------------------------

/// A function body well over the big-function size: `rounds` times
/// "x = x + k", each in a small loop, then a load from address x (which
/// traps when x is past the page).
Body bigFunction(uint32_t rounds) {
  Body body{1, {}};
  auto& c = body.code;
  for (uint32_t k = 1; k <= rounds; ++k) {
    // local.set 1 (i32.const 0); loop: x += k; i += 1; br_if (i < 2)
    c.insert(c.end(), {0x41, 0x00, 0x21, 0x01, 0x03, 0x40, 0x20, 0x00, 0x41});
    sleb(c, k);
    c.insert(c.end(), {0x6A, 0x21, 0x00, 0x20, 0x01, 0x41, 0x01, 0x6A, 0x22, 0x01, 0x41, 0x02, 0x49, 0x0D, 0x00, 0x0B});
  }
  c.insert(c.end(), {0x20, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x20, 0x00}); // drop(i32.load x); x
  return body;
}

TEST(BigFunctions, CompileCheaplyAndRunCorrectly) {
  constexpr uint32_t kRounds = 3000; // about 80 KB of body
  std::vector<Body> bodies(4, identity());
  bodies[1] = bigFunction(kRounds);
  // f2 calls the big function, f3 calls f2: calls into and out of its partition.
  bodies[2] = Body{0, {0x20, 0x00, 0x10, 0x01}};
  bodies[3] = Body{0, {0x20, 0x00, 0x10, 0x02}};
  std::vector<uint8_t> bytes = moduleOf(bodies);
  ASSERT_GT(bytes.size(), 64u * 1024);
  const uint32_t sum = kRounds * (kRounds + 1); // each round adds k twice
  for (Engine engine : {Engine::Jit, Engine::Aot}) {
    for (unsigned jobs : {1u, 2u}) {
      Fixture f(compileWith(engine, bytes, codegen::Options{.optLevel = 2, .jobs = jobs}));
      ASSERT_NE(f.instance, nullptr);
      EXPECT_EQ(f.result("f3", {0u - sum}), 0u);
      EXPECT_EQ(f.result("f1", {0u - sum + 100}), 100u);
      rt::CallResult trapped = f.call("f3", {65536});
      ASSERT_TRUE(trapped.trap);
      EXPECT_EQ(trapped.trap->code, abi::TrapCode::MemoryOutOfBounds);
      // f1 is never inlined (it is alone in its partition); f2 may be, into f3.
      ASSERT_GE(trapped.trap->backtrace.size(), 2u) << trapped.trap->describe();
      EXPECT_EQ(trapped.trap->backtrace[0].funcIndex, 1u);
      EXPECT_TRUE(trapped.trap->backtrace[1].funcIndex == 2 || trapped.trap->backtrace[1].funcIndex == 3)
          << trapped.trap->describe();
    }
  }
}

} // namespace
} // namespace wasmc
