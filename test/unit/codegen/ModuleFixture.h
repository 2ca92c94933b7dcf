#pragma once
// Shared by the end-to-end codegen tests: read a .wasm built from a .wat
// file, compile it through the JIT and call its exports in one instance,
// or look at the IR or assembly the pipeline makes of it.

#include "compiler/codegen/Codegen.h"
#include "compiler/wasm/Validator.h"
#include "runtime/Instance.h"
#include "runtime/Invoke.h"
#include "runtime/Linker.h"
#include "runtime/Store.h"
#include "engine/BaselineModule.h"
#include "engine/Engine.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace wasmc::test {

inline std::vector<uint8_t> readWasm(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

/// The binary of a module in the text format, converted by wabt's wat2wasm
/// (WASMC_WAT2WASM); empty (and a test failure) if it does not convert.
inline std::vector<uint8_t> assembleWat(const std::string& text) {
  char path[] = "/tmp/wasmc-wat-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) {
    ADD_FAILURE() << "mkstemp failed";
    return {};
  }
  close(fd);
  std::string wat = std::string(path) + ".wat";
  std::string wasm = std::string(path) + ".wasm";
  std::ofstream(wat) << text;
  std::string command = std::string(WASMC_WAT2WASM) + " " + wat + " -o " + wasm;
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::vector<uint8_t> bytes = readWasm(wasm.c_str());
  std::remove(path);
  std::remove(wat.c_str());
  std::remove(wasm.c_str());
  return bytes;
}

/// The module at `path` compiled by the JIT at `optLevel`; null (and a test
/// failure) if it does not compile.
inline std::shared_ptr<const rt::CompiledModule> compileWasm(const char* path, unsigned optLevel) {
  auto compiled = engine::compileModule(readWasm(path), codegen::Options{.optLevel = optLevel});
  if (!compiled)
    ADD_FAILURE() << compiled.error().describe();
  return compiled ? *compiled : nullptr;
}

/// Every way wasmc compiles a module for running: the JIT at -O0..-O3, the
/// lazy JIT and AOT (through an artifact and the loader), the baseline tier
/// alone and tiered, the last four at -O2 as their defaults.
struct CompileConfig {
  const char* name;
  std::function<Expected<std::shared_ptr<const rt::CompiledModule>>(std::span<const uint8_t>)> compile;
};

inline std::vector<CompileConfig> compileConfigs() {
  std::vector<CompileConfig> out;
  for (unsigned level : {0u, 1u, 2u, 3u})
    out.push_back({level == 0 ? "O0" : level == 1 ? "O1" : level == 2 ? "O2" : "O3",
                   [level](std::span<const uint8_t> bytes) {
                     return engine::compileModule(bytes, codegen::Options{.optLevel = level});
                   }});
  out.push_back({"lazy", [](std::span<const uint8_t> bytes) {
                   return engine::compileModule(bytes, codegen::Options{.optLevel = 2, .lazy = true});
                 }});
  out.push_back({"aot", [](std::span<const uint8_t> bytes) {
                   return engine::compileModuleAot(bytes, codegen::Options{.optLevel = 2});
                 }});
  // The baseline tier alone (each function compiled on its first call, or
  // all of them first), and tiered with every function switched to LLVM
  // after its first call (which waits for it).
  out.push_back({"baseline", [](std::span<const uint8_t> bytes) {
                   return engine::compileModuleBaseline(bytes, codegen::Options{.optLevel = 2});
                 }});
  out.push_back({"baseline-ahead", [](std::span<const uint8_t> bytes) {
                   return engine::compileModuleBaseline(bytes, codegen::Options{.optLevel = 2}, {}, nullptr,
                                                       engine::BaselineCompile::Ahead);
                 }});
  out.push_back({"tiered", [](std::span<const uint8_t> bytes) {
                   return engine::compileModuleBaseline(bytes, codegen::Options{.optLevel = 2},
                                                       engine::TierUpOptions{.afterCalls = 1, .wait = true, .afterIterations = 2});
                 }});
  return out;
}

/// The module `bytes` as LLVM IR or assembly after the pipeline of
/// `optLevel`, in one partition; empty (and a test failure) on an error.
inline std::string emitBytes(std::span<const uint8_t> bytes, unsigned optLevel, codegen::EmitForm form) {
  auto module = wasm::loadModule(bytes);
  if (!module) {
    ADD_FAILURE() << module.error().describe();
    return {};
  }
  auto emitted = codegen::emitModule(*module, codegen::Options{.optLevel = optLevel, .jobs = 1}, form);
  if (!emitted) {
    ADD_FAILURE() << emitted.error().describe();
    return {};
  }
  return std::move(*emitted);
}

/// The module at `path` as LLVM IR or assembly after the pipeline of
/// `optLevel`, in one partition; empty (and a test failure) on an error.
inline std::string emitWasm(const char* path, unsigned optLevel, codegen::EmitForm form) {
  return emitBytes(readWasm(path), optLevel, form);
}

/// How many times `needle` occurs in `text`.
inline size_t countOccurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

/// One instance of a module with no imports, in its own store.
struct Fixture {
  rt::Store store;
  rt::Linker linker;
  rt::Instance* instance = nullptr;

  explicit Fixture(std::shared_ptr<const rt::CompiledModule> module) {
    auto created = rt::Instance::instantiate(store, std::move(module), linker);
    EXPECT_TRUE(created) << (created ? "" : created.error().describe());
    if (created)
      instance = *created;
  }

  rt::CallResult call(const std::string& name, std::vector<rt::Value> args) {
    const rt::Extern* found = instance->findExport(name);
    EXPECT_NE(found, nullptr) << name;
    return rt::callFunction(store, *found->func, args);
  }

  uint8_t* memory() { return instance->memory()->memory->base(); }
  uint64_t memorySize() { return instance->memory()->memory->sizeBytes(); }
};

/// Calls traps.wat's divide(12, 4) in a fresh instance of `module`: 3
/// unless its code was changed.
inline void expectDivides(std::shared_ptr<const rt::CompiledModule> module) {
  Fixture f(std::move(module));
  ASSERT_NE(f.instance, nullptr);
  rt::CallResult ok = f.call("divide", {rt::Value::i32(12), rt::Value::i32(4)});
  ASSERT_FALSE(ok.trap);
  EXPECT_EQ(ok.values.at(0).asI32(), 3u);
}

} // namespace wasmc::test
