#include "runtime/CodeRegistry.h"

#include "compiler/wasm/Error.h"
#include "runtime/RangeSet.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <mutex>

#include <unistd.h>

namespace wasmc::rt {
namespace {

/// Functions at most this far apart share one range in the signal-safe set.
constexpr uintptr_t kMergeGap = 4096;

/// Read from the signal handler: constant-initialised, never destroyed state.
constinit RangeSet codeRanges;

struct FunctionEntry {
  uintptr_t end;
  uint32_t funcIndex;
  std::string name;
  bool loopEntry;
  std::vector<abi::PcOffset> offsets;
  uint32_t functionStart;
};

/// The offset of the instruction whose code holds `pc`, `delta` bytes into
/// its function.
uint32_t offsetAt(const std::vector<abi::PcOffset>& offsets, uintptr_t delta) {
  auto after = std::upper_bound(offsets.begin(), offsets.end(), delta,
                                [](uintptr_t pc, const abi::PcOffset& row) { return pc < row.pc; });
  return after == offsets.begin() ? abi::kNoWasmOffset : std::prev(after)->offset;
}

/// One range a module published to the signal handler.
struct PublishedRange {
  uint32_t slot; // in codeRanges
  uintptr_t start;
  uintptr_t end;
};

struct ModuleEntry {
  std::vector<PublishedRange> ranges;
  std::vector<uintptr_t> starts; // keys in Registry::functions
};

/// The slow-path tables. Heap-allocated and never freed so that a module
/// unregistered from a static destructor still finds them alive.
struct Registry {
  std::mutex mutex;
  /// /tmp/perf-PID.map while perf maps are on (enablePerfMap).
  std::FILE* perfMap = nullptr;
  uint64_t nextHandle = 1;
  std::map<uint64_t, ModuleEntry> modules;
  std::map<uintptr_t, FunctionEntry> functions; // by start address
};

Registry& registry() {
  static Registry* instance = new Registry();
  return *instance;
}

/// perf's format: start and size in hex, then the symbol's name.
void writePerfMapLine(std::FILE* map, const FunctionRange& function) {
  std::fprintf(map, "%" PRIxPTR " %" PRIxPTR " ", function.start, function.end - function.start);
  if (function.name.empty())
    std::fprintf(map, "wasm[%u]", function.funcIndex);
  else
    std::fprintf(map, "%s", function.name.c_str());
  std::fprintf(map, "%s\n", function.loopEntry ? " (loop entry)" : "");
  std::fflush(map);
}

/// Publishes `functions` to the signal handler and the backtrace map as part
/// of `module`. The caller holds the registry's lock.
void addFunctions(Registry& reg, ModuleEntry& module, std::vector<FunctionRange> functions) {
  std::sort(functions.begin(), functions.end(),
            [](const FunctionRange& a, const FunctionRange& b) { return a.start < b.start; });
  size_t i = 0;
  while (i < functions.size()) {
    uintptr_t start = functions[i].start;
    uintptr_t end = functions[i].end;
    size_t j = i + 1;
    while (j < functions.size() && functions[j].start <= end + kMergeGap) {
      end = std::max(end, functions[j].end);
      ++j;
    }
    if (end > start) {
      // Code added later (the lazy JIT adds one function at a time) joins
      // the module's ranges it is close to, so a module uses few slots
      // however many functions it compiles. The union is published before
      // the ranges it replaces are removed: no pc is ever unregistered.
      std::vector<uint32_t> replaced;
      std::erase_if(module.ranges, [&](const PublishedRange& range) {
        if (range.start > end + kMergeGap || start > range.end + kMergeGap)
          return false;
        start = std::min(start, range.start);
        end = std::max(end, range.end);
        replaced.push_back(range.slot);
        return true;
      });
      uint32_t slot = codeRanges.insert(start, end);
      if (slot == RangeSet::kNoSlot)
        fatal("code registry full: too many live compiled modules");
      module.ranges.push_back({slot, start, end});
      for (uint32_t old : replaced)
        codeRanges.erase(old);
    }
    i = j;
  }
  for (FunctionRange& function : functions) {
    if (function.end <= function.start)
      continue;
    if (reg.perfMap)
      writePerfMapLine(reg.perfMap, function);
    module.starts.push_back(function.start);
    reg.functions[function.start] =
        FunctionEntry{function.end, function.funcIndex, std::move(function.name), function.loopEntry,
                      std::move(function.offsets), function.functionStart};
  }
}

} // namespace

bool enablePerfMap() {
  Registry& reg = registry();
  std::lock_guard<std::mutex> lock(reg.mutex);
  if (reg.perfMap)
    return true;
  char path[64];
  std::snprintf(path, sizeof path, "/tmp/perf-%d.map", int(::getpid()));
  reg.perfMap = std::fopen(path, "w");
  return reg.perfMap != nullptr;
}

uint64_t registerCode(std::vector<FunctionRange> functions) {
  Registry& reg = registry();
  std::lock_guard<std::mutex> lock(reg.mutex);
  ModuleEntry module;
  addFunctions(reg, module, std::move(functions));
  uint64_t handle = reg.nextHandle++;
  reg.modules.emplace(handle, std::move(module));
  return handle;
}

void addCode(uint64_t handle, std::vector<FunctionRange> functions) {
  Registry& reg = registry();
  std::lock_guard<std::mutex> lock(reg.mutex);
  auto it = reg.modules.find(handle);
  if (it != reg.modules.end())
    addFunctions(reg, it->second, std::move(functions));
}

void unregisterCode(uint64_t handle) {
  Registry& reg = registry();
  std::lock_guard<std::mutex> lock(reg.mutex);
  auto it = reg.modules.find(handle);
  if (it == reg.modules.end())
    return;
  for (const PublishedRange& range : it->second.ranges)
    codeRanges.erase(range.slot);
  for (uintptr_t start : it->second.starts)
    reg.functions.erase(start);
  reg.modules.erase(it);
}

bool isWasmCode(uintptr_t pc) { return codeRanges.contains(pc); }

std::optional<Frame> lookupFrame(uintptr_t pc, bool* loopEntry) {
  Registry& reg = registry();
  std::lock_guard<std::mutex> lock(reg.mutex);
  auto it = reg.functions.upper_bound(pc);
  if (it == reg.functions.begin())
    return std::nullopt;
  --it;
  if (pc >= it->second.end)
    return std::nullopt;
  if (loopEntry)
    *loopEntry = it->second.loopEntry;
  return Frame{it->second.funcIndex, it->second.name, pc, offsetAt(it->second.offsets, pc - it->first),
               it->second.functionStart};
}

} // namespace wasmc::rt
