#include "tools/wasmc/Limits.h"

#include <cmath>
#include <cstdlib>

namespace wasmc::tools {

namespace {

Error usage(std::string message) { return makeError(ErrorKind::Usage, kNoOffset, std::move(message)); }

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
    if (value.empty() || value == "y" || value == "yes" || value == "true")
      limits.interruptible = true;
    else if (value == "n" || value == "no" || value == "false")
      limits.interruptible = false;
    else
      return usage("-W " + std::string(key) + " takes y or n, not '" + std::string(value) + "'");
    return {};
  }
  return usage("unknown -W option '" + std::string(option) + "'; known: " +
               (runTime ? "timeout=DUR, interruptible[=y|n]" : "interruptible[=y|n]"));
}

} // namespace wasmc::tools
