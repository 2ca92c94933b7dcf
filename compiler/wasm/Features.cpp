#include "compiler/wasm/Features.h"

namespace wasmc::wasm {

namespace {

struct Named {
  const char* name;
  bool Features::*flag;
};

constexpr Named kFeatures[] = {
    {"extended-const", &Features::extendedConst},
    {"gc", &Features::gc},
    {"relaxed-simd", &Features::relaxedSimd},
    {"tail-call", &Features::tailCall},
};

} // namespace

Expected<void> setFeature(Features& features, std::string_view assignment) {
  std::string_view name = assignment;
  bool value = true;
  if (size_t equals = assignment.find('='); equals != std::string_view::npos) {
    name = assignment.substr(0, equals);
    std::string_view setting = assignment.substr(equals + 1);
    if (setting == "y" || setting == "yes" || setting == "true")
      value = true;
    else if (setting == "n" || setting == "no" || setting == "false")
      value = false;
    else
      return makeError(ErrorKind::Usage, kNoOffset,
                       "--wasm " + std::string(assignment) + ": expected " + std::string(name) + "=y or =n");
  }
  for (const Named& feature : kFeatures) {
    if (name == feature.name) {
      features.*feature.flag = value;
      return {};
    }
  }
  std::string known;
  for (const Named& feature : kFeatures)
    known += std::string(known.empty() ? "" : ", ") + feature.name;
  return makeError(ErrorKind::Usage, kNoOffset,
                   "--wasm: unknown feature '" + std::string(name) + "' (known: " + known + ")");
}

std::string describeFeatures(const Features& features) {
  std::string out;
  for (const Named& feature : kFeatures)
    out += std::string(out.empty() ? "" : ",") + feature.name + "=" + (features.*feature.flag ? "y" : "n");
  return out;
}

} // namespace wasmc::wasm
