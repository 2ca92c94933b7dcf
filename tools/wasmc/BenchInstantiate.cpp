// wasmc bench --instantiate (issue 18): what a host that makes a fresh
// instance per request pays, measured in one process. The module is
// compiled (or its .cwasm loaded) once; then each iteration creates a
// store, its WASI context and linker when the module imports WASI,
// instantiates, calls an export if asked, and tears it all down. Reports
// the median and 99th percentile of one iteration and the rate, per module,
// and with --threads the rate of that many threads each in its own loop.

#include "tools/wasmc/BenchInstantiate.h"

#include "engine/CodegenLoader.h"
#include "engine/Engine.h"
#include "engine/FileIo.h"
#include "engine/ModuleSource.h"
#include "runtime/Artifact.h"
#include "runtime/Instance.h"
#include "runtime/InstancePre.h"
#include "runtime/Invoke.h"
#include "runtime/Linker.h"
#include "runtime/MemoryImage.h"
#include "runtime/MemoryPool.h"
#include "runtime/Store.h"
#include "tools/wasmc/PhaseReport.h"
#include "wasi/Wasi.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace wasmc::tools {

namespace {

/// Iterations before the measured ones: the first ones fault in the
/// allocator's and the kernel's state.
constexpr unsigned kWarmupIterations = 100;

/// Loads of a .cwasm timed (each a fresh load: read, checked, mapped).
constexpr unsigned kArtifactLoads = 21;

uint64_t percentile(const std::vector<uint64_t>& sorted, double fraction);

struct Loaded {
  std::shared_ptr<const rt::CompiledModule> module;
  uint64_t loadNs = 0; // median artifact load; 0 for a module compiled here
  bool importsWasi = false;
  /// Imports resolved once against WASI's definitions (issue 18's
  /// pre-linked modules): an iteration only attaches a context to its store.
  std::optional<rt::InstancePre> pre;
};

Expected<Loaded> load(const std::string& path, unsigned optLevel) {
  std::vector<uint8_t> bytes = WASMC_TRY(engine::readFileBytes(path));
  Loaded loaded;
  if (rt::looksLikeArtifact(bytes)) {
    // A benchmark input the user names: loaded as `wasmc run
    // --allow-precompiled` would, its integrity checked.
    rt::ArtifactPolicy policy{.compilerId = engine::compilerIdentity(), .key = nullptr, .allowPrecompiled = true};
    std::vector<uint64_t> loads;
    for (unsigned i = 0; i < kArtifactLoads; ++i) {
      loaded.module.reset(); // unloaded before the next, as a process that loads it once
      const uint64_t start = monotonicNs();
      loaded.module = WASMC_TRY(rt::loadArtifact(path, policy));
      loads.push_back(monotonicNs() - start);
    }
    std::sort(loads.begin(), loads.end());
    loaded.loadNs = percentile(loads, 0.5);
  } else {
    bytes = WASMC_TRY(engine::moduleBinary(std::move(bytes), path));
    loaded.module = WASMC_TRY(engine::compileModule(bytes, codegen::Options{.optLevel = optLevel}));
  }
  for (const wasm::Import& import : loaded.module->module().imports)
    if (import.module == "wasi_snapshot_preview1")
      loaded.importsWasi = true;
  rt::Linker linker;
  wasi::addToLinker(linker);
  // Sightglass modules import its bench markers: here they do nothing.
  auto marker = rt::HostFuncDef::make({}, [](rt::Store&, std::span<abi::Slot>) { return abi::TrapCode::None; });
  linker.defineHostFunc("bench", "start", marker);
  linker.defineHostFunc("bench", "end", marker);
  loaded.pre.emplace(WASMC_TRY(rt::InstancePre::create(loaded.module, linker)));
  return loaded;
}

/// One instance's life; its time in `ns`.
Expected<void> iterate(const Loaded& loaded, const std::string& invoke, int devNull, uint64_t& ns) {
  const uint64_t start = monotonicNs();
  {
    rt::Store store;
    wasi::WasiCtx wasi;
    if (loaded.importsWasi) {
      // The guest's stdout goes nowhere; the context owns (and closes) its copy.
      WASMC_TRY(wasi.setStdio(1, ::dup(devNull)));
      wasi::attach(store, wasi);
    }
    rt::Instance* instance = WASMC_TRY(loaded.pre->instantiate(store));
    if (!invoke.empty()) {
      const rt::Extern* found = instance->findExport(invoke);
      if (!found || found->kind != wasm::ExternKind::Func)
        return makeError(ErrorKind::Usage, kNoOffset, "no exported function named '" + invoke + "'");
      if (const rt::Extern* memory = instance->findExport("memory");
          memory && memory->kind == wasm::ExternKind::Memory)
        wasi.bindMemory(memory->memory->memory.get());
      rt::CallResult result = rt::callFunction(store, *found->func, {});
      if (result.trap && result.trap->code != abi::TrapCode::Exit)
        return makeError(ErrorKind::Uninstantiable, kNoOffset, "'" + invoke + "' trapped: " + result.trap->describe());
    }
  }
  ns = monotonicNs() - start;
  return {};
}

struct Measured {
  std::string module;
  uint64_t loadNs = 0;
  unsigned threads = 1;
  std::vector<uint64_t> ns; // every iteration of every thread, sorted
  double seconds = 0;       // wall time of the measured iterations
};

uint64_t percentile(const std::vector<uint64_t>& sorted, double fraction) {
  if (sorted.empty())
    return 0;
  size_t index = std::min(sorted.size() - 1, static_cast<size_t>(fraction * double(sorted.size())));
  return sorted[index];
}

Expected<Measured> measure(const std::string& path, const InstantiateBenchOptions& options, unsigned threads) {
  Loaded loaded = WASMC_TRY(load(path, options.optLevel));
  int devNull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (devNull < 0)
    return makeError(ErrorKind::Io, kNoOffset, "cannot open /dev/null");
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0)
        ::close(fd);
    }
  };
  Closer closer{devNull};
  uint64_t ignored = 0;
  for (unsigned i = 0; i < kWarmupIterations; ++i)
    WASMC_TRY(iterate(loaded, options.invoke, devNull, ignored));

  std::vector<std::vector<uint64_t>> perThread(threads);
  std::vector<std::optional<Error>> errors(threads);
  std::atomic<unsigned> ready{0};
  std::atomic<bool> go{false};
  auto loop = [&](unsigned t) {
    perThread[t].reserve(options.iterations);
    // Each thread its own open /dev/null, as each connection of a server
    // has its own socket: dup'ing one shared file would make the threads
    // contend for its reference count, a cost of the harness, not of
    // instantiation (it cost two threads about a fifth of their rate).
    int output = t == 0 ? devNull : ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    Closer ownOutput{t == 0 ? -1 : output};
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire))
      std::this_thread::yield();
    for (unsigned i = 0; i < options.iterations; ++i) {
      uint64_t ns = 0;
      if (Expected<void> done = iterate(loaded, options.invoke, output, ns); !done) {
        errors[t] = std::move(done).error();
        return;
      }
      perThread[t].push_back(ns);
    }
  };
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t)
    helpers.emplace_back(loop, t);
  while (ready.load() + 1 < threads)
    std::this_thread::yield();
  const uint64_t start = monotonicNs();
  go.store(true, std::memory_order_release);
  loop(0);
  for (std::thread& helper : helpers)
    helper.join();
  Measured measured{path, loaded.loadNs, threads, {}, double(monotonicNs() - start) / 1e9};
  for (unsigned t = 0; t < threads; ++t) {
    if (errors[t])
      return *errors[t];
    measured.ns.insert(measured.ns.end(), perThread[t].begin(), perThread[t].end());
  }
  std::sort(measured.ns.begin(), measured.ns.end());
  return measured;
}

