// compiler/baseline/X64Assembler: encodings checked against llvm-mc's (the
// expected bytes below are what `llvm-mc -show-encoding` prints for the
// instruction in the comment, or, where two encodings exist, ours as
// llvm-mc disassembles it), then code that runs: functions assembled here
// and called, compared with C++ on many inputs.

#include "compiler/baseline/X64Assembler.h"

#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>

namespace wasmc::baseline::x64 {
namespace {

std::string hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  char digits[4];
  for (uint8_t b : bytes) {
    std::snprintf(digits, sizeof digits, "%02x", b);
    out += (out.empty() ? "" : " ") + std::string(digits);
  }
  return out;
}

struct Encoding {
  const char* assembly;
  std::function<void(Assembler&)> emit;
  const char* bytes;
};

const Reg rax = Reg::rax, rcx = Reg::rcx, rdx = Reg::rdx, rbx = Reg::rbx, rsp = Reg::rsp, rbp = Reg::rbp,
          rsi = Reg::rsi, rdi = Reg::rdi, r8 = Reg::r8, r9 = Reg::r9, r10 = Reg::r10, r11 = Reg::r11,
          r12 = Reg::r12, r13 = Reg::r13, r14 = Reg::r14, r15 = Reg::r15;
const Width W32 = Width::W32, W64 = Width::W64;

TEST(X64Assembler, EncodesAsLlvmMc) {
  const Encoding cases[] = {
      {"add %ecx, %eax", [](Assembler& a) { a.alu(Alu::Add, W32, rax, rcx); }, "01 c8"},
      {"add %r9, %r10", [](Assembler& a) { a.alu(Alu::Add, W64, r10, r9); }, "4d 01 ca"},
      {"sub %r12d, %esp", [](Assembler& a) { a.alu(Alu::Sub, W32, rsp, r12); }, "44 29 e4"},
      {"and %r15, %rbx", [](Assembler& a) { a.alu(Alu::And, W64, rbx, r15); }, "4c 21 fb"},
      {"or $5, %r13d", [](Assembler& a) { a.alu(Alu::Or, W32, r13, 5); }, "41 83 cd 05"},
      // llvm-mc picks the rax-only short form 48 35; ours is the general one.
      {"xor $0x12345, %rax", [](Assembler& a) { a.alu(Alu::Xor, W64, rax, 0x12345); }, "48 81 f0 45 23 01 00"},
      {"cmp $-1, %r8", [](Assembler& a) { a.alu(Alu::Cmp, W64, r8, -1); }, "49 83 f8 ff"},
      {"cmp 8(%rbp), %eax", [](Assembler& a) { a.alu(Alu::Cmp, W32, rax, at(rbp, 8)); }, "3b 45 08"},
      {"add (%r12), %r13", [](Assembler& a) { a.alu(Alu::Add, W64, r13, at(r12)); }, "4d 03 2c 24"},
      {"sub -0x200(%rsp,%r14,8), %rdx", [](Assembler& a) { a.alu(Alu::Sub, W64, rdx, at(rsp, r14, 8, -0x200)); },
       "4a 2b 94 f4 00 fe ff ff"},
      {"test %esi, %edi", [](Assembler& a) { a.test(W32, rdi, rsi); }, "85 f7"},
      {"mov %r11, %rax", [](Assembler& a) { a.mov(W64, rax, r11); }, "4c 89 d8"},
      {"mov $7, %r9d", [](Assembler& a) { a.movImm(W32, r9, 7); }, "41 b9 07 00 00 00"},
      // A 32-bit move zero-extends: shorter than llvm-mc's movabs for this value.
      {"mov $0xffffffff, %edx", [](Assembler& a) { a.movImm(W64, rdx, 0xFFFFFFFF); }, "ba ff ff ff ff"},
      {"mov $-5, %rcx", [](Assembler& a) { a.movImm(W64, rcx, uint64_t(-5)); }, "48 c7 c1 fb ff ff ff"},
      {"movabs $0x123456789a, %r15", [](Assembler& a) { a.movImm(W64, r15, 0x123456789A); },
       "49 bf 9a 78 56 34 12 00 00 00"},
      {"imul %r10d, %ecx", [](Assembler& a) { a.imul(W32, rcx, r10); }, "41 0f af ca"},
      {"neg %r11", [](Assembler& a) { a.neg(W64, r11); }, "49 f7 db"},
      {"not %eax", [](Assembler& a) { a.notReg(W32, rax); }, "f7 d0"},
      {"shl %cl, %r8d", [](Assembler& a) { a.shift(Shift::Shl, W32, r8); }, "41 d3 e0"},
      {"sar $3, %rdi", [](Assembler& a) { a.shift(Shift::Sar, W64, rdi, 3); }, "48 c1 ff 03"},
      {"ror %cl, %r12", [](Assembler& a) { a.shift(Shift::Ror, W64, r12); }, "49 d3 cc"},
      {"div %rbx", [](Assembler& a) { a.div(W64, rbx); }, "48 f7 f3"},
      {"idiv %r9d", [](Assembler& a) { a.idiv(W32, r9); }, "41 f7 f9"},
      {"cltd", [](Assembler& a) { a.signExtendAxIntoDx(W32); }, "99"},
      {"cqto", [](Assembler& a) { a.signExtendAxIntoDx(W64); }, "48 99"},
      {"sete %sil", [](Assembler& a) { a.setcc(Cond::Equal, rsi); }, "40 0f 94 c6"},
      {"setl %r10b", [](Assembler& a) { a.setcc(Cond::Less, r10); }, "41 0f 9c c2"},
      {"setb %al", [](Assembler& a) { a.setcc(Cond::Below, rax); }, "0f 92 c0"},
      {"movzbl %dil, %eax", [](Assembler& a) { a.movzx8(rax, rdi); }, "40 0f b6 c7"},
      {"movzbl %r9b, %r11d", [](Assembler& a) { a.movzx8(r11, r9); }, "45 0f b6 d9"},
      {"cmovne %r8, %rax", [](Assembler& a) { a.cmov(Cond::NotEqual, W64, rax, r8); }, "49 0f 45 c0"},
      {"bsr %ecx, %eax", [](Assembler& a) { a.bsr(W32, rax, rcx); }, "0f bd c1"},
      {"bsf %r9, %rdx", [](Assembler& a) { a.bsf(W64, rdx, r9); }, "49 0f bc d1"},
      {"lzcnt %ecx, %edx", [](Assembler& a) { a.lzcnt(W32, rdx, rcx); }, "f3 0f bd d1"},
      {"tzcnt %r14, %r13", [](Assembler& a) { a.tzcnt(W64, r13, r14); }, "f3 4d 0f bc ee"},
      {"popcnt %rax, %rax", [](Assembler& a) { a.popcnt(W64, rax, rax); }, "f3 48 0f b8 c0"},
      {"movslq %r8d, %r9", [](Assembler& a) { a.movsxd(r9, r8); }, "4d 63 c8"},
      {"movsbl %sil, %esi", [](Assembler& a) { a.movsx8(W32, rsi, rsi); }, "40 0f be f6"},
      {"movsbq %dil, %r9", [](Assembler& a) { a.movsx8(W64, r9, rdi); }, "4c 0f be cf"},
      {"movswl %r10w, %eax", [](Assembler& a) { a.movsx16(W32, rax, r10); }, "41 0f bf c2"},
      {"movswq %cx, %rdx", [](Assembler& a) { a.movsx16(W64, rdx, rcx); }, "48 0f bf d1"},
      {"jmpq *%r11", [](Assembler& a) { a.jmp(r11); }, "41 ff e3"},
      // A label 16 bytes after the lea (four data words between).
      {"leaq 16(%rip), %r11",
       [](Assembler& a) {
         Label table;
         a.lea(r11, table);
         for (int i = 0; i < 4; ++i)
           a.data32(0);
         a.bind(table);
       },
       "4c 8d 1d 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"},
      {"mov 16(%r13), %eax", [](Assembler& a) { a.load(W32, rax, at(r13, 16)); }, "41 8b 45 10"},
      {"mov %rsi, (%rbx,%rcx,4)", [](Assembler& a) { a.store(W64, at(rbx, rcx, 4), rsi); }, "48 89 34 8b"},
      {"movzbl 3(%r12), %eax", [](Assembler& a) { a.load8(rax, at(r12, 3), false); }, "41 0f b6 44 24 03"},
      {"movsbq -1(%rsi), %rax", [](Assembler& a) { a.load8(rax, at(rsi, -1), true, W64); }, "48 0f be 46 ff"},
      {"movzwl (%rdi,%rdi,2), %r8d", [](Assembler& a) { a.load16(r8, at(rdi, rdi, 2), false); },
       "44 0f b7 04 7f"},
      {"movswl 2(%rax), %ecx", [](Assembler& a) { a.load16(rcx, at(rax, 2), true); }, "0f bf 48 02"},
      {"movslq 0x1000(%r15), %rdx", [](Assembler& a) { a.load32SignExtend(rdx, at(r15, 0x1000)); },
       "49 63 97 00 10 00 00"},
      {"mov %sil, (%rdi)", [](Assembler& a) { a.store8(at(rdi), rsi); }, "40 88 37"},
      {"mov %r8w, 6(%rax)", [](Assembler& a) { a.store16(at(rax, 6), r8); }, "66 44 89 40 06"},
      {"lea 8(%rax,%rbx,2), %rcx", [](Assembler& a) { a.lea(rcx, at(rax, rbx, 2, 8)); }, "48 8d 4c 58 08"},
      {"mov (%r13), %eax", [](Assembler& a) { a.load(W32, rax, at(r13)); }, "41 8b 45 00"},
      {"call *%r11", [](Assembler& a) { a.call(r11); }, "41 ff d3"},
      {"call *24(%rdi)", [](Assembler& a) { a.call(at(rdi, 24)); }, "ff 57 18"},
      {"push %rbp", [](Assembler& a) { a.push(rbp); }, "55"},
      {"push %r15", [](Assembler& a) { a.push(r15); }, "41 57"},
      {"pop %r12", [](Assembler& a) { a.pop(r12); }, "41 5c"},
      {"ret", [](Assembler& a) { a.ret(); }, "c3"},
      {"ud2", [](Assembler& a) { a.ud2(); }, "0f 0b"},
  };
  for (const Encoding& c : cases) {
    Assembler a;
    c.emit(a);
    EXPECT_EQ(hex(a.code()), c.bytes) << c.assembly;
  }
}

const Xmm xmm0 = Xmm::xmm0, xmm1 = Xmm::xmm1, xmm2 = Xmm::xmm2, xmm3 = Xmm::xmm3, xmm4 = Xmm::xmm4,
          xmm5 = Xmm::xmm5, xmm7 = Xmm::xmm7, xmm8 = Xmm::xmm8, xmm9 = Xmm::xmm9, xmm10 = Xmm::xmm10,
          xmm11 = Xmm::xmm11, xmm12 = Xmm::xmm12, xmm13 = Xmm::xmm13, xmm14 = Xmm::xmm14, xmm15 = Xmm::xmm15;
const FloatSize F32 = FloatSize::F32, F64 = FloatSize::F64;

TEST(X64Assembler, EncodesScalarSseAsLlvmMc) {
  const Encoding cases[] = {
      {"movss 4(%rdi), %xmm1", [](Assembler& a) { a.loadFloat(F32, xmm1, at(rdi, 4)); }, "f3 0f 10 4f 04"},
      {"movsd %xmm9, (%rsp)", [](Assembler& a) { a.storeFloat(F64, at(rsp), xmm9); }, "f2 44 0f 11 0c 24"},
      {"movsd -8(%rbp), %xmm15", [](Assembler& a) { a.loadFloat(F64, xmm15, at(rbp, -8)); }, "f2 44 0f 10 7d f8"},
      {"movd %xmm0, %eax", [](Assembler& a) { a.movBits(W32, rax, xmm0); }, "66 0f 7e c0"},
      {"movq %xmm10, %r11", [](Assembler& a) { a.movBits(W64, r11, xmm10); }, "66 4d 0f 7e d3"},
      {"movd %r9d, %xmm4", [](Assembler& a) { a.movBits(W32, xmm4, r9); }, "66 41 0f 6e e1"},
      {"movq %rax, %xmm12", [](Assembler& a) { a.movBits(W64, xmm12, rax); }, "66 4c 0f 6e e0"},
      {"addss %xmm1, %xmm0", [](Assembler& a) { a.floatOp(FloatOp::Add, F32, xmm0, xmm1); }, "f3 0f 58 c1"},
      {"addsd %xmm9, %xmm8", [](Assembler& a) { a.floatOp(FloatOp::Add, F64, xmm8, xmm9); }, "f2 45 0f 58 c1"},
      {"subsd %xmm2, %xmm3", [](Assembler& a) { a.floatOp(FloatOp::Sub, F64, xmm3, xmm2); }, "f2 0f 5c da"},
      {"mulss %xmm11, %xmm5", [](Assembler& a) { a.floatOp(FloatOp::Mul, F32, xmm5, xmm11); }, "f3 41 0f 59 eb"},
      {"divsd %xmm0, %xmm1", [](Assembler& a) { a.floatOp(FloatOp::Div, F64, xmm1, xmm0); }, "f2 0f 5e c8"},
      {"sqrtsd %xmm2, %xmm2", [](Assembler& a) { a.floatOp(FloatOp::Sqrt, F64, xmm2, xmm2); }, "f2 0f 51 d2"},
      {"minss %xmm1, %xmm0", [](Assembler& a) { a.floatOp(FloatOp::Min, F32, xmm0, xmm1); }, "f3 0f 5d c1"},
      {"maxsd %xmm14, %xmm13", [](Assembler& a) { a.floatOp(FloatOp::Max, F64, xmm13, xmm14); }, "f2 45 0f 5f ee"},
      {"ucomiss %xmm1, %xmm0", [](Assembler& a) { a.ucomis(F32, xmm0, xmm1); }, "0f 2e c1"},
      {"ucomisd %xmm8, %xmm9", [](Assembler& a) { a.ucomis(F64, xmm9, xmm8); }, "66 45 0f 2e c8"},
      {"cvtsi2ss %eax, %xmm0", [](Assembler& a) { a.cvtIntToFloat(F32, W32, xmm0, rax); }, "f3 0f 2a c0"},
      {"cvtsi2sd %r10, %xmm7", [](Assembler& a) { a.cvtIntToFloat(F64, W64, xmm7, r10); }, "f2 49 0f 2a fa"},
      {"cvttss2si %xmm1, %ecx", [](Assembler& a) { a.cvtFloatToInt(F32, W32, rcx, xmm1); }, "f3 0f 2c c9"},
      {"cvttsd2si %xmm12, %r8", [](Assembler& a) { a.cvtFloatToInt(F64, W64, r8, xmm12); }, "f2 4d 0f 2c c4"},
      {"cvtss2sd %xmm3, %xmm3", [](Assembler& a) { a.cvtFloatSize(F64, xmm3, xmm3); }, "f3 0f 5a db"},
      {"cvtsd2ss %xmm0, %xmm10", [](Assembler& a) { a.cvtFloatSize(F32, xmm10, xmm0); }, "f2 44 0f 5a d0"},
      {"roundss $1, %xmm1, %xmm2", [](Assembler& a) { a.round(F32, xmm2, xmm1, 1); }, "66 0f 3a 0a d1 01"},
      {"roundsd $11, %xmm9, %xmm0", [](Assembler& a) { a.round(F64, xmm0, xmm9, 11); }, "66 41 0f 3a 0b c1 0b"},
      {"andps %xmm1, %xmm0", [](Assembler& a) { a.bitOp(BitOp::And, F32, xmm0, xmm1); }, "0f 54 c1"},
      {"andpd %xmm13, %xmm2", [](Assembler& a) { a.bitOp(BitOp::And, F64, xmm2, xmm13); }, "66 41 0f 54 d5"},
      {"xorps %xmm0, %xmm0", [](Assembler& a) { a.bitOp(BitOp::Xor, F32, xmm0, xmm0); }, "0f 57 c0"},
      {"xorpd %xmm10, %xmm11", [](Assembler& a) { a.bitOp(BitOp::Xor, F64, xmm11, xmm10); }, "66 45 0f 57 da"},
      {"movaps %xmm5, %xmm14", [](Assembler& a) { a.movaps(xmm14, xmm5); }, "44 0f 28 f5"},
  };
  for (const Encoding& c : cases) {
    Assembler a;
    c.emit(a);
    EXPECT_EQ(hex(a.code()), c.bytes) << c.assembly;
  }
}

TEST(X64Assembler, BranchesResolveForwardAndBackward) {
  Assembler a;
  Label back, forward;
  a.bind(back);
  a.jcc(Cond::Equal, forward); // 0f 84 rel32: to offset 11
  a.jmp(back);                 // e9 rel32: to 0 from 11
  a.bind(forward);
  a.ret();
  EXPECT_EQ(hex(a.code()), "0f 84 05 00 00 00 e9 f5 ff ff ff c3");
}

/// Code in an executable page, called as a function of two integers.
class Executable {
public:
  explicit Executable(const Assembler& a) {
    size_ = (a.size() + 4095) & ~size_t(4095);
    void* page = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(page, MAP_FAILED);
    std::memcpy(page, a.code().data(), a.size());
    EXPECT_EQ(mprotect(page, size_, PROT_READ | PROT_EXEC), 0);
    page_ = page;
  }
  ~Executable() { munmap(page_, size_); }
  void* address() const { return page_; }
  uint64_t operator()(uint64_t x, uint64_t y) const {
    return reinterpret_cast<uint64_t (*)(uint64_t, uint64_t)>(page_)(x, y);
  }

private:
  void* page_ = nullptr;
  size_t size_ = 0;
};

/// Every integer register but r10 and r11 (which hold x and y) as the
/// temporary of the first sum: x, y arrive in rdi, rsi (SysV); callee-saved
/// registers are pushed and popped.
TEST(X64Assembler, IntegerCodeComputesWhatCxxDoes) {
  std::mt19937_64 random(20);
  for (Reg scratch : {rax, rcx, rdx, rbx, rsi, rdi, r8, r9, r12, r13, r14, r15}) {
    // f(x, y) = ((x + y) * 3 ^ (x >> 7)) - rotl(y, 13) + popcnt(x) + (x <s y), all 64-bit,
    // plus the low 32 bits of (uint32(x) / (uint32(y) | 1)) << 32.
    Assembler a;
    a.push(rbx);
    a.push(r12);
    a.push(r13);
    a.push(r14);
    a.push(r15);
    a.mov(W64, r10, rdi); // x
    a.mov(W64, r11, rsi); // y
    a.mov(W64, scratch, r10);
    a.alu(Alu::Add, W64, scratch, r11);
    a.mov(W64, r9, scratch);
    a.movImm(W64, r8, 3);
    a.imul(W64, r9, r8);
    a.mov(W64, r8, r10);
    a.shift(Shift::Shr, W64, r8, 7);
    a.alu(Alu::Xor, W64, r9, r8);
    a.mov(W64, r8, r11);
    a.shift(Shift::Rol, W64, r8, 13);
    a.alu(Alu::Sub, W64, r9, r8);
    a.popcnt(W64, r8, r10);
    a.alu(Alu::Add, W64, r9, r8);
    a.alu(Alu::Cmp, W64, r10, r11);
    a.setcc(Cond::Less, r8);
    a.movzx8(r8, r8);
    a.alu(Alu::Add, W64, r9, r8);
    // unsigned 32-bit divide: edx:eax / (y | 1)
    a.mov(W32, rax, r10);
    a.movImm(W32, rdx, 0);
    a.mov(W32, rcx, r11);
    a.alu(Alu::Or, W32, rcx, 1);
    a.div(W32, rcx);
    a.shift(Shift::Shl, W64, rax, 32);
    a.alu(Alu::Add, W64, r9, rax);
    a.mov(W64, rax, r9);
    a.pop(r15);
    a.pop(r14);
    a.pop(r13);
    a.pop(r12);
    a.pop(rbx);
    a.ret();
    Executable f(a);
    for (int i = 0; i < 1000; ++i) {
      uint64_t x = random(), y = random() >> (i % 64);
      uint64_t expected = ((x + y) * 3 ^ (x >> 7)) - ((y << 13) | (y >> 51)) +
                          static_cast<uint64_t>(__builtin_popcountll(x)) + (int64_t(x) < int64_t(y) ? 1 : 0) +
                          (uint64_t(uint32_t(x) / (uint32_t(y) | 1)) << 32);
      ASSERT_EQ(f(x, y), expected) << "scratch " << int(scratch) << ", x " << x << ", y " << y;
    }
  }
}

/// Loads and stores of every width, with every base and index register
/// pair that can address memory, through a loop with a backward branch.
TEST(X64Assembler, MemoryAndLoopsComputeWhatCxxDoes) {
  // sum over i < n of sign-extended int8 p[i] + uint16 p16[i] + int32 p32[i],
  // after writing p[i] = i * 7 (byte), with x = p, y = n.
  alignas(8) uint8_t buffer[4096];
  for (Reg base : {rbx, rbp, r12, r13, rsi}) {
    Assembler a;
    a.push(rbx);
    a.push(rbp);
    a.push(r12);
    a.push(r13);
    a.mov(W64, base == rsi ? r8 : rsi, rsi); // n, unless rsi is the base
    Reg n = base == rsi ? r8 : rsi;
    a.mov(W64, base, rdi);
    a.movImm(W64, rax, 0);  // sum
    a.movImm(W64, rcx, 0);  // i
    Label loop, done;
    a.bind(loop);
    a.alu(Alu::Cmp, W64, rcx, n);
    a.jcc(Cond::AboveOrEqual, done);
    a.mov(W32, rdx, rcx);
    a.imul(W32, rdx, rcx); // i * i, then * 7 below
    a.lea(rdx, at(rdx, rdx, 2, 0)); // *3
    a.store8(at(base, rcx, 1, 0), rdx);
    a.load8(rdx, at(base, rcx, 1, 0), true, W64);
    a.alu(Alu::Add, W64, rax, rdx);
    a.load16(rdx, at(base, rcx, 2, 1024), false);
    a.alu(Alu::Add, W64, rax, rdx);
    a.load32SignExtend(rdx, at(base, rcx, 4, -0));
    a.alu(Alu::Add, W64, rax, rdx);
    a.alu(Alu::Add, W64, rcx, 1);
    a.jmp(loop);
    a.bind(done);
    a.pop(r13);
    a.pop(r12);
    a.pop(rbp);
    a.pop(rbx);
    a.ret();
    Executable f(a);
    for (uint64_t n : {0u, 1u, 7u, 100u, 255u}) {
      for (size_t i = 0; i < sizeof buffer; ++i)
        buffer[i] = uint8_t(i * 13 + 5);
      uint8_t model[4096];
      std::memcpy(model, buffer, sizeof model);
      int64_t expected = 0;
      for (uint64_t i = 0; i < n; ++i) {
        model[i] = uint8_t(i * i * 3);
        expected += int8_t(model[i]);
        uint16_t half;
        std::memcpy(&half, model + 1024 + 2 * i, 2);
        expected += half;
        int32_t word;
        std::memcpy(&word, model + 4 * i, 4);
        expected += word;
      }
      ASSERT_EQ(int64_t(f(reinterpret_cast<uint64_t>(buffer), n)), expected) << "base " << int(base) << ", n " << n;
      ASSERT_EQ(std::memcmp(buffer, model, sizeof model), 0);
    }
  }
}

/// f(x, y) over doubles in xmm0, xmm1 (SysV), through high registers:
/// trunc(sqrt(|x| * 2) + y / 3) as f32 and back, + (x < y ? 1 : 0), with
/// the integer part through cvttsd2si/cvtsi2sd and the bits through movq.
TEST(X64Assembler, FloatCodeComputesWhatCxxDoes) {
  Assembler a;
  a.movaps(xmm9, xmm0);
  a.movaps(xmm10, xmm1);
  // |x|: clear the sign bit with an and-mask built through rax.
  a.movImm(W64, rax, 0x7FFFFFFFFFFFFFFFull);
  a.movBits(W64, xmm11, rax);
  a.bitOp(BitOp::And, F64, xmm11, xmm9);
  a.floatOp(FloatOp::Add, F64, xmm11, xmm11);
  a.floatOp(FloatOp::Sqrt, F64, xmm11, xmm11);
  a.movImm(W64, rcx, 3);
  a.cvtIntToFloat(F64, W64, xmm12, rcx);
  a.movaps(xmm13, xmm10);
  a.floatOp(FloatOp::Div, F64, xmm13, xmm12);
  a.floatOp(FloatOp::Add, F64, xmm11, xmm13);
  a.round(F64, xmm11, xmm11, 8 | 3); // toward zero
  a.cvtFloatSize(F32, xmm14, xmm11);
  a.cvtFloatSize(F64, xmm15, xmm14);
  // + (x < y): ucomisd y, x sets CF when x < y (and when unordered).
  a.movImm(W32, rdx, 0);
  a.ucomis(F64, xmm9, xmm10);
  a.setcc(Cond::Below, rdx);
  a.cvtIntToFloat(F64, W32, xmm0, rdx);
  a.floatOp(FloatOp::Add, F64, xmm0, xmm15);
  a.ret();
  Executable code(a);
  auto f = reinterpret_cast<double (*)(double, double)>(code.address());
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> values(-1e6, 1e6);
  for (int i = 0; i < 1000; ++i) {
    double x = values(random), y = i % 10 == 0 ? x : values(random);
    double expected = double(float(std::trunc(std::sqrt(std::fabs(x) * 2) + y / 3))) + (x < y ? 1 : 0);
    ASSERT_EQ(f(x, y), expected) << x << " " << y;
  }
}

} // namespace
} // namespace wasmc::baseline::x64
