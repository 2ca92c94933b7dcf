#pragma once
// The x86-64 instruction encoder of the baseline tier (issue 15): what a
// single-pass compiler from wasm needs, and nothing from LLVM. It appends
// machine code to a byte buffer; labels resolve forward and backward
// branches (rel32) when bound. An architecture of its own: a second one
// (aarch64) gets a sibling file with the same shape, and the compiler
// above it talks to whichever is built.
//
// Status: the integer and control-flow subset (ALU, shifts, multiply,
// divide, compares and setcc, loads and stores of every width with
// extension, lea, jumps, calls, push/pop) and the scalar SSE one (moves,
// arithmetic, compares, conversions, rounding, bit operations). Vector
// (v128) instructions come later. Not used by any tier yet.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace wasmc::baseline::x64 {

enum class Reg : uint8_t { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };

enum class Xmm : uint8_t {
  xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15,
};

/// Scalar float size: the ss (F3) or sd (F2) form.
enum class FloatSize : uint8_t { F32, F64 };

/// Scalar SSE arithmetic, by opcode (F3/F2 0F op).
enum class FloatOp : uint8_t { Sqrt = 0x51, Add = 0x58, Mul = 0x59, Sub = 0x5C, Min = 0x5D, Div = 0x5E, Max = 0x5F };

/// Packed bit operations on whole registers (ps, or pd with 66), by opcode.
enum class BitOp : uint8_t { And = 0x54, AndNot = 0x55, Or = 0x56, Xor = 0x57 };

/// Operand size of an integer instruction.
enum class Width : uint8_t { W32, W64 };

/// Condition codes, numbered as in the encoding (jcc = 0x0F 0x80 + cond).
enum class Cond : uint8_t {
  Overflow, NoOverflow, Below, AboveOrEqual, Equal, NotEqual, BelowOrEqual, Above,
  Sign, NoSign, Parity, NoParity, Less, GreaterOrEqual, LessOrEqual, Greater,
};

/// [base + index * scale + disp]; no index when hasIndex is false.
struct Mem {
  Reg base;
  int32_t disp = 0;
  bool hasIndex = false;
  Reg index = Reg::rax;
  uint8_t scale = 1; // 1, 2, 4 or 8
};

inline Mem at(Reg base, int32_t disp = 0) { return Mem{base, disp}; }
inline Mem at(Reg base, Reg index, uint8_t scale, int32_t disp = 0) { return Mem{base, disp, true, index, scale}; }

/// The two-operand integer instructions with the classic encoding
/// (op r/m, r = 0x01 + 8 * op; op r/m, imm = 0x81 /op).
enum class Alu : uint8_t { Add = 0, Or = 1, And = 4, Sub = 5, Xor = 6, Cmp = 7 };

/// Shifts and rotates (0xD3 /op by cl, 0xC1 /op imm8).
enum class Shift : uint8_t { Rol = 0, Ror = 1, Shl = 4, Shr = 5, Sar = 7 };

/// A branch target. Bound once; branches to it before or after binding.
class Label {
public:
  bool bound() const { return offset_ >= 0; }
  int64_t offset() const { return offset_; }

private:
  friend class Assembler;
  int64_t offset_ = -1;
  std::vector<size_t> fixups_; // rel32 fields waiting for the offset
};

class Assembler {
public:
  const std::vector<uint8_t>& code() const { return code_; }
  size_t size() const { return code_.size(); }
  void reserve(size_t bytes) { code_.reserve(bytes); }
  /// Overwrites the 32-bit field at `offset` (a value known only later,
  /// like a frame size).
  void patch32(size_t offset, int32_t value);

  // --- integer ---------------------------------------------------------
  void alu(Alu op, Width width, Reg dst, Reg src);
  void alu(Alu op, Width width, Reg dst, int32_t imm);
  void alu(Alu op, Width width, Reg dst, const Mem& src);
  void alu(Alu op, Width width, const Mem& dst, int32_t imm); // op [mem], imm
  void test(Width width, Reg a, Reg b);
  void mov(Width width, Reg dst, Reg src);
  /// The shortest move of a constant: 32-bit moves zero-extend, so any
  /// value below 2^32 takes 5-6 bytes; others take the 10-byte movabs, or
  /// a sign-extended imm32 when it fits.
  void movImm(Width width, Reg dst, uint64_t imm);
  void imul(Width width, Reg dst, Reg src);
  void neg(Width width, Reg reg);
  void notReg(Width width, Reg reg);
  /// By cl.
  void shift(Shift op, Width width, Reg reg);
  void shift(Shift op, Width width, Reg reg, uint8_t count);
  /// rdx:rax / reg (div, idiv); cdq/cqo sign-extend rax into rdx.
  void div(Width width, Reg divisor);
  void idiv(Width width, Reg divisor);
  void signExtendAxIntoDx(Width width);
  void setcc(Cond cond, Reg dst);            // the low byte only
  void movzx8(Reg dst, Reg src);             // 32-bit result (zero-extends to 64)
  void cmov(Cond cond, Width width, Reg dst, Reg src);
  /// Bit scans (any x86-64): the index of the highest (bsr) or lowest
  /// (bsf) set bit; ZF set and dst undefined when src is 0.
  void bsr(Width width, Reg dst, Reg src);
  void bsf(Width width, Reg dst, Reg src);
  void lzcnt(Width width, Reg dst, Reg src);
  void tzcnt(Width width, Reg dst, Reg src);
  void popcnt(Width width, Reg dst, Reg src);
  void movsxd(Reg dst, Reg src);             // i64 <- sign-extended i32
  /// Sign extension of a register's low byte or word (movsx).
  void movsx8(Width width, Reg dst, Reg src);
  void movsx16(Width width, Reg dst, Reg src);