std::string formatLine(const Measured& m) {
  char line[512];
  char load[32] = "-";
  if (m.loadNs)
    std::snprintf(load, sizeof load, "%.0f", m.loadNs / 1e3);
  std::snprintf(line, sizeof line, "| %s | %u | %zu | %.2f | %.2f | %.0f | %s |\n",
                std::filesystem::path(m.module).filename().c_str(), m.threads, m.ns.size(),
                percentile(m.ns, 0.50) / 1e3, percentile(m.ns, 0.99) / 1e3, double(m.ns.size()) / m.seconds, load);
  return line;
}

std::string formatJson(const std::vector<Measured>& all, const InstantiateBenchOptions& options) {
  std::string json = "{\"invoke\": \"" + options.invoke + "\", \"results\": [";
  for (size_t i = 0; i < all.size(); ++i) {
    const Measured& m = all[i];
    char entry[512];
    std::snprintf(entry, sizeof entry,
                  "%s\n  {\"module\": \"%s\", \"threads\": %u, \"iterations\": %zu, \"p50_ns\": %" PRIu64
                  ", \"p99_ns\": %" PRIu64 ", \"per_second\": %.0f, \"artifact_load_ns\": %" PRIu64 "}",
                  i ? "," : "", m.module.c_str(), m.threads, m.ns.size(), percentile(m.ns, 0.50),
                  percentile(m.ns, 0.99), double(m.ns.size()) / m.seconds, m.loadNs);
    json += entry;
  }
  return json + "\n]}\n";
}

} // namespace

Expected<int> benchInstantiate(const InstantiateBenchOptions& options) {
  if (options.modules.empty())
    return makeError(ErrorKind::Usage, kNoOffset, "--instantiate needs the modules to instantiate");
  rt::setMemoryImagesEnabled(options.memoryImages);
  rt::setMemoryPoolCapacity(options.memoryPool);
  std::string table = "| module | threads | iterations | p50 (us) | p99 (us) | per second | artifact load p50 (us) |\n"
                      "|---|---:|---:|---:|---:|---:|---:|\n";
  std::fputs(table.c_str(), stdout);
  std::vector<Measured> all;
  for (const std::string& module : options.modules) {
    std::vector<unsigned> threadCounts{1};
    if (options.threads > 1)
      threadCounts.push_back(options.threads);
    for (unsigned threads : threadCounts) {
      Expected<Measured> measured = measure(module, options, threads);
      if (!measured)
        return Error{measured.error().kind, measured.error().offset, module + ": " + measured.error().message,
                     measured.error().function};
      std::string line = formatLine(*measured);
      std::fputs(line.c_str(), stdout);
      std::fflush(stdout);
      table += line;
      all.push_back(std::move(*measured));
    }
  }
  std::error_code error;
  std::filesystem::create_directories(options.outDir, error);
  std::ofstream(options.outDir + "/instantiate.md") << table;
  std::ofstream json(options.outDir + "/instantiate.json");
  json << formatJson(all, options);
  if (!json)
    return makeError(ErrorKind::Io, kNoOffset, "cannot write " + options.outDir + "/instantiate.json");
  return 0;
}

} // namespace wasmc::tools
