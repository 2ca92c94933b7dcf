#include "compiler/baseline/X64Assembler.h"

#include <cstring>

namespace wasmc::baseline::x64 {

namespace {

uint8_t number(Reg reg) { return static_cast<uint8_t>(reg); }
bool fitsInt8(int64_t value) { return value >= -128 && value <= 127; }
bool fitsInt32(int64_t value) { return value >= INT32_MIN && value <= INT32_MAX; }
/// spl, bpl, sil and dil exist only with a REX prefix (without one, those
/// numbers mean ah, ch, dh, bh).
bool needsRexForByte(Reg reg) { return number(reg) >= 4 && number(reg) <= 7; }

uint8_t scaleBits(uint8_t scale) {
  switch (scale) {
  case 2: return 1;
  case 4: return 2;
  case 8: return 3;
  default: return 0;
  }
}

} // namespace

void Assembler::imm32(int32_t value) {
  uint8_t le[4];
  std::memcpy(le, &value, 4);
  bytes(le, 4);
}

void Assembler::patch32(size_t offset, int32_t value) { std::memcpy(code_.data() + offset, &value, 4); }

void Assembler::rex(bool w, uint8_t reg, uint8_t index, uint8_t rm, bool forceRex) {
  uint8_t prefix = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) | ((rm & 8) ? 1 : 0);
  if (prefix != 0x40 || forceRex)
    byte(prefix);
}

void Assembler::modrmReg(uint8_t reg, Reg rm) { byte(0xC0 | ((reg & 7) << 3) | (number(rm) & 7)); }

void Assembler::opRegs(bool w, std::initializer_list<uint8_t> opcode, uint8_t reg, uint8_t rm, int prefix,
                       bool forceRex) {
  if (prefix >= 0)
    byte(static_cast<uint8_t>(prefix));
  rex(w, reg, 0, rm, forceRex);
  bytes(opcode.begin(), opcode.size());
  byte(0xC0 | ((reg & 7) << 3) | (rm & 7));
}

void Assembler::modrmMem(uint8_t reg, const Mem& mem) {
  uint8_t base = number(mem.base) & 7;
  // rbp and r13 as a base have no displacement-free form (that encoding
  // means rip-relative or disp32), so they take a zero disp8.
  uint8_t mod = mem.disp == 0 && base != 5 ? 0 : fitsInt8(mem.disp) ? 1 : 2;
  bool sib = mem.hasIndex || base == 4; // rsp and r12 as a base need a SIB byte
  byte((mod << 6) | ((reg & 7) << 3) | (sib ? 4 : base));
  if (sib) {
    uint8_t index = mem.hasIndex ? (number(mem.index) & 7) : 4; // 4 without REX.X: no index
    byte((scaleBits(mem.scale) << 6) | (index << 3) | base);
  }
  if (mod == 1)
    byte(static_cast<uint8_t>(static_cast<int8_t>(mem.disp)));
  else if (mod == 2)
    imm32(mem.disp);
}

void Assembler::opReg(bool w, std::initializer_list<uint8_t> opcode, uint8_t reg, Reg rm, bool forceRex,
                      int prefix) {
  opRegs(w, opcode, reg, number(rm), prefix, forceRex);
}

void Assembler::opMem(bool w, std::initializer_list<uint8_t> opcode, uint8_t reg, const Mem& mem, bool forceRex,
                      int prefix) {
  if (prefix >= 0)
    byte(static_cast<uint8_t>(prefix));
  rex(w, reg, mem.hasIndex ? number(mem.index) : 0, number(mem.base), forceRex);
  bytes(opcode.begin(), opcode.size());
  modrmMem(reg, mem);
}

// --- integer -----------------------------------------------------------

void Assembler::alu(Alu op, Width width, Reg dst, Reg src) {
  opReg(width == Width::W64, {static_cast<uint8_t>(0x01 + 8 * static_cast<uint8_t>(op))}, number(src), dst);
}

void Assembler::alu(Alu op, Width width, Reg dst, int32_t imm) {
  bool short8 = fitsInt8(imm);
  opReg(width == Width::W64, {static_cast<uint8_t>(short8 ? 0x83 : 0x81)}, static_cast<uint8_t>(op), dst);
  if (short8)
    byte(static_cast<uint8_t>(static_cast<int8_t>(imm)));
  else
    imm32(imm);
}

void Assembler::alu(Alu op, Width width, Reg dst, const Mem& src) {
  opMem(width == Width::W64, {static_cast<uint8_t>(0x03 + 8 * static_cast<uint8_t>(op))}, number(dst), src);
}

void Assembler::alu(Alu op, Width width, const Mem& dst, int32_t imm) {
  bool short8 = fitsInt8(imm);
  opMem(width == Width::W64, {static_cast<uint8_t>(short8 ? 0x83 : 0x81)}, static_cast<uint8_t>(op), dst);
  if (short8)
    byte(static_cast<uint8_t>(static_cast<int8_t>(imm)));
  else
    imm32(imm);
}

void Assembler::test(Width width, Reg a, Reg b) { opReg(width == Width::W64, {0x85}, number(b), a); }

