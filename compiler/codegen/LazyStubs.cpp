#include "compiler/codegen/LazyStubs.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace wasmc::codegen {

namespace {

constexpr size_t kStubBytes = 8;
constexpr size_t kThunkBytes = 16;
constexpr size_t kResolverBytes = 256;

/// Appends machine code bytes.
class Emitter {
public:
  explicit Emitter(uint8_t* at) : at_(at) {}
  uint8_t* here() const { return at_; }
  void bytes(std::initializer_list<uint8_t> code) {
    for (uint8_t byte : code)
      *at_++ = byte;
  }
  void u32(uint32_t value) {
    std::memcpy(at_, &value, 4);
    at_ += 4;
  }
  void u64(uint64_t value) {
    std::memcpy(at_, &value, 8);
    at_ += 8;
  }
  /// A 32-bit displacement to `target` from the end of this field (plus
  /// `after` more bytes of the instruction).
  void rel32(const void* target, size_t after = 0) {
    auto end = reinterpret_cast<intptr_t>(at_ + 4 + after);
    u32(static_cast<uint32_t>(static_cast<int32_t>(reinterpret_cast<intptr_t>(target) - end)));
  }

private:
  uint8_t* at_;
};

/// The shared resolver, entered from a thunk with the function's index in
/// r11d and the stack as the stub's caller left it (rsp = 8 mod 16). The
/// System V argument registers are all the wasm calling convention uses
/// (arguments past them are on the stack, above the return address, and
/// stay untouched); r11 is free at a call.
void emitResolver(Emitter& e, LazyStubs::Resolve resolve, void* context) {
  e.bytes({0x55});                   // push rbp
  e.bytes({0x48, 0x89, 0xE5});       // mov rbp, rsp
  e.bytes({0x57, 0x56, 0x52, 0x51}); // push rdi; push rsi; push rdx; push rcx
  e.bytes({0x41, 0x50, 0x41, 0x51}); // push r8; push r9
  // 8 (return address) + 8 (rbp) + 48 (six registers): rsp is 16-aligned.
  e.bytes({0x48, 0x81, 0xEC}); // sub rsp, 128
  e.u32(128);
  for (uint8_t k = 0; k < 8; ++k) // movdqu [rsp + 16k], xmmk
    e.bytes({0xF3, 0x0F, 0x7F, static_cast<uint8_t>(0x44 | (k << 3)), 0x24, static_cast<uint8_t>(16 * k)});
  e.bytes({0x48, 0xBF}); // mov rdi, context
  e.u64(reinterpret_cast<uint64_t>(context));
  e.bytes({0x44, 0x89, 0xDE}); // mov esi, r11d
  e.bytes({0x48, 0xB8});       // mov rax, resolve
  e.u64(reinterpret_cast<uint64_t>(resolve));
  e.bytes({0xFF, 0xD0});       // call rax
  e.bytes({0x49, 0x89, 0xC3}); // mov r11, rax
  for (uint8_t k = 0; k < 8; ++k) // movdqu xmmk, [rsp + 16k]
    e.bytes({0xF3, 0x0F, 0x6F, static_cast<uint8_t>(0x44 | (k << 3)), 0x24, static_cast<uint8_t>(16 * k)});
  e.bytes({0x48, 0x81, 0xC4}); // add rsp, 128
  e.u32(128);
  e.bytes({0x41, 0x59, 0x41, 0x58}); // pop r9; pop r8
  e.bytes({0x59, 0x5A, 0x5E, 0x5F}); // pop rcx; pop rdx; pop rsi; pop rdi
  e.bytes({0x5D});                   // pop rbp
  e.bytes({0x41, 0xFF, 0xE3});       // jmp r11
}

} // namespace

Expected<std::unique_ptr<LazyStubs>> LazyStubs::create(uint32_t count, Resolve resolve, void* context) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  auto roundUp = [page](size_t bytes) { return (bytes + page - 1) & ~(page - 1); };
  const size_t codeBytes = roundUp(count * (kStubBytes + kThunkBytes) + kResolverBytes);
  const size_t slotBytes = roundUp(std::max<size_t>(count, 1) * sizeof(void*));
  std::unique_ptr<LazyStubs> stubs(new LazyStubs());
  void* mapping = mmap(nullptr, codeBytes + slotBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED)
    return makeError(ErrorKind::Io, kNoOffset, "cannot map the lazy JIT's stubs");
  stubs->mapping_ = mapping;
  stubs->mappingBytes_ = codeBytes + slotBytes;
  auto* code = static_cast<uint8_t*>(mapping);
  uint8_t* thunks = code + count * kStubBytes;
  uint8_t* resolver = thunks + count * kThunkBytes;
  // Slots hold pointers: atomics over the page-aligned, zeroed mapping.
  stubs->slots_ = reinterpret_cast<std::atomic<const void*>*>(code + codeBytes);
  stubs->thunks_ = thunks;
  static_assert(sizeof(std::atomic<const void*>) == sizeof(void*));

  Emitter resolverCode(resolver);
  emitResolver(resolverCode, resolve, context);
  stubs->stubs_.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t* stub = code + i * kStubBytes;
    uint8_t* thunk = thunks + i * kThunkBytes;
    Emitter s(stub);
    s.bytes({0xFF, 0x25}); // jmp [rip + slot]
    s.rel32(&stubs->slots_[i]);
    s.bytes({0xCC, 0xCC}); // int3: never reached
    Emitter t(thunk);
    t.bytes({0x41, 0xBB}); // mov r11d, index
    t.u32(i);
    t.bytes({0xE9}); // jmp resolver
    t.rel32(resolver);
    stubs->slots_[i].store(thunk, std::memory_order_relaxed);
    stubs->stubs_[i] = stub;
  }
  if (mprotect(code, codeBytes, PROT_READ | PROT_EXEC) != 0)
    return makeError(ErrorKind::Io, kNoOffset, "cannot make the lazy JIT's stubs executable");
  return stubs;
}

LazyStubs::~LazyStubs() {
  if (mapping_)
    munmap(mapping_, mappingBytes_);
}

bool LazyStubs::unresolved(uint32_t index) const {
  return target(index) == thunks_ + index * kThunkBytes;
}

} // namespace wasmc::codegen