  // --- memory ----------------------------------------------------------
  void load(Width width, Reg dst, const Mem& src);
  void store(Width width, const Mem& dst, Reg src);
  /// Narrow loads into a 32-bit (zero-extending) or 64-bit register.
  void load8(Reg dst, const Mem& src, bool signExtend, Width width = Width::W32);
  void load16(Reg dst, const Mem& src, bool signExtend, Width width = Width::W32);
  void load32SignExtend(Reg dst, const Mem& src); // movsxd
  void store8(const Mem& dst, Reg src);
  void store16(const Mem& dst, Reg src);
  void lea(Reg dst, const Mem& src);

  // --- scalar SSE -------------------------------------------------------
  void loadFloat(FloatSize size, Xmm dst, const Mem& src);  // movss/movsd
  void storeFloat(FloatSize size, const Mem& dst, Xmm src);
  void movaps(Xmm dst, Xmm src);                           // the whole register
  /// Bits between integer and SSE registers (movd for W32, movq for W64).
  void movBits(Width width, Reg dst, Xmm src);
  void movBits(Width width, Xmm dst, Reg src);
  void floatOp(FloatOp op, FloatSize size, Xmm dst, Xmm src);
  /// Unordered compare: ZF, PF, CF as for an unsigned compare, PF set when
  /// either is NaN.
  void ucomis(FloatSize size, Xmm a, Xmm b);
  /// Signed integer to float (cvtsi2ss/sd) and float to signed integer,
  /// truncating (cvttss2si/cvttsd2si; out of range gives the "integer
  /// indefinite" 0x80..0).
  void cvtIntToFloat(FloatSize size, Width width, Xmm dst, Reg src);
  void cvtFloatToInt(FloatSize size, Width width, Reg dst, Xmm src);
  /// f32 -> f64 (cvtss2sd) with to == F64, f64 -> f32 (cvtsd2ss) with F32.
  void cvtFloatSize(FloatSize to, Xmm dst, Xmm src);
  /// roundss/roundsd (SSE4.1); mode 8 | {0 nearest, 1 down, 2 up, 3 toward zero}
  /// keeps the inexact exception quiet.
  void round(FloatSize size, Xmm dst, Xmm src, uint8_t mode);
  void bitOp(BitOp op, FloatSize size, Xmm dst, Xmm src);

  // --- control ---------------------------------------------------------
  void bind(Label& label);
  void jmp(Label& label);
  void jcc(Cond cond, Label& label);
  void jmp(Reg target);
  /// lea dst, [rip + label]: the label's address (a jump table's).
  void lea(Reg dst, Label& label);
  /// Raw data in the code (a jump table's entries), and int3 padding to a
  /// multiple of `bytes`.
  void data32(int32_t value) { imm32(value); }
  void align(size_t bytes);
  void call(Reg target);
  void call(const Mem& target);
  void ret();
  void push(Reg reg);
  void pop(Reg reg);
  void ud2();

private:
  void byte(uint8_t value) { code_.push_back(value); }
  /// A few bytes at once, without a call to memmove per instruction (which
  /// vector::insert made: 8% of compiling clang.wasm).
  void bytes(const uint8_t* data, size_t count) {
    for (size_t i = 0; i < count; ++i)
      code_.push_back(data[i]);
  }
  void imm32(int32_t value);
  /// REX if any of W, R (reg), X (index), B (base/rm) is needed, or when a
  /// byte register above bl is used (forceRex).
  void rex(bool w, uint8_t reg, uint8_t index, uint8_t rm, bool forceRex = false);
  void modrmReg(uint8_t reg, Reg rm);
  void modrmMem(uint8_t reg, const Mem& mem);
  /// [REX] opcode bytes ModRM for reg-reg and reg-mem forms.
  void opReg(bool w, std::initializer_list<uint8_t> opcode, uint8_t reg, Reg rm, bool forceRex = false,
             int prefix = -1);
  void opRegs(bool w, std::initializer_list<uint8_t> opcode, uint8_t reg, uint8_t rm, int prefix = -1,
              bool forceRex = false);
  void opMem(bool w, std::initializer_list<uint8_t> opcode, uint8_t reg, const Mem& mem, bool forceRex = false,
             int prefix = -1);
  void branch(Label& label);

  std::vector<uint8_t> code_;
};

} // namespace wasmc::baseline::x64
