#include "compiler/wasm/NameSection.h"

#include "compiler/wasm/ByteReader.h"

namespace wasmc::wasm {
namespace {

enum NameSubsection : uint8_t { kModuleName = 0, kFunctionNames = 1, kLocalNames = 2 };

Expected<std::map<uint32_t, std::string>> readNameMap(ByteReader& r) {
  std::map<uint32_t, std::string> map;
  uint32_t count = WASMC_TRY(r.readCount());
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t index = WASMC_TRY(r.readU32());
    map[index] = WASMC_TRY(r.readName());
  }
  return map;
}

Expected<void> readSubsections(ByteReader& r, Names& names) {
  while (!r.atEnd()) {
    uint8_t id = WASMC_TRY(r.readByte());
    uint32_t size = WASMC_TRY(r.readLength());
    ByteReader sub(r.bytes().subspan(r.position(), size), r.offset());
    r.skip(size);
    switch (id) {
    case kModuleName: names.module = WASMC_TRY(sub.readName()); break;
    case kFunctionNames: names.functions = WASMC_TRY(readNameMap(sub)); break;
    case kLocalNames: {
      uint32_t count = WASMC_TRY(sub.readCount());
      for (uint32_t i = 0; i < count; ++i) {
        uint32_t func = WASMC_TRY(sub.readU32());
        names.locals[func] = WASMC_TRY(readNameMap(sub));
      }
      break;
    }
    default: break; // later proposals add subsections; skip them
    }
  }
  return {};
}

} // namespace

Names parseNameSection(std::span<const uint8_t> contents, uint32_t baseOffset) {
  Names names;
  ByteReader reader(contents, baseOffset);
  (void)readSubsections(reader, names);
  return names;
}

} // namespace wasmc::wasm
