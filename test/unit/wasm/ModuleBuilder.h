#pragma once
// Test-only helpers that assemble WebAssembly binaries byte by byte: LEB128
// encoders, sections, and a ModuleBuilder that lays out the standard
// sections in order and remembers where each function body landed, so tests
// can assert exact error offsets without hard-coding them.

#include "compiler/wasm/Types.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wasmc::wasm::test {

using Bytes = std::vector<uint8_t>;

/// Unsigned LEB128, shortest form.
inline Bytes u32(uint64_t value) {
  Bytes out;
  do {
    uint8_t byte = value & 0x7F;
    value >>= 7;
    if (value)
      byte |= 0x80;
    out.push_back(byte);
  } while (value);
  return out;
}

/// Signed LEB128, shortest form.
inline Bytes s64(int64_t value) {
  Bytes out;
  while (true) {
    uint8_t byte = value & 0x7F;
    value >>= 7; // arithmetic shift: sign-extends
    bool done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
    if (!done)
      byte |= 0x80;
    out.push_back(byte);
    if (done)
      return out;
  }
}

/// Concatenates byte strings.
inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

inline Bytes name(std::string_view text) {
  Bytes out = u32(text.size());
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

/// A vector: count, then the items back to back.
inline Bytes vec(const std::vector<Bytes>& items) {
  Bytes out = u32(items.size());
  for (const Bytes& item : items)
    out.insert(out.end(), item.begin(), item.end());
  return out;
}

inline Bytes section(uint8_t id, const Bytes& contents) {
  return cat({{id}, u32(contents.size()), contents});
}

inline Bytes header() { return {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}; }

/// The header followed by the given (already encoded) sections.
inline Bytes moduleBytes(std::initializer_list<Bytes> sections) {
  Bytes out = header();
  for (const Bytes& s : sections)
    out.insert(out.end(), s.begin(), s.end());
  return out;
}

inline uint8_t vt(ValType type) { return static_cast<uint8_t>(type); }

inline Bytes funcType(std::vector<ValType> params, std::vector<ValType> results) {
  Bytes out = cat({{0x60}, u32(params.size())});
  for (ValType t : params)
    out.push_back(vt(t));
  Bytes count = u32(results.size());
  out.insert(out.end(), count.begin(), count.end());
  for (ValType t : results)
    out.push_back(vt(t));
  return out;
}

/// Limits: {0, min} or {1, min, max}.
inline Bytes limits(uint32_t min, std::optional<uint32_t> max = std::nullopt) {
  if (max)
    return cat({{0x01}, u32(min), u32(*max)});
  return cat({{0x00}, u32(min)});
}

/// `i32.const value` `end`, the usual offset expression.
inline Bytes i32ConstExpr(int32_t value) { return cat({{0x41}, s64(value), {0x0B}}); }

/// Assembles a module from raw section entries. Sections are emitted in the
/// spec's order and only when they have entries (or were forced); function
/// bodies are wrapped into code entries with their local declarations.
class ModuleBuilder {
public:
  struct Local {
    uint32_t count;
    ValType type;
  };

  uint32_t addType(std::vector<ValType> params, std::vector<ValType> results) {
    types_.push_back(funcType(std::move(params), std::move(results)));
    return static_cast<uint32_t>(types_.size() - 1);
  }
  void addRawType(Bytes entry) { types_.push_back(std::move(entry)); }

  void importFunc(std::string_view module, std::string_view field, uint32_t type) {
    imports_.push_back(cat({name(module), name(field), {0x00}, u32(type)}));
  }
  void importTable(std::string_view module, std::string_view field, ValType elem, Bytes lim) {
    imports_.push_back(cat({name(module), name(field), {0x01, vt(elem)}, lim}));
  }
  void importMemory(std::string_view module, std::string_view field, Bytes lim) {
    imports_.push_back(cat({name(module), name(field), {0x02}, lim}));
  }
  void importGlobal(std::string_view module, std::string_view field, ValType type, bool isMutable) {
    imports_.push_back(cat({name(module), name(field), {0x03, vt(type), uint8_t(isMutable)}}));
  }

  /// A defined function; `body` is the instruction bytes including the final
  /// `end`. Returns its index among defined functions.
  uint32_t addFunc(uint32_t type, Bytes body, std::vector<Local> locals = {}) {
    funcs_.push_back(u32(type));
    Bytes decls = u32(locals.size());
    for (const Local& local : locals) {
      Bytes count = u32(local.count);
      decls.insert(decls.end(), count.begin(), count.end());
      decls.push_back(vt(local.type));
    }
    codes_.push_back(Code{std::move(decls), std::move(body)});
    return static_cast<uint32_t>(codes_.size() - 1);
  }

  void addTable(ValType elem, Bytes lim) { tables_.push_back(cat({{vt(elem)}, lim})); }
  void addMemory(Bytes lim) { memories_.push_back(std::move(lim)); }
  void addGlobal(ValType type, bool isMutable, Bytes init) {
    globals_.push_back(cat({{vt(type), uint8_t(isMutable)}, init}));
  }
  void addExport(std::string_view field, ExternKind kind, uint32_t index) {
    exports_.push_back(cat({name(field), {static_cast<uint8_t>(kind)}, u32(index)}));
  }
  void setStart(uint32_t func) { start_ = func; }
  /// A raw element segment, starting with its flags.
  void addElem(Bytes segment) { elems_.push_back(std::move(segment)); }
  void setDataCount(uint32_t count) { dataCount_ = count; }
  /// A raw data segment, starting with its flags.
  void addData(Bytes segment) { datas_.push_back(std::move(segment)); }
  /// A custom section, emitted after everything else.
  void addCustom(std::string_view field, Bytes contents) {
    customs_.push_back(cat({name(field), contents}));
  }

  Bytes build() {
    Bytes out = header();
    auto emit = [&](uint8_t id, const std::vector<Bytes>& items) {
      if (items.empty())
        return;
      Bytes s = section(id, vec(items));
      out.insert(out.end(), s.begin(), s.end());
    };
    emit(1, types_);
    emit(2, imports_);
    emit(3, funcs_);
    emit(4, tables_);
    emit(5, memories_);
    emit(6, globals_);
    emit(7, exports_);
    if (start_) {
      Bytes s = section(8, u32(*start_));
      out.insert(out.end(), s.begin(), s.end());
    }
    emit(9, elems_);
    if (dataCount_) {
      Bytes s = section(12, u32(*dataCount_));
      out.insert(out.end(), s.begin(), s.end());
    }
    if (!codes_.empty()) {
      // Lay the section out by hand to learn where each body starts.
      Bytes contents = u32(codes_.size());
      std::vector<size_t> bodyStarts; // relative to the contents
      for (const Code& code : codes_) {
        Bytes entry = cat({code.decls, code.body});
        Bytes size = u32(entry.size());
        contents.insert(contents.end(), size.begin(), size.end());
        bodyStarts.push_back(contents.size() + code.decls.size());
        contents.insert(contents.end(), entry.begin(), entry.end());
      }
      size_t contentsStart = out.size() + 1 + u32(contents.size()).size();
      bodyOffsets_.clear();
      for (size_t start : bodyStarts)
        bodyOffsets_.push_back(static_cast<uint32_t>(contentsStart + start));
      Bytes s = section(10, contents);
      out.insert(out.end(), s.begin(), s.end());
    }
    emit(11, datas_);
    for (const Bytes& custom : customs_) {
      Bytes s = section(0, custom);
      out.insert(out.end(), s.begin(), s.end());
    }
    return out;
  }

  /// After build(): the absolute offset of the first instruction of the
  /// `definedIndex`-th defined function.
  uint32_t bodyOffset(uint32_t definedIndex) const { return bodyOffsets_.at(definedIndex); }

private:
  struct Code {
    Bytes decls;
    Bytes body;
  };

  std::vector<Bytes> types_, imports_, funcs_, tables_, memories_, globals_, exports_, elems_,
      datas_, customs_;
  std::vector<Code> codes_;
  std::optional<uint32_t> start_, dataCount_;
  std::vector<uint32_t> bodyOffsets_;
};

} // namespace wasmc::wasm::test
