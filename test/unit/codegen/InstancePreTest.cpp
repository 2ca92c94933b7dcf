// Pre-linked modules (runtime/InstancePre.h, issue 18): imports resolved
// once against host function definitions, then instantiated in many
// stores, each getting its own Function per definition and its own WASI
// context; the errors name the import. Also the instance's lazily made
// Function objects: a funcref taken from a table is the same function as
// the export.

#include "runtime/InstancePre.h"
#include "test/unit/codegen/ModuleFixture.h"
#include "wasi/Wasi.h"

#include <fcntl.h>
#include <unistd.h>

namespace wasmc {
namespace {

const char* kModule = R"((module
  (type $binary (func (param i32 i32) (result i32)))
  (import "host" "add" (func $add (type $binary)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table (export "table") 2 funcref)
  (elem (i32.const 0) $sum $add)
  (func $sum (export "sum") (type $binary) (call $add (local.get 0) (local.get 1)))
  (func (export "indirect") (param i32 i32 i32) (result i32)
    (call_indirect (type $binary) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "write") (result i32)
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 3))
    (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
  (data (i32.const 16) "hi\n")
))";

std::shared_ptr<const rt::CompiledModule> compile() {
  auto compiled = engine::compileModule(test::assembleWat(kModule), codegen::Options{.optLevel = 2});
  EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().describe());
  return compiled ? *compiled : nullptr;
}

wasm::FuncType binaryType() {
  return wasm::FuncType{{wasm::ValType::I32, wasm::ValType::I32}, {wasm::ValType::I32}};
}

/// host.add, counting its calls in the store it runs in.
const char kCallsKey = 0;
std::shared_ptr<const rt::HostFuncDef> addDefinition() {
  return rt::HostFuncDef::make(binaryType(), [](rt::Store& store, std::span<abi::Slot> slots) {
    if (auto* calls = static_cast<int*>(store.hostData(&kCallsKey)))
      ++*calls;
    uint32_t a, b;
    std::memcpy(&a, slots[0].bytes, 4);
    std::memcpy(&b, slots[1].bytes, 4);
    uint32_t sum = a + b;
    std::memcpy(slots[0].bytes, &sum, 4);
    return abi::TrapCode::None;
  });
}

uint32_t call(rt::Store& store, rt::Instance& instance, const char* name, std::vector<rt::Value> args) {
  const rt::Extern* found = instance.findExport(name);
  EXPECT_NE(found, nullptr) << name;
  rt::CallResult result = rt::callFunction(store, *found->func, args);
  EXPECT_FALSE(result.trap) << name << ": " << (result.trap ? result.trap->describe() : "");
  return result.trap || result.values.empty() ? 0xdeadbeef : result.values[0].asI32();
}

TEST(InstancePre, ManyStoresEachWithItsOwnFunctionsAndContext) {
  auto module = compile();
  ASSERT_TRUE(module);
  rt::Linker linker;
  linker.defineHostFunc("host", "add", addDefinition());
  wasi::addToLinker(linker);
  auto pre = rt::InstancePre::create(module, linker);
  ASSERT_TRUE(pre) << pre.error().describe();
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    rt::Store store;
    int calls = 0;
    store.setHostData(&kCallsKey, &calls);
    int pipeFds[2];
    ASSERT_EQ(pipe2(pipeFds, O_CLOEXEC), 0);
    wasi::WasiCtx wasi;
    ASSERT_TRUE(wasi.setStdio(1, pipeFds[1]));
    wasi::attach(store, wasi);
    auto first = pre->instantiate(store);
    ASSERT_TRUE(first) << first.error().describe();
    wasi.bindMemory((*first)->memory()->memory.get());
    EXPECT_EQ(call(store, **first, "sum", {rt::Value::i32(40), rt::Value::i32(2)}), 42u);
    EXPECT_EQ(call(store, **first, "write", {}), 0u);
    char out[8] = {};
    EXPECT_EQ(read(pipeFds[0], out, sizeof out), 3);
    EXPECT_STREQ(out, "hi\n");
    // A second instance in the same store shares the store's Function for
    // each definition, and the host sees the store it runs in.
    auto second = pre->instantiate(store);
    ASSERT_TRUE(second) << second.error().describe();
    EXPECT_EQ(call(store, **second, "sum", {rt::Value::i32(1), rt::Value::i32(2)}), 3u);
    EXPECT_EQ(calls, 2);
    rt::Table* table = (*second)->findExport("table")->table;
    EXPECT_EQ(rt::Function::fromRef(table->get(1)), rt::Function::fromRef((*first)->findExport("table")->table->get(1)));
    close(pipeFds[0]);
  }
}

