#include "tools/wasmc/WastRunner.h"

#include "tools/wasmc/WastCompare.h"

#include <map>
#include <optional>

namespace wasmc::tools {

namespace {

/// Escapes control characters (wat-style "\0a") so a report stays on one line.
std::string oneLine(const std::string& text, bool escapeQuotes = false) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\%02x", c);
      out += escaped;
    } else {
      if (escapeQuotes && (c == '"' || c == '\\'))
        out += '\\';
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string quoted(const std::string& text) { return "\"" + oneLine(text, true) + "\""; }

/// "invalid: type mismatch (at byte 0x1f)". Usage errors (no such instance or
/// export) read better without their kind.
std::string describeError(const Error& error) {
  if (error.kind == ErrorKind::Usage)
    return error.describe();
  return std::string(errorKindName(error.kind)) + ": " + error.describe();
}

/// Instances by name plus the latest one. A module that failed to instantiate
/// is remembered by line, so the commands that use it say why they cannot.
class InstanceTable {
public:
  void succeeded(const std::string& name, InstanceId id) {
    latest_ = id;
    latestFailedLine_ = 0;
    if (!name.empty()) {
      named_[name] = id;
      failedNamed_.erase(name);
    }
  }

  void failed(const std::string& name, uint32_t line) {
    latest_.reset();
    latestFailedLine_ = line;
    if (!name.empty()) {
      named_.erase(name);
      failedNamed_[name] = line;
    }
  }

  /// The instance for `name` ("" = latest), or an ErrorKind::Usage error saying
  /// why there is none. `failedLine` is non-zero when the module is in the
  /// script but did not instantiate.
  struct Lookup {
    Expected<InstanceId> instance;
    uint32_t failedLine = 0;
  };
  Lookup find(const std::string& name) const {
    uint32_t failedLine = 0;
    if (name.empty()) {
      if (latest_)
        return {*latest_};
      failedLine = latestFailedLine_;
    } else {
      if (auto it = named_.find(name); it != named_.end())
        return {it->second};
      if (auto it = failedNamed_.find(name); it != failedNamed_.end())
        failedLine = it->second;
    }
    std::string what = name.empty() ? "the current module" : "module " + name;
    if (failedLine)
      return {makeError(ErrorKind::Usage, kNoOffset,
                        "no instance: " + what + " (line " + std::to_string(failedLine) +
                            ") did not instantiate"),
              failedLine};
    return {makeError(ErrorKind::Usage, kNoOffset,
                      name.empty() ? "no module has been instantiated" : "unknown module " + name)};
  }

private:
  std::optional<InstanceId> latest_;
  uint32_t latestFailedLine_ = 0;
  std::map<std::string, InstanceId> named_;
  std::map<std::string, uint32_t> failedNamed_;
};

class Runner {
public:
  Runner(WastEngine& engine, const std::string& displayName, const RunOptions& options,
         std::FILE* out)
      : engine_(engine), displayName_(displayName), options_(options), out_(out) {}

  RunCounts run(const WastScript& script) {
    for (const Command& command : script.commands)
      runCommand(command);
    return counts_;
  }

private:
  void pass() { ++counts_.passed; }
  void skip() { ++counts_.skipped; }

  void fail(const Command& command, const std::string& what) {
    ++counts_.failed;
    std::fprintf(out_, "%s:%u: %s: %s\n", displayName_.c_str(), command.line,
                 commandKindName(command.kind), oneLine(what).c_str());
  }

  /// A text error's message without its "line L, column C: " (the spec's
  /// expected messages have none).
  static std::string withoutTextLocation(const std::string& message) {
    if (!message.starts_with("line "))
      return message;
    size_t colon = message.find(": ");
    return colon == std::string::npos ? message : message.substr(colon + 2);
  }

  /// A pass whose message may differ from the script's expected text.
  void passWithMessage(const Command& command, const std::string& actual) {
    ++counts_.passed;
    if (actual.starts_with(command.text))
      return;
    ++counts_.messageNotes;
    if (options_.checkMessages)
      std::fprintf(out_, "%s:%u: note: message differs: expected %s, got %s\n",
                   displayName_.c_str(), command.line, quoted(command.text).c_str(),
                   quoted(actual).c_str());
  }

  Expected<ActionOutcome> perform(const WastAction& action) {
    InstanceId instance = WASMC_TRY(instances_.find(action.module).instance);
    if (action.kind == WastAction::Kind::Get) {
      WastValue value = WASMC_TRY(engine_.getGlobal(instance, action.field));
      ActionOutcome outcome;
      outcome.values.push_back(value);
      return outcome;
    }
    return engine_.invoke(instance, action.field, action.args);
  }

  static std::string describeAction(const WastAction& action) {
    std::string prefix = action.module.empty() ? "" : action.module + ".";
    return quoted(prefix + action.field);
  }

  void runCommand(const Command& command) {
    switch (command.kind) {
    case CommandKind::Module: return runModule(command);
    case CommandKind::Register: return runRegister(command);
    case CommandKind::Action:
    case CommandKind::AssertReturn: return runReturn(command);
    case CommandKind::AssertTrap:
    case CommandKind::AssertExhaustion: return runTrap(command);
    case CommandKind::AssertFuel: return runFuel(command);
    case CommandKind::AssertInvalid:
    case CommandKind::AssertMalformed: return runCompileFailure(command);
    case CommandKind::AssertUnlinkable:
    case CommandKind::AssertUninstantiable: return runInstantiateFailure(command);
    case CommandKind::ModuleDefinition: return runDefinition(command);
    case CommandKind::ModuleInstance: return runInstance(command);
    case CommandKind::AssertException: return runException(command);
    case CommandKind::Unsupported: return fail(command, command.text);
    }
  }

  /// `(module definition $M? ...)`: compiled (so an invalid one fails
  /// here), kept for `(module instance)`.
  void runDefinition(const Command& command) {
    Expected<void> compiled = command.textError ? Expected<void>(*command.textError) : engine_.compile(command.bytes);
    const std::vector<uint8_t>* bytes = compiled ? &command.bytes : nullptr;
    latestDefinition_ = bytes;
    if (!command.moduleName.empty())
      definitions_[command.moduleName] = bytes;
    if (!compiled)
      return fail(command, "expected the module to compile, got " + describeError(compiled.error()));
    pass();
  }

  void runInstance(const Command& command) {
    const std::vector<uint8_t>* bytes = latestDefinition_;
    if (!command.definition.empty()) {
      auto it = definitions_.find(command.definition);
      bytes = it == definitions_.end() ? nullptr : it->second;
    }
    if (!bytes) {
      instances_.failed(command.moduleName, command.line);
      return fail(command, "no compiled module definition " +
                               (command.definition.empty() ? std::string("before it") : command.definition));
    }
    Expected<InstanceId> instance = engine_.instantiate(*bytes);
    if (!instance) {
      instances_.failed(command.moduleName, command.line);
      return fail(command, "expected the module to instantiate, got " + describeError(instance.error()));
    }
    instances_.succeeded(command.moduleName, *instance);
    pass();
  }

  /// wasmc has no exception handling yet (issue 19): an action that should
  /// throw completes or traps instead, and says which.
  void runException(const Command& command) {
    std::string expected = "expected " + describeAction(command.action) + " to throw an exception";
    Expected<ActionOutcome> outcome = perform(command.action);
    if (!outcome)
      return fail(command, expected + ", got " + describeError(outcome.error()));
    if (outcome->trapped)
      return fail(command, expected + ", got trap " + quoted(outcome->trapMessage));
    fail(command, expected + ", got " + formatValues(outcome->values));
  }

  void runModule(const Command& command) {
    if (command.isText)
      return skip();
    Expected<InstanceId> instance =
        command.textError ? Expected<InstanceId>(*command.textError) : engine_.instantiate(command.bytes);
    if (!instance) {
      instances_.failed(command.moduleName, command.line);
      return fail(command, "expected the module to instantiate, got " +
                               describeError(instance.error()));
    }
    instances_.succeeded(command.moduleName, *instance);
    pass();
  }

  void runRegister(const Command& command) {
    InstanceTable::Lookup lookup = instances_.find(command.moduleName);
    // The module's own failure was already reported; registering nothing is not another.
    if (!lookup.instance && lookup.failedLine)
      return;
    if (!lookup.instance)
      return fail(command, "expected to register as " + quoted(command.registerAs) + ", got " +
                               lookup.instance.error().message);
    Expected<void> registered = engine_.registerAs(*lookup.instance, command.registerAs);
    if (!registered)
      fail(command, "expected to register as " + quoted(command.registerAs) + ", got " +
                        describeError(registered.error()));
  }

  void runReturn(const Command& command) {
    const WastAction& action = command.action;
    std::string expected = command.kind == CommandKind::Action
                               ? "expected " + describeAction(action) + " to complete"
                               : "expected " + describeAction(action) + " to return " +
                                     formatExpectedValues(command.expected);
    Expected<ActionOutcome> outcome = perform(action);
    if (!outcome)
      return fail(command, expected + ", got " + describeError(outcome.error()));
    if (outcome->trapped)
      return fail(command, expected + ", got trap " + quoted(outcome->trapMessage));
    if (command.kind == CommandKind::AssertReturn) {
      bool matches = outcome->values.size() == command.expected.size();
      for (size_t i = 0; matches && i < command.expected.size(); ++i)
        matches = valueMatches(command.expected[i], outcome->values[i]);
      if (!matches)
        return fail(command, expected + ", got " + formatValues(outcome->values, command.expected));
    }
    pass();
  }

  void runTrap(const Command& command) {
    std::string expected =
        "expected " + describeAction(command.action) + " to trap with " + quoted(command.text);
    Expected<ActionOutcome> outcome = perform(command.action);
    if (!outcome)
      return fail(command, expected + ", got " + describeError(outcome.error()));
    if (!outcome->trapped)
      return fail(command, expected + ", got " + formatValues(outcome->values));
    passWithMessage(command, outcome->trapMessage);
  }

  void runFuel(const Command& command) {
    const std::optional<int64_t> before = engine_.fuel();
    if (!before)
      return fail(command, "assert_fuel needs code that consumes fuel (wasmc wast -W consume-fuel)");
    std::string expected = "expected " + describeAction(command.action) + " to use " +
                           std::to_string(command.fuelConsumed) + " fuel" +
                           (command.text.empty() ? "" : " and trap with " + quoted(command.text));
    engine_.setFuel(command.fuelStart);
    Expected<ActionOutcome> outcome = perform(command.action);
    const int64_t consumed = command.fuelStart - *engine_.fuel();
    engine_.setFuel(*before);
    if (!outcome)
      return fail(command, expected + ", got " + describeError(outcome.error()));
    if (outcome->trapped != !command.text.empty())
      return fail(command, expected + ", got " +
                               (outcome->trapped ? "trap " + quoted(outcome->trapMessage) : formatValues(outcome->values)));
    if (consumed != command.fuelConsumed)
      return fail(command, expected + ", used " + std::to_string(consumed));
    if (outcome->trapped)
      return passWithMessage(command, outcome->trapMessage);
    pass();
  }

  void runCompileFailure(const Command& command) {
    if (command.isText)
      return skip();
    ErrorKind wanted = command.kind == CommandKind::AssertInvalid ? ErrorKind::Invalid
                                                                  : ErrorKind::Malformed;
    std::string expected = std::string("expected ") + errorKindName(wanted) + " module " +
                           command.filename + " (" + quoted(command.text) + ")";
    Expected<void> compiled = command.textError ? Expected<void>(*command.textError) : engine_.compile(command.bytes);
    if (compiled)
      return fail(command, expected + ", but it compiled");
    if (compiled.error().kind != wanted)
      return fail(command, expected + ", got " + describeError(compiled.error()));
    passWithMessage(command, withoutTextLocation(compiled.error().message));
  }

  void runInstantiateFailure(const Command& command) {
    if (command.isText)
      return skip();
    ErrorKind wanted = command.kind == CommandKind::AssertUnlinkable ? ErrorKind::Unlinkable
                                                                     : ErrorKind::Uninstantiable;
    std::string expected = std::string("expected ") + errorKindName(wanted) + " module " +
                           command.filename + " (" + quoted(command.text) + ")";
    Expected<InstanceId> instance =
        command.textError ? Expected<InstanceId>(*command.textError) : engine_.instantiate(command.bytes);
    if (instance)
      return fail(command, expected + ", but it instantiated");
    if (instance.error().kind != wanted)
      return fail(command, expected + ", got " + describeError(instance.error()));
    passWithMessage(command, instance.error().message);
  }

  WastEngine& engine_;
  const std::string& displayName_;
  const RunOptions& options_;
  std::FILE* out_;
  InstanceTable instances_;
  // Module definitions by name, and the latest; null for one that failed.
  std::map<std::string, const std::vector<uint8_t>*> definitions_;
  const std::vector<uint8_t>* latestDefinition_ = nullptr;
  RunCounts counts_;
};

} // namespace

RunCounts runWastScript(const WastScript& script, WastEngine& engine,
                        const std::string& displayName, const RunOptions& options,
                        std::FILE* out) {
  return Runner(engine, displayName, options, out).run(script);
}

} // namespace wasmc::tools
