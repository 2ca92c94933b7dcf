#pragma once
// A wasm value as the embedder handles it: its type and raw bits in a slot
// (the same 16-byte layout compiled code reads and writes).

#include "compiler/wasm/Types.h"
#include "runtime/Abi.h"

#include <cstdint>
#include <cstring>

namespace wasmc::rt {

struct Value {
  wasm::ValType type = wasm::ValType::I32;
  abi::Slot slot{};

  static Value i32(uint32_t v) { return make(wasm::ValType::I32, &v, 4); }
  static Value i64(uint64_t v) { return make(wasm::ValType::I64, &v, 8); }
  static Value f32Bits(uint32_t v) { return make(wasm::ValType::F32, &v, 4); }
  static Value f64Bits(uint64_t v) { return make(wasm::ValType::F64, &v, 8); }
  static Value v128(const uint8_t bytes[16]) { return make(wasm::ValType::V128, bytes, 16); }
  static Value ref(wasm::ValType type, const void* pointer) { return make(type, &pointer, sizeof pointer); }

  uint32_t asI32() const { return read<uint32_t>(); }
  uint64_t asI64() const { return read<uint64_t>(); }
  void* asRef() const { return read<void*>(); }

  template <class T>
  T read() const {
    T value;
    std::memcpy(&value, slot.bytes, sizeof value);
    return value;
  }

private:
  static Value make(wasm::ValType type, const void* bits, size_t size) {
    Value value;
    value.type = type;
    std::memcpy(value.slot.bytes, bits, size);
    return value;
  }
};

} // namespace wasmc::rt
