// compiler/baseline/X64Assembler: encodings checked against llvm-mc's (the
// expected bytes below are what `llvm-mc -show-encoding` prints for the
// instruction in the comment, or, where two encodings exist, ours as
// llvm-mc disassembles it), then code that runs: functions assembled here
// and called, compared with C++ on many inputs.

#include "compiler/baseline/X64Assembler.h"

#include <gtest/gtest.h>

#include <sys/mman.h>

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
      {"lzcnt %ecx, %edx", [](Assembler& a) { a.lzcnt(W32, rdx, rcx); }, "f3 0f bd d1"},
      {"tzcnt %r14, %r13", [](Assembler& a) { a.tzcnt(W64, r13, r14); }, "f3 4d 0f bc ee"},
      {"popcnt %rax, %rax", [](Assembler& a) { a.popcnt(W64, rax, rax); }, "f3 48 0f b8 c0"},
      {"movslq %r8d, %r9", [](Assembler& a) { a.movsxd(r9, r8); }, "4d 63 c8"},
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

} // namespace
} // namespace wasmc::baseline::x64