void Assembler::mov(Width width, Reg dst, Reg src) { opReg(width == Width::W64, {0x89}, number(src), dst); }

void Assembler::movImm(Width width, Reg dst, uint64_t imm) {
  if (width == Width::W32 || imm <= UINT32_MAX) {
    rex(false, 0, 0, number(dst));
    byte(0xB8 + (number(dst) & 7));
    imm32(static_cast<int32_t>(static_cast<uint32_t>(imm)));
  } else if (fitsInt32(static_cast<int64_t>(imm))) {
    opReg(true, {0xC7}, 0, dst);
    imm32(static_cast<int32_t>(imm));
  } else {
    rex(true, 0, 0, number(dst));
    byte(0xB8 + (number(dst) & 7));
    uint8_t le[8];
    std::memcpy(le, &imm, 8);
    bytes(le, 8);
  }
}

void Assembler::imul(Width width, Reg dst, Reg src) { opReg(width == Width::W64, {0x0F, 0xAF}, number(dst), src); }
void Assembler::neg(Width width, Reg reg) { opReg(width == Width::W64, {0xF7}, 3, reg); }
void Assembler::notReg(Width width, Reg reg) { opReg(width == Width::W64, {0xF7}, 2, reg); }

void Assembler::shift(Shift op, Width width, Reg reg) {
  opReg(width == Width::W64, {0xD3}, static_cast<uint8_t>(op), reg);
}

void Assembler::shift(Shift op, Width width, Reg reg, uint8_t count) {
  opReg(width == Width::W64, {0xC1}, static_cast<uint8_t>(op), reg);
  byte(count);
}

void Assembler::div(Width width, Reg divisor) { opReg(width == Width::W64, {0xF7}, 6, divisor); }
void Assembler::idiv(Width width, Reg divisor) { opReg(width == Width::W64, {0xF7}, 7, divisor); }

void Assembler::signExtendAxIntoDx(Width width) {
  if (width == Width::W64)
    byte(0x48);
  byte(0x99);
}

void Assembler::setcc(Cond cond, Reg dst) {
  opReg(false, {0x0F, static_cast<uint8_t>(0x90 + static_cast<uint8_t>(cond))}, 0, dst, needsRexForByte(dst));
}

void Assembler::movzx8(Reg dst, Reg src) { opReg(false, {0x0F, 0xB6}, number(dst), src, needsRexForByte(src)); }

void Assembler::cmov(Cond cond, Width width, Reg dst, Reg src) {
  opReg(width == Width::W64, {0x0F, static_cast<uint8_t>(0x40 + static_cast<uint8_t>(cond))}, number(dst), src);
}

void Assembler::bsr(Width width, Reg dst, Reg src) { opReg(width == Width::W64, {0x0F, 0xBD}, number(dst), src); }
void Assembler::bsf(Width width, Reg dst, Reg src) { opReg(width == Width::W64, {0x0F, 0xBC}, number(dst), src); }

void Assembler::lzcnt(Width width, Reg dst, Reg src) {
  opReg(width == Width::W64, {0x0F, 0xBD}, number(dst), src, false, 0xF3);
}
void Assembler::tzcnt(Width width, Reg dst, Reg src) {
  opReg(width == Width::W64, {0x0F, 0xBC}, number(dst), src, false, 0xF3);
}
void Assembler::popcnt(Width width, Reg dst, Reg src) {
  opReg(width == Width::W64, {0x0F, 0xB8}, number(dst), src, false, 0xF3);
}

void Assembler::movsxd(Reg dst, Reg src) { opReg(true, {0x63}, number(dst), src); }
void Assembler::movsx8(Width width, Reg dst, Reg src) {
  opReg(width == Width::W64, {0x0F, 0xBE}, number(dst), src, needsRexForByte(src));
}
void Assembler::movsx16(Width width, Reg dst, Reg src) {
  opReg(width == Width::W64, {0x0F, 0xBF}, number(dst), src);
}

// --- memory --------------------------------------------------------------

void Assembler::load(Width width, Reg dst, const Mem& src) { opMem(width == Width::W64, {0x8B}, number(dst), src); }
void Assembler::store(Width width, const Mem& dst, Reg src) { opMem(width == Width::W64, {0x89}, number(src), dst); }

void Assembler::load8(Reg dst, const Mem& src, bool signExtend, Width width) {
  opMem(width == Width::W64 && signExtend, {0x0F, static_cast<uint8_t>(signExtend ? 0xBE : 0xB6)}, number(dst), src);
}

void Assembler::load16(Reg dst, const Mem& src, bool signExtend, Width width) {
  opMem(width == Width::W64 && signExtend, {0x0F, static_cast<uint8_t>(signExtend ? 0xBF : 0xB7)}, number(dst), src);
}

void Assembler::load32SignExtend(Reg dst, const Mem& src) { opMem(true, {0x63}, number(dst), src); }
void Assembler::store8(const Mem& dst, Reg src) { opMem(false, {0x88}, number(src), dst, needsRexForByte(src)); }
void Assembler::store16(const Mem& dst, Reg src) { opMem(false, {0x89}, number(src), dst, false, 0x66); }
void Assembler::lea(Reg dst, const Mem& src) { opMem(true, {0x8D}, number(dst), src); }

