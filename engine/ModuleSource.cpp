#include "engine/ModuleSource.h"

#include "compiler/text/WatParser.h"

#include <cstring>
#include <string_view>

namespace wasmc::engine {

bool looksLikeText(std::span<const uint8_t> contents, const std::string& path) {
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
  if (contents.size() >= 4 && std::memcmp(contents.data(), kMagic, 4) == 0)
    return false;
  if (path.ends_with(".wat"))
    return true;
  for (uint8_t c : contents) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
      continue;
    return c == '(' || c == ';';
  }
  return false;
}

Expected<std::vector<uint8_t>> moduleBinary(std::vector<uint8_t> contents, const std::string& path) {
  if (!looksLikeText(contents, path))
    return contents;
  return text::parseWat(std::string_view(reinterpret_cast<const char*>(contents.data()), contents.size()));
}

} // namespace wasmc::engine
