#include "compiler/wasm/Types.h"

namespace wasmc::wasm {

bool isValTypeByte(uint8_t byte) {
  switch (byte) {
  case 0x7F:
  case 0x7E:
  case 0x7D:
  case 0x7C:
  case 0x7B:
  case 0x70:
  case 0x6F: return true;
  default: return false;
  }
}

bool isRefType(ValType type) { return type == ValType::FuncRef || type == ValType::ExternRef; }

bool isNumType(ValType type) {
  return type == ValType::I32 || type == ValType::I64 || type == ValType::F32 || type == ValType::F64;
}

const char* valTypeName(ValType type) {
  switch (type) {
  case ValType::I32: return "i32";
  case ValType::I64: return "i64";
  case ValType::F32: return "f32";
  case ValType::F64: return "f64";
  case ValType::V128: return "v128";
  case ValType::FuncRef: return "funcref";
  case ValType::ExternRef: return "externref";
  }
  return "?";
}

const char* externKindName(ExternKind kind) {
  switch (kind) {
  case ExternKind::Func: return "func";
  case ExternKind::Table: return "table";
  case ExternKind::Memory: return "memory";
  case ExternKind::Global: return "global";
  }
  return "?";
}

std::string FuncType::toString() const {
  auto list = [](const std::vector<ValType>& types) {
    std::string out = "(";
    for (size_t i = 0; i < types.size(); ++i) {
      if (i)
        out += ", ";
      out += valTypeName(types[i]);
    }
    return out + ")";
  };
  return list(params) + " -> " + list(results);
}

} // namespace wasmc::wasm
