// compareLogs: where a wasmc log departs from the reference (wasm-interp or
// another wasmc configuration). Only the first difference in the calls is
// reported: after it the two runs' states have parted and later differences
// say nothing new.

#include "test/fuzz/FuzzLog.h"

#include <cinttypes>
#include <cstdio>

namespace wasmc::fuzz {

namespace {

std::string describeValue(const Value& value) {
  std::string text = interpText(value);
  if (!value.textOnly && (value.type == wasm::ValType::F32 || value.type == wasm::ValType::F64)) {
    char bits[32];
    std::snprintf(bits, sizeof bits, " (bits 0x%" PRIx64 ")", value.lo);
    text += bits;
  }
  return text;
}

std::string describeValues(const std::vector<Value>& values) {
  std::string text = "(";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + describeValue(values[i]);
  return text + ")";
}

std::string describeOutcome(const CallRecord& call) {
  if (call.trap != TrapKind::None)
    return std::string("trap \"") + trapKindName(call.trap) + "\" (" + call.trapMessage + ")";
  return "results " + describeValues(call.results);
}

std::string describeCall(const CallRecord& call, size_t index) {
  if (index == 0)
    return "instantiation";
  return "export \"" + call.exportName + "\" (call " + std::to_string(index) + ")";
}

std::string describeStatus(const RunLog& log) {
  std::string text = runStatusName(log.status);
  if (!log.message.empty())
    text += ": " + log.message;
  return text;
}

bool sameValues(const std::vector<Value>& expected, const std::vector<Value>& got) {
  if (expected.size() != got.size())
    return false;
  for (size_t i = 0; i < expected.size(); ++i)
    if (!sameValue(expected[i], got[i]))
      return false;
  return true;
}

// The first difference between the imported-function calls of one export call.
std::optional<std::string> compareHostCalls(const CallRecord& expected, const CallRecord& got, size_t index) {
  size_t common = std::min(expected.hostCalls.size(), got.hostCalls.size());
  for (size_t j = 0; j < common; ++j) {
    const HostCall& e = expected.hostCalls[j];
    const HostCall& g = got.hostCalls[j];
    if (e.name != g.name || !sameValues(e.args, g.args))
      return describeCall(expected, index) + ": imported call " + std::to_string(j + 1) + ": expected " +
             e.name + describeValues(e.args) + ", got " + g.name + describeValues(g.args);
  }
  if (expected.hostCalls.size() != got.hostCalls.size()) {
    const bool missing = got.hostCalls.size() < expected.hostCalls.size();
    const HostCall& first = missing ? expected.hostCalls[common] : got.hostCalls[common];
    return describeCall(expected, index) + ": expected " + std::to_string(expected.hostCalls.size()) +
           " imported calls, got " + std::to_string(got.hostCalls.size()) + " (first " +
           (missing ? "missing" : "extra") + ": " + first.name + describeValues(first.args) + ")";
  }
  return std::nullopt;
}

} // namespace

void mergeStartCalls(RunLog& log) {
  if (log.calls.size() < 2)
    return;
  std::vector<HostCall>& start = log.calls[0].hostCalls;
  std::vector<HostCall>& first = log.calls[1].hostCalls;
  first.insert(first.begin(), start.begin(), start.end());
  start.clear();
}

std::vector<std::string> compareLogs(const RunLog& expected, const RunLog& got, bool& stackExhausted) {
  std::vector<std::string> diffs;
  if (expected.status != got.status) {
    diffs.push_back("expected " + describeStatus(expected) + "; got " + describeStatus(got));
    return diffs;
  }
  if (expected.status == RunStatus::Rejected || expected.status == RunStatus::Crashed ||
      expected.status == RunStatus::TimedOut)
    return diffs;

  size_t common = std::min(expected.calls.size(), got.calls.size());
  for (size_t i = 0; i < common; ++i) {
    const CallRecord& e = expected.calls[i];
    const CallRecord& g = got.calls[i];
    if (e.exportName != g.exportName) {
      diffs.push_back("call " + std::to_string(i) + ": expected export \"" + e.exportName + "\", got \"" +
                      g.exportName + "\"");
      return diffs;
    }
    // Stack depth differs between engines (and between wasmc's -O levels,
    // whose frames differ in size): from here on the runs may legally part.
    if (e.trap == TrapKind::StackExhausted || g.trap == TrapKind::StackExhausted) {
      stackExhausted = true;
      return diffs;
    }
    if (auto diff = compareHostCalls(e, g, i)) {
      diffs.push_back(*diff);
      return diffs;
    }
    if (e.trap != g.trap || (e.trap == TrapKind::None && !sameValues(e.results, g.results))) {
      diffs.push_back(describeCall(e, i) + ": expected " + describeOutcome(e) + ", got " + describeOutcome(g));
      return diffs;
    }
  }
  if (expected.status == RunStatus::InstantiateFailed) {
    TrapKind e = classifyTrap(expected.message), g = classifyTrap(got.message);
    if (e == TrapKind::StackExhausted || g == TrapKind::StackExhausted)
      stackExhausted = true;
    else if (e != g)
      diffs.push_back("instantiation: expected trap \"" + std::string(trapKindName(e)) + "\" (" +
                      expected.message + "), got \"" + trapKindName(g) + "\" (" + got.message + ")");
    return diffs;
  }
  if (expected.calls.size() != got.calls.size()) {
    diffs.push_back("expected " + std::to_string(expected.calls.size()) + " calls, got " +
                    std::to_string(got.calls.size()));
    return diffs;
  }

  // Memories: only wasmc dumps them (wasm-interp's log has none).
  if (expected.memories.empty() || got.memories.empty())
    return diffs;
  for (const MemoryDump& e : expected.memories) {
    const MemoryDump* g = nullptr;
    for (const MemoryDump& candidate : got.memories)
      if (candidate.name == e.name)
        g = &candidate;
    if (!g) {
      diffs.push_back("memory \"" + e.name + "\" missing");
      continue;
    }
    if (e.size != g->size) {
      diffs.push_back("memory \"" + e.name + "\": expected " + std::to_string(e.size) + " bytes, got " +
                      std::to_string(g->size));
      continue;
    }
    for (size_t page = 0; page < e.pageHashes.size(); ++page)
      if (e.pageHashes[page] != g->pageHashes[page]) {
        diffs.push_back("memory \"" + e.name + "\": contents differ, first in page " + std::to_string(page) +
                        " (bytes " + std::to_string(page * 65536) + "..)");
        break;
      }
  }
  return diffs;
}

} // namespace wasmc::fuzz