TEST(InstancePre, FunctionsAreMadeOnFirstUseAndStayTheSame) {
  auto module = compile();
  ASSERT_TRUE(module);
  rt::Linker linker;
  linker.defineHostFunc("host", "add", addDefinition());
  wasi::addToLinker(linker);
  auto pre = rt::InstancePre::create(module, linker);
  ASSERT_TRUE(pre) << pre.error().describe();
  rt::Store store;
  auto instance = pre->instantiate(store);
  ASSERT_TRUE(instance) << instance.error().describe();
  // The table's element 0 is $sum: the host reaching it through the table
  // gets the exported function, however it asks first.
  rt::Table* table = (*instance)->findExport("table")->table;
  rt::Function* fromTable = rt::Function::fromRef(table->get(0));
  ASSERT_NE(fromTable, nullptr);
  EXPECT_EQ(fromTable, (*instance)->findExport("sum")->func);
  EXPECT_EQ(fromTable, rt::Function::fromRef(table->get(0)));
  EXPECT_EQ(fromTable->ref, table->get(0)) << "the Function and the table must share one FuncRef";
  EXPECT_EQ(fromTable->instance, *instance);
  std::vector<rt::Value> args{rt::Value::i32(5), rt::Value::i32(6)};
  rt::CallResult direct = rt::callFunction(store, *fromTable, args);
  ASSERT_FALSE(direct.trap);
  EXPECT_EQ(direct.values.at(0).asI32(), 11u);
  // call_indirect through both elements.
  EXPECT_EQ(call(store, **instance, "indirect", {rt::Value::i32(2), rt::Value::i32(3), rt::Value::i32(0)}), 5u);
  EXPECT_EQ(call(store, **instance, "indirect", {rt::Value::i32(2), rt::Value::i32(3), rt::Value::i32(1)}), 5u);
}

TEST(InstancePre, ErrorsNameTheImport) {
  auto module = compile();
  ASSERT_TRUE(module);
  {
    rt::Linker linker;
    wasi::addToLinker(linker);
    auto pre = rt::InstancePre::create(module, linker);
    ASSERT_FALSE(pre);
    EXPECT_EQ(pre.error().kind, ErrorKind::Unlinkable);
    EXPECT_NE(pre.error().message.find("unknown import: host.add"), std::string::npos) << pre.error().message;
  }
  {
    rt::Linker linker;
    wasi::addToLinker(linker);
    linker.defineHostFunc("host", "add",
                          rt::HostFuncDef::make(wasm::FuncType{{wasm::ValType::I32}, {}},
                                                [](rt::Store&, std::span<abi::Slot>) { return abi::TrapCode::None; }));
    auto pre = rt::InstancePre::create(module, linker);
    ASSERT_FALSE(pre);
    EXPECT_NE(pre.error().message.find("incompatible import type: host.add"), std::string::npos)
        << pre.error().message;
  }
  {
    rt::Store store;
    rt::Linker linker;
    wasi::addToLinker(linker);
    rt::Extern ofOneStore;
    ofOneStore.func = store.createHostFunction(binaryType(), [](std::span<abi::Slot>) { return abi::TrapCode::None; });
    linker.define("host", "add", ofOneStore);
    auto pre = rt::InstancePre::create(module, linker);
    ASSERT_FALSE(pre);
    EXPECT_NE(pre.error().message.find("object of one store"), std::string::npos) << pre.error().message;
    // The same linker still instantiates in that store the usual way.
    EXPECT_TRUE(rt::Instance::instantiate(store, module, linker));
  }
}

// addToLinker(store, linker, ctx) binds the functions to that context:
// two linkers in one store keep theirs (the C API gives each linker its
// own WASI configuration).
TEST(InstancePre, TwoLinkersInOneStoreKeepTheirOwnWasiContexts) {
  auto module = compile();
  ASSERT_TRUE(module);
  rt::Store store;
  int pipes[2][2];
  wasi::WasiCtx contexts[2];
  rt::Linker linkers[2];
  rt::Instance* instances[2];
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(pipe2(pipes[i], O_CLOEXEC | O_NONBLOCK), 0); // a read finding nothing fails, not hangs
    ASSERT_TRUE(contexts[i].setStdio(1, pipes[i][1]));
    linkers[i].defineHostFunc("host", "add", addDefinition());
    ASSERT_TRUE(wasi::addToLinker(store, linkers[i], contexts[i]));
    auto instance = rt::Instance::instantiate(store, module, linkers[i]);
    ASSERT_TRUE(instance) << instance.error().describe();
    instances[i] = *instance;
    contexts[i].bindMemory(instances[i]->memory()->memory.get());
  }
  for (int i : {1, 0}) {
    EXPECT_EQ(call(store, *instances[i], "write", {}), 0u);
    char out[8] = {};
    EXPECT_EQ(read(pipes[i][0], out, sizeof out), 3) << "instance " << i << " wrote elsewhere";
    close(pipes[i][0]);
  }
}

TEST(InstancePre, WasiInAStoreWithoutAContextTraps) {
  auto module = compile();
  ASSERT_TRUE(module);
  rt::Linker linker;
  linker.defineHostFunc("host", "add", addDefinition());
  wasi::addToLinker(linker);
  auto pre = rt::InstancePre::create(module, linker);
  ASSERT_TRUE(pre) << pre.error().describe();
  rt::Store store;
  auto instance = pre->instantiate(store);
  ASSERT_TRUE(instance) << instance.error().describe();
  rt::CallResult result = rt::callFunction(store, *(*instance)->findExport("write")->func, {});
  ASSERT_TRUE(result.trap);
  EXPECT_EQ(result.trap->code, abi::TrapCode::HostTrap);
  EXPECT_NE(result.trap->describe().find("without a WASI context"), std::string::npos) << result.trap->describe();
}

} // namespace
} // namespace wasmc