// --- scalar SSE ----------------------------------------------------------

namespace {

uint8_t number(Xmm reg) { return static_cast<uint8_t>(reg); }
int scalarPrefix(FloatSize size) { return size == FloatSize::F32 ? 0xF3 : 0xF2; }

} // namespace

void Assembler::loadFloat(FloatSize size, Xmm dst, const Mem& src) {
  opMem(false, {0x0F, 0x10}, number(dst), src, false, scalarPrefix(size));
}

void Assembler::storeFloat(FloatSize size, const Mem& dst, Xmm src) {
  opMem(false, {0x0F, 0x11}, number(src), dst, false, scalarPrefix(size));
}

void Assembler::movaps(Xmm dst, Xmm src) { opRegs(false, {0x0F, 0x28}, number(dst), number(src)); }

void Assembler::movBits(Width width, Reg dst, Xmm src) {
  opRegs(width == Width::W64, {0x0F, 0x7E}, number(src), number(dst), 0x66);
}

void Assembler::movBits(Width width, Xmm dst, Reg src) {
  opRegs(width == Width::W64, {0x0F, 0x6E}, number(dst), number(src), 0x66);
}

void Assembler::floatOp(FloatOp op, FloatSize size, Xmm dst, Xmm src) {
  opRegs(false, {0x0F, static_cast<uint8_t>(op)}, number(dst), number(src), scalarPrefix(size));
}

void Assembler::ucomis(FloatSize size, Xmm a, Xmm b) {
  opRegs(false, {0x0F, 0x2E}, number(a), number(b), size == FloatSize::F64 ? 0x66 : -1);
}

void Assembler::cvtIntToFloat(FloatSize size, Width width, Xmm dst, Reg src) {
  opRegs(width == Width::W64, {0x0F, 0x2A}, number(dst), number(src), scalarPrefix(size));
}

void Assembler::cvtFloatToInt(FloatSize size, Width width, Reg dst, Xmm src) {
  opRegs(width == Width::W64, {0x0F, 0x2C}, number(dst), number(src), scalarPrefix(size));
}

void Assembler::cvtFloatSize(FloatSize to, Xmm dst, Xmm src) {
  // cvtss2sd is the ss form (F3), converting *from* f32.
  opRegs(false, {0x0F, 0x5A}, number(dst), number(src), to == FloatSize::F64 ? 0xF3 : 0xF2);
}

void Assembler::round(FloatSize size, Xmm dst, Xmm src, uint8_t mode) {
  opRegs(false, {0x0F, 0x3A, static_cast<uint8_t>(size == FloatSize::F32 ? 0x0A : 0x0B)}, number(dst),
         number(src), 0x66);
  byte(mode);
}

void Assembler::bitOp(BitOp op, FloatSize size, Xmm dst, Xmm src) {
  opRegs(false, {0x0F, static_cast<uint8_t>(op)}, number(dst), number(src), size == FloatSize::F64 ? 0x66 : -1);
}

// --- control -------------------------------------------------------------

void Assembler::branch(Label& label) {
  if (label.bound()) {
    imm32(static_cast<int32_t>(label.offset_ - static_cast<int64_t>(code_.size() + 4)));
  } else {
    label.fixups_.push_back(code_.size());
    imm32(0);
  }
}

void Assembler::bind(Label& label) {
  label.offset_ = static_cast<int64_t>(code_.size());
  for (size_t at : label.fixups_) {
    int32_t rel = static_cast<int32_t>(label.offset_ - static_cast<int64_t>(at + 4));
    std::memcpy(code_.data() + at, &rel, 4);
  }
  label.fixups_.clear();
}

void Assembler::jmp(Label& label) {
  byte(0xE9);
  branch(label);
}

void Assembler::jcc(Cond cond, Label& label) {
  byte(0x0F);
  byte(0x80 + static_cast<uint8_t>(cond));
  branch(label);
}

void Assembler::jmp(Reg target) { opReg(false, {0xFF}, 4, target); }

void Assembler::lea(Reg dst, Label& label) {
  rex(true, number(dst), 0, 0);
  byte(0x8D);
  byte(0x05 | ((number(dst) & 7) << 3)); // mod 00, rm 101: rip + disp32
  branch(label); // disp32 is the instruction's last field, as a branch's rel32
}

void Assembler::align(size_t bytes) {
  while (code_.size() % bytes)
    byte(0xCC);
}

void Assembler::call(Reg target) { opReg(false, {0xFF}, 2, target); }
void Assembler::call(const Mem& target) { opMem(false, {0xFF}, 2, target); }
void Assembler::ret() { byte(0xC3); }

void Assembler::push(Reg reg) {
  rex(false, 0, 0, number(reg));
  byte(0x50 + (number(reg) & 7));
}

void Assembler::pop(Reg reg) {
  rex(false, 0, 0, number(reg));
  byte(0x58 + (number(reg) & 7));
}

void Assembler::ud2() {
  byte(0x0F);
  byte(0x0B);
}

} // namespace wasmc::baseline::x64
