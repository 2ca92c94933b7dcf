#include "tools/wasmc/Limits.h"

#include <cmath>
#include <cstdlib>

namespace wasmc::tools {

namespace {

Error usage(std::string message) { return makeError(ErrorKind::Usage, kNoOffset, std::move(message)); }

Expected<bool> parseFlag(std::string_view key, std::string_view value) {
  if (value.empty() || value == "y" || value == "yes" || value == "true")
    return true;
  if (value == "n" || value == "no" || value == "false")
    return false;
  return usage("-W " + std::string(key) + " takes y or n, not '" + std::string(value) + "'");
}

Expected<uint64_t> parseCount(std::string_view key, std::string_view value) {
  uint64_t count = 0;
  bool valid = !value.empty() && value.size() <= 19;
  for (char c : value)
    valid = valid && c >= '0' && c <= '9';
  if (!valid)
    return usage("-W " + std::string(key) + " takes a whole number, not '" + std::string(value) + "'");
  for (char c : value)
    count = count * 10 + uint64_t(c - '0');
  return count;
}

/// The store limits -W sets, by name.
struct CountOption {
  std::string_view key;
  uint64_t rt::StoreLimits::*field;
  bool isSize; // bytes, with units
};

constexpr CountOption kCountOptions[] = {
    {"max-memory-size", &rt::StoreLimits::memoryBytes, true},
    {"max-table-elements", &rt::StoreLimits::tableElements, false},
    {"max-instances", &rt::StoreLimits::instances, false},
    {"max-tables", &rt::StoreLimits::tables, false},
    {"max-memories", &rt::StoreLimits::memories, false},
    {"max-wasm-stack", &rt::StoreLimits::maxWasmStack, true},
};

} // namespace

Expected<uint64_t> parseDuration(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    double ns;
  };
  // Longest suffixes first: "ms" before "s", "ns"/"us" before "s".
  static constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  double scale = 1e9;
  std::string_view number = text;
  for (const Unit& unit : kUnits) {
    if (text.ends_with(unit.suffix)) {
      scale = unit.ns;
      number = text.substr(0, text.size() - unit.suffix.size());
      break;
    }
  }
  std::string digits(number);
  char* end = nullptr;
  double value = digits.empty() ? -1 : std::strtod(digits.c_str(), &end);
  if (digits.empty() || end != digits.c_str() + digits.size() || !(value >= 0) || value * scale > 1e18)
    return usage("not a duration: '" + std::string(text) + "' (a number and ns, us, ms, s, m or h, like 10ms)");
  return static_cast<uint64_t>(std::llround(value * scale));
}

Expected<uint64_t> parseSize(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    uint64_t bytes;
  };
  static constexpr Unit kUnits[] = {{"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30},
                                    {"K", 1ull << 10},   {"M", 1ull << 20},   {"G", 1ull << 30}};
  uint64_t scale = 1;
  std::string_view number = text;
  for (const Unit& unit : kUnits) {
    if (text.ends_with(unit.suffix)) {
      scale = unit.bytes;
      number = text.substr(0, text.size() - unit.suffix.size());
      break;
    }
  }
  Expected<uint64_t> count = parseCount("size", number);
  if (!count || *count > (uint64_t(1) << 62) / scale)
    return usage("not a size: '" + std::string(text) + "' (bytes, or a number and K, M, G, like 16M)");
  return *count * scale;
}

Expected<void> applyLimitOption(std::string_view option, RunLimits& limits, bool runTime) {
  size_t equals = option.find('=');
  std::string_view key = option.substr(0, equals);
  std::string_view value = equals == std::string_view::npos ? "" : option.substr(equals + 1);
  if (key == "timeout" && runTime) {
    limits.timeoutNs = WASMC_TRY(parseDuration(value));
    limits.interruptible = true;
    return {};
  }
  if (key == "interruptible" || key == "epoch-interruption") {
    limits.interruptible = WASMC_TRY(parseFlag(key, value));
    return {};
  }
  if (key == "fuel" && runTime) {
    limits.fuel = WASMC_TRY(parseCount(key, value));
    if (*limits.fuel > uint64_t(INT64_MAX))
      return usage("-W fuel is at most " + std::to_string(INT64_MAX));
    limits.consumeFuel = true;
    return {};
  }
  if (key == "consume-fuel") {
    limits.consumeFuel = WASMC_TRY(parseFlag(key, value));
    return {};
  }
  if (key == "trap-on-grow-failure" && runTime) {
    limits.store.trapOnGrowFailure = WASMC_TRY(parseFlag(key, value));
    return {};
  }
  for (const CountOption& count : kCountOptions) {
    if (key != count.key || !runTime)
      continue;
    limits.store.*count.field = count.isSize ? WASMC_TRY(parseSize(value)) : WASMC_TRY(parseCount(key, value));
    return {};
  }
  return usage("unknown -W option '" + std::string(option) + "'; known: " + limitOptionsHelp(runTime));
}

Expected<void> checkInstrumented(const rt::CompiledModule& module, const RunLimits& limits,
                                 const std::string& recompile) {
  if (limits.interruptible && !module.interruptible())
    return usage("compiled without -W interruptible: its loops cannot be interrupted (-W timeout); "
                 "compile it again with `" + recompile + " -W interruptible`");
  if (limits.consumeFuel && !module.consumesFuel())
    return usage("compiled without -W consume-fuel: it cannot be metered (-W fuel); compile it again with `" +
                 recompile + " -W consume-fuel`");
  return {};
}

std::string limitOptionsHelp(bool runTime) {
  if (!runTime)
    return "interruptible[=y|n] (loops check for interrupts, so that -W timeout can stop them), "
           "consume-fuel[=y|n] (the code consumes fuel, so that -W fuel=N can meter it)";
  return "timeout=DUR (stop with the trap \"interrupt\" after DUR: 10ms, 2s; implies interruptible), "
         "interruptible[=y|n], fuel=N (the run may spend N fuel, about one per instruction, then traps; "
         "docs/LIMITS.md), consume-fuel[=y|n], max-memory-size=BYTES (any one memory; 16M, 1G), max-table-elements=N "
         "(any one table), max-instances=N, max-tables=N, max-memories=N, trap-on-grow-failure[=y|n] "
         "(a failed memory.grow or table.grow traps instead of returning -1), max-wasm-stack=BYTES "
         "(the stack wasm frames may use)";
}

} // namespace wasmc::tools
