#include "compiler/wasm/Opcodes.h"

#include <array>

namespace wasmc::wasm {
namespace {

constexpr OpcodeInfo kInfos[] = {
#define WASMC_OPCODE(prefix, code, name, text, imm, sig, size)                                    \
  {prefix, code, text, ImmKind::imm, sig, size},
#include "compiler/wasm/Opcodes.def"
};
static_assert(sizeof(kInfos) / sizeof(kInfos[0]) == kNumOpcodes);

constexpr uint16_t kNone = 0xFFFF;
constexpr uint32_t kPrefixedSpan = 256; // every 0xFC/0xFD sub-opcode of 2.0 is below 256

struct LookupTables {
  std::array<uint16_t, 256> single;
  std::array<uint16_t, kPrefixedSpan> fc;
  std::array<uint16_t, kPrefixedSpan> fd;

  constexpr LookupTables() : single(), fc(), fd() {
    single.fill(kNone);
    fc.fill(kNone);
    fd.fill(kNone);
    for (uint16_t i = 0; i < kNumOpcodes; ++i) {
      const OpcodeInfo& info = kInfos[i];
      if (info.prefix == 0)
        single[info.code] = i;
      else if (info.prefix == 0xFC)
        fc[info.code] = i;
      else
        fd[info.code] = i;
    }
  }
};

constexpr LookupTables kLookup;

} // namespace

const OpcodeInfo& opcodeInfo(Opcode op) { return kInfos[static_cast<uint16_t>(op)]; }

bool lookupOpcode(uint8_t prefix, uint32_t code, Opcode& outOp) {
  uint16_t index = kNone;
  if (prefix == 0)
    index = code < 256 ? kLookup.single[code] : kNone;
  else if (prefix == 0xFC)
    index = code < kPrefixedSpan ? kLookup.fc[code] : kNone;
  else if (prefix == 0xFD)
    index = code < kPrefixedSpan ? kLookup.fd[code] : kNone;
  if (index == kNone)
    return false;
  outOp = static_cast<Opcode>(index);
  return true;
}

} // namespace wasmc::wasm
