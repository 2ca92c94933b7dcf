#include "tools/wasmc/PhaseReport.h"

#include "runtime/Linker.h"
#include "runtime/Store.h"

#include <cstdio>
#include <ctime>

namespace wasmc::tools {

uint64_t monotonicNs() {
  struct timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1000000000u + static_cast<uint64_t>(now.tv_nsec);
}

void BenchMarkers::addToLinker(rt::Store& store, rt::Linker& linker) {
  auto define = [&](const char* name, uint64_t* stamp) {
    rt::HostFn fn = [stamp](std::span<abi::Slot>) {
      *stamp = monotonicNs();
      return abi::TrapCode::None;
    };
    rt::Extern value;
    value.kind = wasm::ExternKind::Func;
    value.func = store.createHostFunction(wasm::FuncType{}, std::move(fn));
    linker.define("bench", name, value);
  };
  define("start", &startNs_);
  define("end", &endNs_);
}

std::string formatPhaseReport(const PhaseTimes& times) {
  char text[256];
  std::snprintf(text, sizeof text,
                "{\"compile_ns\":%llu,\"instantiate_ns\":%llu,\"execute_ns\":%llu,\"bench_markers\":%s,"
                "\"exit_code\":%d,\"until_start_ns\":%llu}\n",
                static_cast<unsigned long long>(times.compileNs),
                static_cast<unsigned long long>(times.instantiateNs),
                static_cast<unsigned long long>(times.executeNs), times.benchMarkers ? "true" : "false",
                times.exitCode, static_cast<unsigned long long>(times.untilStartNs));
  return text;
}

Expected<void> writePhaseReport(const std::string& path, const PhaseTimes& times) {
  std::string text = formatPhaseReport(times);
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (!file)
    return makeError(ErrorKind::Io, kNoOffset, "cannot write the bench report " + path);
  bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  if (std::fclose(file) != 0 || !written)
    return makeError(ErrorKind::Io, kNoOffset, "cannot write the bench report " + path);
  return {};
}

} // namespace wasmc::tools
