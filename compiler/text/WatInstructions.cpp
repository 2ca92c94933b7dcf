// The text parser's instructions (WatParserImpl.h): plain and folded
// instructions, block types and labels, immediates by the opcode table's
// kinds, and constant expressions.

#include "compiler/text/Numbers.h"
#include "compiler/text/WatParserImpl.h"

namespace wasmc::text::detail {

Expected<void> Parser::constantBody(BinaryWriter& out) {
  Body body;
  body.w = &out;
  WASMC_TRY(instructions(body));
  out.byte(kEnd);
  return {};
}

/// Instructions up to `)`, or to the `else`/`end` of a plain block.
Expected<void> Parser::instructions(Body& body) {
  while (true) {
    if (isLParen()) {
      WASMC_TRY(foldedInstruction(body));
    } else if (peek().kind == TokenKind::Keyword && !isKeyword("end") && !isKeyword("else")) {
      WASMC_TRY(plainInstruction(body));
    } else {
      return {};
    }
  }
}

Expected<wasm::Opcode> Parser::opcodeOf(const Token& token) {
  if (token.kind != TokenKind::Keyword)
    return unexpected("an instruction");
  auto found = opcodesByName().find(token.text);
  if (found == opcodesByName().end()) {
    // A field's keyword where an instruction should be is out of place,
    // not an operator nobody knows.
    static constexpr std::string_view kPlaced[] = {"type", "param", "result", "local", "then", "else",
                                                   "export", "import", "item", "offset"};
    for (std::string_view placed : kPlaced)
      if (token.text == placed)
        return errorAt(token, "unexpected token " + std::string(token.text));
    return errorAt(token, "unknown operator " + std::string(token.text));
  }
  return found->second;
}

void Parser::writeOpcode(BinaryWriter& w, wasm::Opcode op) {
  const wasm::OpcodeInfo& info = wasm::opcodeInfo(op);
  if (info.prefix == 0) {
    w.byte(static_cast<uint8_t>(info.code));
  } else {
    w.byte(info.prefix);
    w.u32(info.code);
  }
}

/// `end $l` / `else $l`: the optional repeated label must name the block.
Expected<void> Parser::closingLabel(const std::optional<std::string>& open) {
  if (peek().kind != TokenKind::Id)
    return {};
  const Token& token = peek();
  std::string name = idName(next());
  if (!open || *open != name)
    return errorAt(token, "mismatching label " + name);
  return {};
}

/// A block's type: empty, one result (written as the value type), or a
/// type index (explicit, or for params and several results).
Expected<void> Parser::blockType(BinaryWriter& w) {
  TypeUse use = WASMC_TRY(typeUseSyntax(false));
  // (type x) of a type with no params and at most one result is written
  // inline too (as wat2wasm does; the two encodings mean the same).
  const bool knownType = !use.explicitIndex || *use.explicitIndex < types_.size();
  if (knownType && use.sig.params.empty() && use.sig.results.size() <= 1) {
    if (use.sig.results.empty())
      w.byte(0x40);
    else
      w.byte(use.sig.results[0]);
    return {};
  }
  w.s33(use.explicitIndex ? *use.explicitIndex : typeIndexOf(use.sig));
  return {};
}

Expected<void> Parser::plainInstruction(Body& body) {
  const Token& token = peek();
  wasm::Opcode op = WASMC_TRY(opcodeOf(token));
  next();
  BinaryWriter& w = *body.w;
  if (op == wasm::Opcode::Block || op == wasm::Opcode::Loop || op == wasm::Opcode::If) {
    std::optional<std::string> name = label();
    writeOpcode(w, op);
    WASMC_TRY(blockType(w));
    body.labels.push_back(name);
    WASMC_TRY(instructions(body));
    if (op == wasm::Opcode::If && isKeyword("else")) {
      next();
      WASMC_TRY(closingLabel(name));
      const size_t before = w.size();
      w.byte(kElse);
      WASMC_TRY(instructions(body));
      if (w.size() == before + 1)
        w.truncate(before); // an empty else is no else (as wat2wasm writes it)
    }
    WASMC_TRY(expectKeyword("end"));
    WASMC_TRY(closingLabel(name));
    body.labels.pop_back();
    w.byte(kEnd);
    return {};
  }
  if (op == wasm::Opcode::Select && isField("result"))
    op = wasm::Opcode::SelectT;
  BinaryWriter immediates;
  WASMC_TRY(immediatesOf(op, body, immediates));
  writeOpcode(w, op);
  w.bytes(immediates.data().data(), immediates.size());
  return {};
}

Expected<void> Parser::foldedInstruction(Body& body) {
  WASMC_TRY(expectLParen());
  const Token& token = peek();
  wasm::Opcode op = WASMC_TRY(opcodeOf(token));
  next();
  BinaryWriter& w = *body.w;
  if (op == wasm::Opcode::Block || op == wasm::Opcode::Loop) {
    std::optional<std::string> name = label();
    writeOpcode(w, op);
    WASMC_TRY(blockType(w));
    body.labels.push_back(name);
    WASMC_TRY(instructions(body));
    body.labels.pop_back();
    w.byte(kEnd);
    return expectRParen();
  }
  if (op == wasm::Opcode::If) {
    std::optional<std::string> name = label();
    BinaryWriter type;
    WASMC_TRY(blockType(type));
    // The condition: folded instructions before (then ...).
    while (isLParen() && !isField("then"))
      WASMC_TRY(foldedInstruction(body));
    writeOpcode(w, op);
    w.bytes(type.data().data(), type.size());
    body.labels.push_back(name);
    if (!isField("then"))
      return unexpected("(then ...)");
    next();
    next();
    WASMC_TRY(instructions(body));
    WASMC_TRY(expectRParen());
    if (isField("else")) {
      next();
      next();
      const size_t before = w.size();
      w.byte(kElse);
      WASMC_TRY(instructions(body));
      WASMC_TRY(expectRParen());
      if (w.size() == before + 1)
        w.truncate(before); // an empty else is no else (as wat2wasm writes it)
    }
    body.labels.pop_back();
    w.byte(kEnd);
    return expectRParen();
  }
  if (op == wasm::Opcode::Select && isField("result"))
    op = wasm::Opcode::SelectT;
  BinaryWriter immediates;
  WASMC_TRY(immediatesOf(op, body, immediates));
  // The operands, then the instruction.
  WASMC_TRY(instructions(body));
  writeOpcode(w, op);
  w.bytes(immediates.data().data(), immediates.size());
  return expectRParen();
}

Expected<uint32_t> Parser::labelIndex(const Body& body) {
  const Token& token = peek();
  if (token.kind == TokenKind::Id) {
    std::string name = idName(token);
    for (size_t depth = 0; depth < body.labels.size(); ++depth)
      if (body.labels[body.labels.size() - 1 - depth] == name) {
        next();
        return static_cast<uint32_t>(depth);
      }
    return errorAt(token, "unknown label " + name);
  }
  return u32();
}

Expected<uint32_t> Parser::localIndex(const Body& body) {
  const Token& token = peek();
  if (token.kind == TokenKind::Id) {
    auto found = body.locals.find(idName(token));
    if (found == body.locals.end())
      return errorAt(token, "unknown local " + std::string(token.text));
    next();
    return found->second;
  }
  return u32();
}

/// offset=N align=N (align a power of two, written as its log2).
Expected<void> Parser::memArg(uint32_t naturalSize, BinaryWriter& w) {
  uint64_t offset = 0;
  uint32_t alignLog2 = 0;
  while (naturalSize >> (alignLog2 + 1))
    alignLog2++;
  if (peek().kind == TokenKind::Keyword && peek().text.starts_with("offset=")) {
    const Token& token = next();
    std::string_view digits = token.text.substr(7);
    std::optional<uint64_t> value = parseUnsigned(digits, 32);
    if (!value)
      return errorAt(token, parseUnsigned(digits, 64) ? "i32 constant out of range: " + std::string(token.text)
                                                      : "unknown operator " + std::string(token.text));
    offset = *value;
  }
  if (peek().kind == TokenKind::Keyword && peek().text.starts_with("align=")) {
    const Token& token = next();
    std::optional<uint64_t> value = parseUnsigned(token.text.substr(6), 32);
    if (!value)
      return errorAt(token, "unknown operator " + std::string(token.text));
    if (*value == 0 || (*value & (*value - 1)))
      return errorAt(token, "alignment must be a power of two");
    alignLog2 = 0;
    while ((uint64_t(1) << alignLog2) < *value)
      alignLog2++;
  }
  w.u32(alignLog2);
  w.u64(offset);
  return {};
}

/// A lane index: an unsigned integer below 256 ("malformed lane index"
/// past it, as the spec has it; any other token, a signed one too, is
/// unexpected).
Expected<uint8_t> Parser::laneIndex(bool shuffle) {
  const Token& token = peek();
  // i8x16.shuffle's 16 lane numbers are read as numbers first: a signed or
  // fractional one is a malformed index there (the spec's wording).
  if (shuffle && (token.kind == TokenKind::Float || (token.kind == TokenKind::Integer && token.hasSign())))
    return errorAt(token, "malformed lane index " + std::string(token.text));
  if (token.kind != TokenKind::Integer || token.hasSign())
    return unexpected("a lane index");
  std::optional<uint64_t> value = parseUnsigned(token.text, 8);
  if (!value)
    return errorAt(token, "malformed lane index " + std::string(token.text));
  next();
  return static_cast<uint8_t>(*value);
}

Expected<void> Parser::v128Const(BinaryWriter& w) {
  const Token& shape = peek();
  if (shape.kind != TokenKind::Keyword)
    return unexpected("a vector shape");
  const std::string_view name = shape.text;
  next();
  unsigned lanes, bits;
  bool isFloat = false;
  if (name == "i8x16") {
    lanes = 16, bits = 8;
  } else if (name == "i16x8") {
    lanes = 8, bits = 16;
  } else if (name == "i32x4") {
    lanes = 4, bits = 32;
  } else if (name == "i64x2") {
    lanes = 2, bits = 64;
  } else if (name == "f32x4") {
    lanes = 4, bits = 32, isFloat = true;
  } else if (name == "f64x2") {
    lanes = 2, bits = 64, isFloat = true;
  } else {
    return errorAt(shape, "unexpected token " + std::string(name) + ": expected a vector shape");
  }
  // The count first, as the spec reads them.
  size_t literals = 0;
  while (peekAt(literals).kind == TokenKind::Integer || peekAt(literals).kind == TokenKind::Float)
    ++literals;
  if (literals != lanes && peekAt(literals).kind == TokenKind::RightParen)
    return errorAt(peek(), "wrong number of lane literals: " + std::string(name) + " takes " + std::to_string(lanes));
  for (unsigned i = 0; i < lanes; ++i) {
    const Token& token = peek();
    if (token.kind == TokenKind::RightParen)
      return errorAt(token, "wrong number of lane literals");
    if (token.kind != TokenKind::Integer && token.kind != TokenKind::Float)
      return unexpected("a lane value");
    uint64_t value;
    if (isFloat) {
      std::optional<uint64_t> parsed;
      if (bits == 32) {
        if (std::optional<uint32_t> f = parseF32(token.text))
          parsed = *f;
      } else {
        parsed = parseF64(token.text);
      }
      if (!parsed)
        return errorAt(token, "constant out of range");
      value = *parsed;
    } else {
      if (token.kind != TokenKind::Integer)
        return unexpected("an integer lane value");
      std::optional<uint64_t> parsed = parseInt(token.text, bits);
      if (!parsed)
        return errorAt(token, "constant out of range");
      value = *parsed;
    }
    next();
    for (unsigned b = 0; b < bits / 8; ++b)
      w.byte(static_cast<uint8_t>(value >> (8 * b)));
  }
  if (peek().kind == TokenKind::Integer || peek().kind == TokenKind::Float)
    return errorAt(peek(), "wrong number of lane literals: " + std::string(name) + " takes " + std::to_string(lanes));
  return {};
}

Expected<void> Parser::immediatesOf(wasm::Opcode op, Body& body, BinaryWriter& w) {
  const wasm::OpcodeInfo& info = wasm::opcodeInfo(op);
  switch (info.imm) {
  case ImmKind::None: return {};
  case ImmKind::BlockType: return {}; // handled with the block
  case ImmKind::Label: w.u32(WASMC_TRY(labelIndex(body))); return {};
  case ImmKind::BrTable: {
    std::vector<uint32_t> labels;
    while (isIndex())
      labels.push_back(WASMC_TRY(labelIndex(body)));
    if (labels.empty())
      return unexpected("a label");
    w.u32(static_cast<uint32_t>(labels.size() - 1));
    for (uint32_t label : labels)
      w.u32(label);
    return {};
  }
  case ImmKind::Func: w.u32(WASMC_TRY(index(funcSpace_, "function"))); return {};
  case ImmKind::CallIndirect: {
    uint32_t table = 0;
    if (isIndex())
      table = WASMC_TRY(index(tableSpace_, "table"));
    TypeUse use = WASMC_TRY(typeUse(false));
    w.u32(use.index);
    w.u32(table);
    return {};
  }
  case ImmKind::Local: w.u32(WASMC_TRY(localIndex(body))); return {};
  case ImmKind::Global: w.u32(WASMC_TRY(index(globalSpace_, "global"))); return {};
  case ImmKind::Table: w.u32(isIndex() ? WASMC_TRY(index(tableSpace_, "table")) : 0); return {};
  case ImmKind::MemArg: return memArg(info.size, w);
  case ImmKind::MemIdx: w.byte(0x00); return {};
  case ImmKind::I32: {
    const Token& token = peek();
    if (token.kind != TokenKind::Integer)
      return unexpected("an i32 literal");
    std::optional<uint64_t> value = parseInt(token.text, 32);
    if (!value)
      return errorAt(token, "constant out of range");
    next();
    w.s32(static_cast<int32_t>(static_cast<uint32_t>(*value)));
    return {};
  }
  case ImmKind::I64: {
    const Token& token = peek();
    if (token.kind != TokenKind::Integer)
      return unexpected("an i64 literal");
    std::optional<uint64_t> value = parseInt(token.text, 64);
    if (!value)
      return errorAt(token, "constant out of range");
    next();
    w.s64(static_cast<int64_t>(*value));
    return {};
  }
  case ImmKind::F32: {
    const Token& token = peek();
    if (token.kind != TokenKind::Integer && token.kind != TokenKind::Float)
      return unexpected("an f32 literal");
    std::optional<uint32_t> value = parseF32(token.text);
    if (!value)
      return errorAt(token, "constant out of range");
    next();
    w.f32(*value);
    return {};
  }
  case ImmKind::F64: {
    const Token& token = peek();
    if (token.kind != TokenKind::Integer && token.kind != TokenKind::Float)
      return unexpected("an f64 literal");
    std::optional<uint64_t> value = parseF64(token.text);
    if (!value)
      return errorAt(token, "constant out of range");
    next();
    w.f64(*value);
    return {};
  }
  case ImmKind::V128: return v128Const(w);
  case ImmKind::Shuffle:
    for (int i = 0; i < 16; ++i) {
      if (isRParen() || isLParen())
        return errorAt(peek(), "invalid lane length: i8x16.shuffle takes 16 lane indices");
      w.byte(WASMC_TRY(laneIndex(true)));
    }
    if (peek().kind == TokenKind::Integer)
      return errorAt(peek(), "invalid lane length: i8x16.shuffle takes 16 lane indices");
    return {};
  case ImmKind::Lane: w.byte(WASMC_TRY(laneIndex())); return {};
  case ImmKind::MemArgLane:
    WASMC_TRY(memArg(info.size, w));
    w.byte(WASMC_TRY(laneIndex()));
    return {};
  case ImmKind::SelectTypes: {
    Signature sig;
    WASMC_TRY(paramsAndResults(sig, nullptr));
    if (!sig.params.empty())
      return errorAt(peek(), "select takes results only");
    w.u32(static_cast<uint32_t>(sig.results.size()));
    for (uint8_t type : sig.results)
      w.byte(type);
    return {};
  }
  case ImmKind::RefType: w.byte(WASMC_TRY(heapType())); return {};
  case ImmKind::MemoryInit:
    usesDataCount_ = true;
    w.u32(WASMC_TRY(index(dataSpace_, "data segment")));
    w.byte(0x00);
    return {};
  case ImmKind::Data:
    usesDataCount_ = true;
    w.u32(WASMC_TRY(index(dataSpace_, "data segment")));
    return {};
  case ImmKind::MemoryCopy:
    w.byte(0x00);
    w.byte(0x00);
    return {};
  case ImmKind::TableInit: {
    // table.init x? y: (elem y, table x); without x, table 0.
    if (!isIndex())
      return unexpected("an element segment");
    const Token& first = next();
    if (isIndex()) {
      const uint32_t table = WASMC_TRY(resolve(first, tableSpace_, "table"));
      w.u32(WASMC_TRY(index(elemSpace_, "element segment")));
      w.u32(table);
    } else {
      w.u32(WASMC_TRY(resolve(first, elemSpace_, "element segment")));
      w.u32(0);
    }
    return {};
  }
  case ImmKind::Elem: w.u32(WASMC_TRY(index(elemSpace_, "element segment"))); return {};
  case ImmKind::TableCopy: {
    uint32_t destination = 0, source = 0;
    if (isIndex()) {
      destination = WASMC_TRY(index(tableSpace_, "table"));
      source = WASMC_TRY(index(tableSpace_, "table"));
    }
    w.u32(destination);
    w.u32(source);
    return {};
  }
  }
  return {};
}

/// An index token already read (table.init's first, whose space depends
/// on whether a second follows).
Expected<uint32_t> Parser::resolve(const Token& token, const Space& space, const char* what) {
  if (token.kind == TokenKind::Integer) {
    std::optional<uint64_t> value = parseUnsigned(token.text, 32);
    if (!value)
      return errorAt(token, "constant out of range");
    return static_cast<uint32_t>(*value);
  }
  auto found = space.ids.find(idName(token));
  if (found == space.ids.end())
    return errorAt(token, std::string("unknown ") + what + " " + std::string(token.text));
  return found->second;
}

} // namespace wasmc::text::detail
