// wasmc.hh, the C++20 API: typed calls both ways, host lambdas with a
// caller, memory as a span, globals, errors and traps as Results, WASI
// through the linker, serialization.
// Usage: embed_cxx_api cxx_api.wasm wasi_guest.wasm WORK_DIR
#include <atomic>
#include <chrono>
#include <thread>
#include <wasmc.hh>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sys/stat.h>

#define CHECK(condition)                                                              \
  do {                                                                                \
    if (!(condition)) {                                                               \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::exit(1);                                                                   \
    }                                                                                 \
  } while (0)

static std::vector<uint8_t> readFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

int main(int argc, char** argv) {
  CHECK(argc == 4);
  wasmc::Engine engine(wasmc::Config{.optLevel = 0});
  wasmc::Store store(engine);

  // Errors carry kind and offset.
  std::vector<uint8_t> bad = {0, 'a', 's', 'm', 1, 0, 0, 0, 0x01, 0x05, 0x01, 0x60};
  wasmc::Result<wasmc::Module> broken = wasmc::Module::compile(store, bad);
  CHECK(!broken && broken.error().kind() == wasmc::ErrorKind::Malformed && broken.error().offset());

  // Features past 2.0 by name: a tail call compiles by default, not with
  // tail-call off; an unknown feature leaves the engine invalid.
  {
    const std::vector<uint8_t> tailCall = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0,
                                           3, 2, 1, 0, 0x0a, 6, 1, 4, 0, 0x12, 0, 0x0b};
    CHECK(wasmc::Module::compile(store, tailCall));
    wasmc::Engine strict(wasmc::Config{.optLevel = 0, .wasmFeatures = {{"tail-call", false}}});
    CHECK(strict.valid());
    wasmc::Store strictStore(strict);
    wasmc::Result<wasmc::Module> refused = wasmc::Module::compile(strictStore, tailCall);
    CHECK(!refused && refused.error().message().find("tail-call") != std::string::npos);
    CHECK(!wasmc::Engine(wasmc::Config{.wasmFeatures = {{"threads", true}}}).valid());
  }

  std::vector<uint8_t> bytes = readFile(argv[1]);
  CHECK(wasmc::Module::validate(bytes));
  wasmc::Result<wasmc::Module> module = wasmc::Module::compile(store, bytes);
  CHECK(module);
  CHECK(module->imports().size() == 3 && module->imports()[0].name == "scale");
  CHECK(module->exports().size() == 8 && module->exports()[0].kind == wasmc::ExternKind::Memory);

  // Host functions from lambdas, one with the caller.
  wasmc::Linker linker(store);
  CHECK(linker.defineFunc("host", "scale", [](int32_t x, double factor) { return x * factor; }));
  CHECK(linker.defineFunc("host", "peek", [](wasmc::Caller& caller, int32_t at) -> int32_t {
    std::span<uint8_t> memory = caller.memory();
    if (at < 0 || static_cast<size_t>(at) >= memory.size()) {
      caller.trap("peek out of range");
      return 0;
    }
    return memory[static_cast<size_t>(at)];
  }));
  CHECK(linker.defineFunc("host", "pair", [](int64_t v) { return std::tuple<int64_t, int32_t>{v * 2, -1}; }));
  wasmc::Result<wasmc::Instance> instance = linker.instantiate(*module);
  CHECK(instance);

  auto add = instance->func<int32_t(int32_t, int32_t)>("add");
  CHECK(add && *(*add)(40, 2) == 42);
  CHECK(!instance->func<int64_t(int32_t, int32_t)>("add")); // wrong signature
  CHECK(!instance->func<void()>("missing"));
  auto scaled = instance->func<double(int32_t)>("scaled");
  CHECK(scaled && *(*scaled)(7) == 3.5);
  auto peek = instance->func<int32_t(int32_t)>("peek");
  CHECK(peek && *(*peek)(100) == 42);
  wasmc::Result<int32_t> outside = (*peek)(1 << 20);
  CHECK(!outside && outside.error().isTrap() && outside.error().message() == "peek out of range");
  CHECK(outside.error().trapCode() == WASMC_TRAP_HOST);
  auto swap = instance->func<std::tuple<int64_t, int32_t>(int32_t, int64_t)>("swap");
  CHECK(swap && *(*swap)(1, 2) == std::make_tuple(int64_t{2}, int32_t{1}));
  auto pair = instance->func<std::tuple<int64_t, int32_t>(int64_t)>("pair");
  CHECK(pair && *(*pair)(21) == std::make_tuple(int64_t{42}, int32_t{-1}));

  // A trap is an Error with code and frames.
  auto boom = instance->func<void()>("boom");
  wasmc::Result<std::monostate> trapped = (*boom)();
  CHECK(!trapped && trapped.error().trapCode() == WASMC_TRAP_UNREACHABLE);
  CHECK(trapped.error().frames().size() == 1 && trapped.error().frames()[0].funcIndex == 8);
  // At boom's unreachable: the byte after its (empty) local declarations.
  CHECK(trapped.error().frames()[0].funcOffset == 1 && trapped.error().frames()[0].moduleOffset > 0);

  // Untyped calls.
  wasmc::Result<wasmc::Func> untyped = instance->func("add");
  std::vector<wasmc::Val> args = {wasmc::Val::makeI32(5), wasmc::Val::makeI32(6)};
  wasmc::Result<std::vector<wasmc::Val>> sum = untyped->call(args);
  CHECK(sum && sum->size() == 1 && (*sum)[0].of.i32 == 11);

  // Memory and globals.
  wasmc::Result<wasmc::Memory> memory = instance->memory();
  CHECK(memory && memory->pages() == 1 && memory->data().size() == 65536);
  memory->data()[200] = 7;
  CHECK(*(*peek)(200) == 7);
  CHECK(memory->grow(1) && memory->pages() == 2);
  wasmc::Result<wasmc::Global> counter = instance->global("counter");
  CHECK(counter && counter->get().of.i64 == 10);
  CHECK(counter->set(wasmc::Val::makeI64(11)) && counter->get().of.i64 == 11);
  CHECK(!counter->set(wasmc::Val::makeI32(1)));

  // Serialization round trip.
  wasmc::Result<std::vector<uint8_t>> serialized = module->serialize();
  CHECK(serialized && !serialized->empty());
  CHECK(wasmc::Module::deserialize(store, *serialized));
  (*serialized)[serialized->size() / 3] ^= 4;
  wasmc::Result<wasmc::Module> refused = wasmc::Module::deserialize(store, *serialized);
  CHECK(!refused && refused.error().kind() == wasmc::ErrorKind::Artifact);

  // WASI through the linker (the guest of wasi_host.c).
  std::string work = argv[3];
  mkdir(work.c_str(), 0755);
  mkdir((work + "/in").c_str(), 0755);
  mkdir((work + "/out").c_str(), 0755);
  std::ofstream(work + "/in/input.txt") << "read only input\n";
  wasmc::Store wasiStore(engine);
  std::vector<uint8_t> guestBytes = readFile(argv[2]);
  wasmc::Result<wasmc::Module> guest = wasmc::Module::compile(wasiStore, guestBytes);
  CHECK(guest);
  wasmc::WasiConfig wasi;
  wasi.argv({"guest"}).env({{"GREETING", "hi"}}).stdoutBuffer().stderrBuffer();
  CHECK(wasi.preopenDir(work + "/in", "/in", true) && wasi.preopenDir(work + "/out", "/out"));
  wasmc::Linker wasiLinker(wasiStore);
  CHECK(wasiLinker.defineWasi(std::move(wasi)));
  CHECK(wasiLinker.defineFunc("host", "checksum", [](int32_t, int32_t) { return int32_t{0}; }));
  wasmc::Result<wasmc::Instance> program = wasiLinker.instantiate(*guest);
  CHECK(program);
  wasmc::Result<int32_t> status = wasiLinker.runWasiCommand(*program);
  CHECK(status && *status == 3);
  std::string out = wasiLinker.wasiOutput(1);
  CHECK(out.starts_with("argv[0]=guest\nGREETING=hi\n") && out.find("host checksum: 0\n") != std::string::npos);
  CHECK(wasiLinker.wasiOutput(2) == "to stderr\n");

  // Pre-linked: resolved once, instantiated in fresh stores, each with its
  // own WASI context and buffers.
  wasmc::Result<wasmc::InstancePre> pre = wasiLinker.instantiatePre(*guest);
  CHECK(pre);
  for (std::string round : {"first", "second"}) {
    wasmc::Store fresh(engine);
    wasmc::WasiConfig config;
    config.argv({"guest", round}).stdoutBuffer().stderrBuffer();
    CHECK(config.preopenDir(work + "/in", "/in", true) && config.preopenDir(work + "/out", "/out"));
    wasmc::Result<wasmc::Instance> instance = pre->instantiate(fresh, std::move(config));
    CHECK(instance);
    wasmc::Result<int32_t> exited = wasiLinker.runWasiCommand(*instance);
    CHECK(exited && *exited == 3);
    CHECK(fresh.wasiOutput(1).starts_with("argv[0]=guest\nargv[1]=" + round + "\n"));
    CHECK(fresh.wasiOutput(2) == "to stderr\n");
  }

  // Fuel, limits and interruption.
  wasmc::Engine metered(wasmc::Config{.optLevel = 0, .interruptible = true, .consumeFuel = true});
  wasmc::Store fuelStore(metered);
  wasmc::Result<wasmc::Module> meteredModule = wasmc::Module::compile(fuelStore, bytes);
  CHECK(meteredModule);
  wasmc::Linker fuelLinker(fuelStore);
  CHECK(fuelLinker.defineFunc("host", "scale", [](int32_t x, double factor) { return x * factor; }));
  CHECK(fuelLinker.defineFunc("host", "peek", [](int32_t) { return int32_t{0}; }));
  CHECK(fuelLinker.defineFunc("host", "pair", [](int64_t v) { return std::tuple<int64_t, int32_t>{v, 0}; }));
  wasmc::Result<wasmc::Instance> fuelInstance = fuelLinker.instantiate(*meteredModule);
  CHECK(fuelInstance);
  auto meteredAdd = fuelInstance->func<int32_t(int32_t, int32_t)>("add");
  CHECK(meteredAdd && fuelStore.setFuel(100));
  CHECK(*(*meteredAdd)(1, 2) == 3 && fuelStore.fuel() == 97); // local.get, local.get, i32.add
  CHECK(fuelStore.setFuel(2));
  wasmc::Result<int32_t> starved = (*meteredAdd)(1, 2);
  CHECK(!starved && starved.error().trapCode() == WASMC_TRAP_OUT_OF_FUEL && fuelStore.fuel() == -1);
  // Refuelled one unit at a time: add's 3 units of fuel come in 3 calls
  // (its entry check sees -3, then -2, -1, 0), and it returns.
  int refuels = 0;
  fuelStore.setFuel(0);
  fuelStore.setRefuelCallback([&refuels]() -> uint64_t { return ++refuels, 1; });
  CHECK(*(*meteredAdd)(1, 2) == 3 && refuels == 3 && fuelStore.fuel() == 0);
  // A callback giving everything saturates the fuel at INT64_MAX.
  fuelStore.setFuel(0);
  fuelStore.setRefuelCallback([]() -> uint64_t { return UINT64_MAX; });
  CHECK(*(*meteredAdd)(1, 2) == 3 && fuelStore.fuel() == INT64_MAX);
  fuelStore.setRefuelCallback(nullptr);
  fuelStore.setFuel(100);
  fuelStore.interrupt();
  wasmc::Result<int32_t> interrupted = (*meteredAdd)(1, 2);
  CHECK(!interrupted && interrupted.error().trapCode() == WASMC_TRAP_INTERRUPT);
  CHECK(*(*meteredAdd)(1, 2) == 3); // delivered once
  // An epoch deadline whose callback extends it once (by one tick), then
  // lets it interrupt; the callback runs on the engine's epoch thread.
  std::atomic<int> extensions{0};
  fuelStore.setEpochDeadlineCallback([&extensions]() -> uint64_t { return extensions++ == 0 ? 1 : 0; });
  fuelStore.setEpochDeadline(1);
  auto waitFor = [&extensions](int count) {
    for (int i = 0; i < 5000 && extensions.load() < count; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return extensions.load() == count;
  };
  metered.incrementEpoch();
  CHECK(waitFor(1) && *(*meteredAdd)(1, 2) == 3); // extended: still running
  metered.incrementEpoch();
  CHECK(waitFor(2));
  // The interrupt follows the callback's return on that thread.
  wasmc::Result<int32_t> expired = (*meteredAdd)(1, 2);
  for (int i = 0; i < 5000 && expired; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    expired = (*meteredAdd)(1, 2);
  }
  CHECK(!expired && expired.error().trapCode() == WASMC_TRAP_INTERRUPT);
  fuelStore.setEpochDeadlineCallback(nullptr);
  fuelStore.limit({.memories = 0});
  wasmc::Result<wasmc::Instance> overLimit = fuelLinker.instantiate(*meteredModule);
  CHECK(!overLimit && overLimit.error().message().find("limit of 0 memories") != std::string::npos);

  wasmc::Linker empty(wasiStore);
  wasmc::Result<wasmc::Instance> unlinked = empty.instantiate(*guest);
  CHECK(!unlinked && unlinked.error().kind() == wasmc::ErrorKind::Unlinkable);
  std::printf("wasmc.hh: ok\n");
  return 0;
}
