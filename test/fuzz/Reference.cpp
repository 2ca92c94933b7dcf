// The reference engine: wabt's wasm-interp (1.0.32). It has no way to call
// one export with chosen arguments, so it runs every export without
// parameters in order (--run-all-exports), and --dummy-import-func gives
// every imported function a body that prints the call and returns zeros.
// Its output, one line per event:
//   called host MODULE.FIELD(i32:1, f32:1.500000) => i32:0
//   NAME() => i32:42, f64:0.000000
//   NAME() => error: out of bounds memory access: access at 65536+4 >= max value 65536
// and on stderr "error initializing module: MESSAGE" when a segment or the
// start function traps.

#include "test/fuzz/Engines.h"
#include "test/fuzz/WabtFeatures.h"
#include "engine/FileIo.h"
#include "tools/wasmc/Subprocess.h"

#include <cstdlib>
#include <unistd.h>

namespace wasmc::fuzz {

namespace {

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// "a, b, c" -> values; values never contain ", " (v128 lanes are split by spaces).
bool parseValues(std::string_view text, std::vector<Value>& out) {
  while (!text.empty()) {
    size_t comma = text.find(", ");
    std::optional<Value> value = parseInterpValue(text.substr(0, comma));
    if (!value)
      return false;
    out.push_back(*value);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 2);
  }
  return true;
}

// "called host MODULE.FIELD(ARGS) =>..." (the name may not contain '(').
bool parseHostCall(std::string_view line, HostCall& out) {
  line.remove_prefix(sizeof("called host ") - 1);
  size_t open = line.find('(');
  size_t close = line.rfind(") =>");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return false;
  out.name = std::string(line.substr(0, open));
  return parseValues(line.substr(open + 1, close - open - 1), out.args);
}

} // namespace

std::vector<const wasm::Export*> callableExports(const wasm::Module& module) {
  std::vector<const wasm::Export*> out;
  for (const wasm::Export& exp : module.exports)
    if (exp.kind == wasm::ExternKind::Func && module.funcType(exp.index).params.empty())
      out.push_back(&exp);
  return out;
}

bool runReference(const std::string& path, const wasm::Module& module, double timeoutSeconds, RunLog& out,
                  std::string& error) {
  if (!tools::programExists("wasm-interp")) {
    error = "wasm-interp not found on PATH (Debian: apt-get install wabt)";
    return false;
  }
  char stdoutPath[] = "/tmp/wasmc-fuzz-interp-XXXXXX";
  char stderrPath[] = "/tmp/wasmc-fuzz-interp-XXXXXX";
  int fdOut = mkstemp(stdoutPath), fdErr = mkstemp(stderrPath);
  if (fdOut < 0 || fdErr < 0) {
    error = "cannot create temporary files";
    return false;
  }
  close(fdOut);
  close(fdErr);
  tools::ProcessSpec spec;
  spec.argv = wabtCommand("wasm-interp", {"--run-all-exports", "--dummy-import-func", path});
  spec.stdoutPath = stdoutPath;
  spec.stderrPath = stderrPath;
  spec.timeoutSeconds = timeoutSeconds;
  auto result = tools::runProcess(spec);
  auto text = engine::readFileText(stdoutPath);
  auto errText = engine::readFileText(stderrPath);
  unlink(stdoutPath);
  unlink(stderrPath);
  if (!result || !text || !errText) {
    error = "running wasm-interp failed";
    return false;
  }

  out = RunLog{};
  if (result->timedOut) {
    out.status = RunStatus::TimedOut;
    return true;
  }
  out.calls.push_back(CallRecord{.exportName = "(start)"});
  std::vector<const wasm::Export*> exports = callableExports(module);
  size_t next = 0;
  // A call's imported calls are printed before its own line, so they wait
  // here. Those of the start function come before the first export's and
  // cannot be told apart from them: see mergeStartCalls.
  std::vector<HostCall> pending;
  for (const std::string& line : splitLines(*text)) {
    if (line.starts_with("called host ")) {
      HostCall call;
      if (!parseHostCall(line, call)) {
        error = "cannot parse wasm-interp's line: " + line;
        return false;
      }
      pending.push_back(std::move(call));
      continue;
    }
    // "NAME() =>" alone for no results, else "NAME() => RESULTS".
    if (next >= exports.size() ||
        !(line == exports[next]->name + "() =>" || line.starts_with(exports[next]->name + "() => "))) {
      error = "unexpected line from wasm-interp (expected export " +
              (next < exports.size() ? "\"" + exports[next]->name + "\"" : std::string("none")) + "): " + line;
      return false;
    }
    std::string_view rest = std::string_view(line).substr(std::min(line.size(), exports[next]->name.size() + 6));
    CallRecord& call = out.calls.emplace_back();
    call.exportName = exports[next]->name;
    call.hostCalls = std::move(pending);
    pending.clear();
    ++next;
    if (rest.starts_with("error: ")) {
      call.trapMessage = std::string(rest.substr(7));
      call.trap = classifyTrap(call.trapMessage);
    } else if (!parseValues(rest, call.results)) {
      error = "cannot parse wasm-interp's results: " + line;
      return false;
    }
  }
  out.calls.back().hostCalls.insert(out.calls.back().hostCalls.end(), pending.begin(), pending.end());
  if (result->exitStatus != 0) {
    const std::string& message = *errText;
    const std::string kInit = "error initializing module: ";
    if (message.starts_with(kInit)) {
      out.status = RunStatus::InstantiateFailed;
      out.message = message.substr(kInit.size());
    } else {
      out.status = result->exitStatus >= 128 ? RunStatus::Crashed : RunStatus::Rejected;
      out.message = "wasm-interp exit status " + std::to_string(result->exitStatus) + ": " + message;
    }
    while (!out.message.empty() && out.message.back() == '\n')
      out.message.pop_back();
    return true;
  }
  if (next != exports.size()) {
    error = "wasm-interp ran " + std::to_string(next) + " of " + std::to_string(exports.size()) + " exports";
    return false;
  }
  return true;
}

} // namespace wasmc::fuzz
