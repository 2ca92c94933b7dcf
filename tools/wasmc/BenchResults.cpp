#include "tools/wasmc/BenchResults.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace wasmc::tools {

namespace {

std::vector<uint64_t> sorted(const std::vector<uint64_t>& values) {
  std::vector<uint64_t> copy = values;
  std::sort(copy.begin(), copy.end());
  return copy;
}

std::string jsonString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string jsonSamples(const Samples& samples) {
  if (samples.values.empty())
    return "null";
  std::string out = "{\"median\": " + std::to_string(samples.median()) + ", \"min\": " + std::to_string(samples.min()) +
                    ", \"max\": " + std::to_string(samples.max()) + ", \"samples\": [";
  for (size_t i = 0; i < samples.values.size(); ++i)
    out += (i ? ", " : "") + std::to_string(samples.values[i]);
  return out + "]}";
}

const char* statusName(ResultStatus status) {
  switch (status) {
  case ResultStatus::Ok: return "ok";
  case ResultStatus::Skipped: return "skipped";
  case ResultStatus::Failed: return "failed";
  }
  return "?";
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

/// Milliseconds with three significant-ish digits.
std::string millis(uint64_t ns) {
  double ms = static_cast<double>(ns) / 1e6;
  return format(ms >= 100 ? "%.0f" : ms >= 10 ? "%.1f" : ms >= 1 ? "%.2f" : "%.3f", ms);
}

/// The suites in first-seen order, each with its results.
std::vector<std::pair<std::string, std::vector<const BenchmarkResult*>>> bySuite(const BenchRun& run) {
  std::vector<std::pair<std::string, std::vector<const BenchmarkResult*>>> suites;
  for (const BenchmarkResult& result : run.results) {
    auto found = std::find_if(suites.begin(), suites.end(), [&](auto& s) { return s.first == result.bench.suite; });
    if (found == suites.end()) {
      suites.push_back({result.bench.suite, {}});
      found = suites.end() - 1;
    }
    found->second.push_back(&result);
  }
  return suites;
}

std::string shortName(const std::string& name) {
  size_t slash = name.find('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

/// The geometric mean of engine/baseline over the results where both ran.
std::optional<double> geomean(const std::vector<const BenchmarkResult*>& results, const std::string& engine,
                              size_t* count = nullptr) {
  double logSum = 0;
  size_t n = 0;
  for (const BenchmarkResult* result : results)
    if (std::optional<double> ratio = executeRatio(*result, engine)) {
      logSum += std::log(*ratio);
      ++n;
    }
  if (count)
    *count = n;
  if (n == 0)
    return std::nullopt;
  return std::exp(logSum / static_cast<double>(n));
}

} // namespace

uint64_t Samples::median() const {
  if (values.empty())
    return 0;
  std::vector<uint64_t> s = sorted(values);
  size_t mid = s.size() / 2;
  return s.size() % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

uint64_t Samples::min() const { return values.empty() ? 0 : *std::min_element(values.begin(), values.end()); }
uint64_t Samples::max() const { return values.empty() ? 0 : *std::max_element(values.begin(), values.end()); }

const EngineResult* BenchmarkResult::find(const std::string& engine) const {
  for (const EngineResult& result : engines)
    if (result.engine == engine)
      return &result;
  return nullptr;
}

std::optional<std::string> baselineEngine(const BenchmarkResult& result) {
  for (const char* candidate : {"native", "wasmc-aot"})
    if (const EngineResult* found = result.find(candidate); found && found->status == ResultStatus::Ok)
      return std::string(candidate);
  return std::nullopt;
}

std::optional<double> executeRatio(const BenchmarkResult& result, const std::string& engine) {
  std::optional<std::string> baseline = baselineEngine(result);
  const EngineResult* measured = result.find(engine);
  if (!baseline || !measured || measured->status != ResultStatus::Ok)
    return std::nullopt;
  uint64_t base = result.find(*baseline)->execute.median();
  if (base == 0)
    return std::nullopt;
  return static_cast<double>(measured->execute.median()) / static_cast<double>(base);
}

std::string formatJson(const BenchRun& run) {
  std::string out = "{\n";
  out += "  \"command\": " + jsonString(run.commandLine) + ",\n";
  out += "  \"date\": " + jsonString(run.date) + ",\n";
  out += "  \"machine\": " + jsonString(run.machine) + ",\n";
  out += "  \"runs\": " + std::to_string(run.runs) + ",\n";
  out += "  \"opt_level\": " + std::to_string(run.optLevel) + ",\n";
  out += "  \"engines\": [";
  for (size_t i = 0; i < run.engines.size(); ++i)
    out += (i ? ", " : "") + jsonString(run.engines[i]);
  out += "],\n  \"benchmarks\": [";
  for (size_t b = 0; b < run.results.size(); ++b) {
    const BenchmarkResult& result = run.results[b];
    out += b ? ",\n" : "\n";
    out += "    {\"name\": " + jsonString(result.bench.name) + ", \"suite\": " + jsonString(result.bench.suite) +
           ", \"wasm\": " + jsonString(result.bench.wasm) + ",\n     \"results\": {";
    for (size_t e = 0; e < result.engines.size(); ++e) {
      const EngineResult& engine = result.engines[e];
      out += e ? ",\n      " : "\n      ";
      out += jsonString(engine.engine) + ": {\"status\": " + jsonString(statusName(engine.status));
      if (!engine.message.empty())
        out += ", \"message\": " + jsonString(engine.message);
      if (engine.status == ResultStatus::Ok) {
        out += ", \"bench_markers\": " + std::string(engine.benchMarkers ? "true" : "false");
        out += ",\n        \"compile_ns\": " + jsonSamples(engine.compile);
        out += ",\n        \"instantiate_ns\": " + jsonSamples(engine.instantiate);
        out += ",\n        \"execute_ns\": " + jsonSamples(engine.execute);
        out += ",\n        \"wall_ns\": " + jsonSamples(engine.wall);
        if (std::optional<double> ratio = executeRatio(result, engine.engine))
          out += ",\n        \"execute_ratio\": " + format("%.4f", *ratio) + ", \"baseline\": " +
                 jsonString(*baselineEngine(result));
      }
      out += "}";
    }
    out += "}}";
  }
  out += "\n  ]\n}\n";
  return out;
}

std::string formatTable(const BenchRun& run) {
  std::string out;
  for (const auto& [suite, results] : bySuite(run)) {
    std::string baseline = suite == "sightglass" || suite == "module" ? "wasmc-aot" : "native";
    out += "### " + suite + ": execute time, median of " + std::to_string(run.runs) + " (ms), and ratio to " +
           baseline + " where it ran\n\n| benchmark |";
    for (const std::string& engine : run.engines)
      out += " " + engine + " |";
    out += "\n|---|";
    for (size_t i = 0; i < run.engines.size(); ++i)
      out += "---:|";
    out += "\n";
    for (const BenchmarkResult* result : results) {
      out += "| " + shortName(result->bench.name) + " |";
      for (const std::string& engine : run.engines) {
        const EngineResult* found = result->find(engine);
        if (!found || found->status == ResultStatus::Skipped)
          out += " - |";
        else if (found->status == ResultStatus::Failed)
          out += " failed |";
        else if (std::optional<double> ratio = executeRatio(*result, engine); ratio && engine != *baselineEngine(*result))
          out += " " + millis(found->execute.median()) + " (" + format("%.2f", *ratio) + ") |";
        else
          out += " " + millis(found->execute.median()) + " |";
      }
      out += "\n";
    }
    out += "| **geomean ratio** |";
    for (const std::string& engine : run.engines) {
      size_t count = 0;
      std::optional<double> mean = geomean(results, engine, &count);
      out += mean && engine != baseline ? " **" + format("%.3f", *mean) + "** (" + std::to_string(count) + ") |" : " |";
    }
    out += "\n\n";

    // Compile and instantiate: only the engines that compile at all.
    out += "Compile / instantiate (ms, median):\n\n| benchmark |";
    std::vector<std::string> compilers;
    for (const std::string& engine : run.engines)
      if (engine != "native" && engine != "wasm-interp")
        compilers.push_back(engine);
    for (const std::string& engine : compilers)
      out += " " + engine + " |";
    out += "\n|---|";
    for (size_t i = 0; i < compilers.size(); ++i)
      out += "---:|";
    out += "\n";
    for (const BenchmarkResult* result : results) {
      out += "| " + shortName(result->bench.name) + " |";
      for (const std::string& engine : compilers) {
        const EngineResult* found = result->find(engine);
        out += found && found->status == ResultStatus::Ok
                   ? " " + millis(found->compile.median()) + " / " + millis(found->instantiate.median()) + " |"
                   : " - |";
      }
      out += "\n";
    }
    out += "\n";
  }
  return out;
}

std::string formatSvg(const BenchRun& run) {
  // One panel per suite: a group of bars per benchmark, one bar per engine
  // (not the baseline), height = execute ratio to the baseline. Bars above
  // kCap are clipped and labelled with their value.
  constexpr double kCap = 4.0, kPlotHeight = 220, kBar = 7, kGroupGap = 10, kLeft = 50, kPanelGap = 90;
  auto colourOf = [](const std::string& engine) {
    static const std::map<std::string, std::string> colours = {
        {"wasmc-aot", "#1f77b4"}, {"wasmc-jit", "#6baed6"}, {"native", "#7f7f7f"},
        {"node", "#2ca02c"},      {"wasm2c", "#ff7f0e"},    {"wasm-interp", "#9467bd"}};
    auto found = colours.find(engine);
    return found == colours.end() ? std::string("#000000") : found->second;
  };
  auto suites = bySuite(run);
  double width = 0;
  for (auto& [suite, results] : suites)
    width = std::max(width, kLeft + static_cast<double>(results.size()) *
                                        (static_cast<double>(run.engines.size()) * kBar + kGroupGap) + 20);
  width = std::max(width, 700.0);
  double panelHeight = kPlotHeight + kPanelGap;
  double height = 60 + static_cast<double>(suites.size()) * panelHeight;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + format("%.0f", width) + "\" height=\"" +
                    format("%.0f", height) + "\" font-family=\"sans-serif\" font-size=\"10\">\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  // Legend.
  double x = kLeft;
  for (const std::string& engine : run.engines) {
    const std::string& label = engine; // the baseline of a panel is its 1.0 line
    out += "<rect x=\"" + format("%.0f", x) + "\" y=\"8\" width=\"10\" height=\"10\" fill=\"" + colourOf(engine) +
           "\"/><text x=\"" + format("%.0f", x + 14) + "\" y=\"17\">" + label + "</text>\n";
    x += 20 + 6.5 * static_cast<double>(label.size());
  }
  double top = 60;
  for (auto& [suite, results] : suites) {
    std::string baseline = suite == "sightglass" || suite == "module" ? "wasmc-aot" : "native";
    double bottom = top + kPlotHeight;
    auto yOf = [&](double ratio) { return bottom - std::min(ratio, kCap) / kCap * kPlotHeight; };
    out += "<text x=\"" + format("%.0f", kLeft) + "\" y=\"" + format("%.0f", top - 12) + "\" font-size=\"12\">" + suite +
           ": execute time / " + baseline + " (lower is better)</text>\n";
    for (double tick = 0; tick <= kCap; tick += 0.5) {
      std::string y = format("%.1f", yOf(tick));
      out += "<line x1=\"" + format("%.0f", kLeft) + "\" x2=\"" + format("%.0f", width - 10) + "\" y1=\"" + y +
             "\" y2=\"" + y + "\" stroke=\"" + (tick == 1.0 ? "#000" : "#ddd") + "\"/><text x=\"" +
             format("%.0f", kLeft - 4) + "\" y=\"" + y + "\" text-anchor=\"end\">" + format("%.1f", tick) + "</text>\n";
    }
    double groupX = kLeft + 4;
    for (const BenchmarkResult* result : results) {
      double barX = groupX;
      for (const std::string& engine : run.engines) {
        if (std::optional<double> ratio = executeRatio(*result, engine); ratio && engine != baseline) {
          double y = yOf(*ratio);
          out += "<rect x=\"" + format("%.1f", barX) + "\" y=\"" + format("%.1f", y) + "\" width=\"" +
                 format("%.0f", kBar - 1) + "\" height=\"" + format("%.1f", bottom - y) + "\" fill=\"" +
                 colourOf(engine) + "\"><title>" + result->bench.name + " " + engine + ": " + format("%.3f", *ratio) +
                 "</title></rect>\n";
          if (*ratio > kCap)
            out += "<text x=\"" + format("%.1f", barX) + "\" y=\"" + format("%.1f", y - 2) + "\" font-size=\"7\">" +
                   format("%.0f", *ratio) + "</text>\n";
        }
        barX += kBar;
      }
      double labelX = groupX + static_cast<double>(run.engines.size()) * kBar / 2;
      out += "<text transform=\"translate(" + format("%.1f", labelX) + "," + format("%.1f", bottom + 8) +
             ") rotate(45)\">" + shortName(result->bench.name) + "</text>\n";
      groupX = barX + kGroupGap;
    }
    top += panelHeight;
  }
  out += "</svg>\n";
  return out;
}

} // namespace wasmc::tools
