// The text parser's module fields (WatParserImpl.h), its second pass:
// imports, functions, tables, memories, globals, exports, start, element
// and data segments, each with its abbreviations (inline imports and
// exports, inline elem and data), written into their sections.

#include "compiler/text/WatParserImpl.h"

namespace wasmc::text::detail {

Expected<void> Parser::field() {
  const Token& kindToken = peekAt(1);
  const std::string_view kind = kindToken.text;
  if (kind == "type")
    return skipGroup(); // read in pass 1
  next();
  next();
  if (kind == "import")
    return importField();
  if (kind == "func")
    return funcField();
  if (kind == "table")
    return tableField();
  if (kind == "memory")
    return memoryField();
  if (kind == "global")
    return globalField();
  if (kind == "export")
    return exportField();
  if (kind == "start")
    return startField();
  if (kind == "elem")
    return elemField();
  if (kind == "data")
    return dataField();
  return errorAt(kindToken, "unknown module field " + std::string(kind));
}

/// `(export "name")*` of a func, table, memory or global being defined.
Expected<void> Parser::inlineExports(uint8_t kind, uint32_t index) {
  while (isField("export")) {
    next();
    next();
    std::string name = WASMC_TRY(string());
    WASMC_TRY(expectRParen());
    addExport(name, kind, index);
  }
  return {};
}

void Parser::addExport(const std::string& name, uint8_t kind, uint32_t index) {
  exports_.name(name);
  exports_.byte(kind);
  exports_.u32(index);
  exportCount_++;
}

/// `(import "module" "name")` of a field, or false.
Expected<bool> Parser::inlineImport(std::string& module, std::string& name) {
  if (!isField("import"))
    return false;
  next();
  next();
  module = WASMC_TRY(string());
  name = WASMC_TRY(string());
  WASMC_TRY(expectRParen());
  return true;
}

void Parser::addImport(const std::string& module, const std::string& name) {
  imports_.name(module);
  imports_.name(name);
  importCount_++;
}

Expected<void> Parser::importField() {
  std::string module = WASMC_TRY(string());
  std::string name = WASMC_TRY(string());
  WASMC_TRY(expectLParen());
  const Token& kindToken = next();
  optionalId();
  addImport(module, name);
  if (kindToken.text == "func") {
    TypeUse use = WASMC_TRY(typeUse(true));
    imports_.byte(0x00);
    imports_.u32(use.index);
    funcCount_++;
    funcTypes_.push_back(use.index);
  } else if (kindToken.text == "table") {
    imports_.byte(0x01);
    BinaryWriter limitBytes;
    WASMC_TRY(limits(limitBytes));
    imports_.byte(WASMC_TRY(refType()));
    imports_.bytes(limitBytes.data().data(), limitBytes.size());
    tableCount_++;
  } else if (kindToken.text == "memory") {
    imports_.byte(0x02);
    WASMC_TRY(limits(imports_));
    memoryCount_++;
  } else {
    imports_.byte(0x03);
    WASMC_TRY(globalType(imports_));
    globalCount_++;
  }
  WASMC_TRY(expectRParen());
  return expectRParen();
}

Expected<void> Parser::funcField() {
  const uint32_t fieldIndex = funcCount_++;
  optionalId();
  WASMC_TRY(inlineExports(0x00, fieldIndex));
  std::string module, name;
  const bool imported = WASMC_TRY(inlineImport(module, name));
  TypeUse use = WASMC_TRY(typeUse(true));
  funcTypes_.push_back(use.index);
  if (imported) {
    addImport(module, name);
    imports_.byte(0x00);
    imports_.u32(use.index);
    return expectRParen();
  }
  functions_.u32(use.index);
  definedFuncs_++;
  // Locals: the parameters first, then (local ...) declarations.
  Body body;
  for (size_t i = 0; i < use.sig.params.size(); ++i) {
    if (i < use.names.size() && use.names[i] && !body.locals.emplace(*use.names[i], i).second)
      return errorAt(peek(), "duplicate local " + *use.names[i]);
  }
  uint32_t localCount = static_cast<uint32_t>(use.sig.params.size());
  std::vector<uint8_t> localTypes;
  while (isField("local")) {
    next();
    next();
    if (peek().kind == TokenKind::Id) {
      const Token& id = peek();
      std::string localName = idName(next());
      if (!body.locals.emplace(localName, localCount).second)
        return errorAt(id, "duplicate local " + localName);
      localTypes.push_back(WASMC_TRY(valType()));
      localCount++;
    } else {
      while (!isRParen()) {
        localTypes.push_back(WASMC_TRY(valType()));
        localCount++;
      }
    }
    WASMC_TRY(expectRParen());
  }
  BinaryWriter code;
  // Runs of one type, as the binary format groups locals.
  std::vector<std::pair<uint32_t, uint8_t>> runs;
  for (uint8_t type : localTypes) {
    if (!runs.empty() && runs.back().second == type)
      runs.back().first++;
    else
      runs.emplace_back(1, type);
  }
  code.u32(static_cast<uint32_t>(runs.size()));
  for (auto [count, type] : runs) {
    code.u32(count);
    code.byte(type);
  }
  body.w = &code;
  WASMC_TRY(instructions(body));
  WASMC_TRY(expectRParen());
  code.byte(kEnd);
  codes_.u32(static_cast<uint32_t>(code.size()));
  codes_.bytes(code.data().data(), code.size());
  return {};
}

Expected<void> Parser::tableField() {
  const uint32_t fieldIndex = tableCount_++;
  optionalId();
  WASMC_TRY(inlineExports(0x01, fieldIndex));
  std::string module, name;
  if (WASMC_TRY(inlineImport(module, name))) {
    addImport(module, name);
    imports_.byte(0x01);
    BinaryWriter limitBytes;
    WASMC_TRY(limits(limitBytes));
    imports_.byte(WASMC_TRY(refType()));
    imports_.bytes(limitBytes.data().data(), limitBytes.size());
    return expectRParen();
  }
  if (peek().kind == TokenKind::Keyword) {
    // (table reftype (elem ...)): a table exactly as large as its
    // elements, and an active segment at 0.
    ElemItems items;
    items.type = WASMC_TRY(refType());
    WASMC_TRY(expectLParen());
    WASMC_TRY(expectKeyword("elem"));
    if (isLParen()) {
      items.expressions = true;
      while (isLParen())
        items.exprs.push_back(WASMC_TRY(elemExpression()));
    } else {
      while (isIndex())
        items.funcs.push_back(WASMC_TRY(index(funcSpace_, "function")));
    }
    WASMC_TRY(expectRParen());
    tables_.byte(items.type);
    tables_.byte(0x01);
    tables_.u32(items.count());
    tables_.u32(items.count());
    tableDefs_++;
    BinaryWriter offset;
    offset.byte(0x41); // i32.const 0
    offset.s32(0);
    offset.byte(kEnd);
    writeActiveElem(fieldIndex, offset, items);
    return expectRParen();
  }
  BinaryWriter limitBytes;
  WASMC_TRY(limits(limitBytes));
  tables_.byte(WASMC_TRY(refType()));
  tables_.bytes(limitBytes.data().data(), limitBytes.size());
  tableDefs_++;
  return expectRParen();
}

Expected<void> Parser::memoryField() {
  const uint32_t fieldIndex = memoryCount_++;
  optionalId();
  WASMC_TRY(inlineExports(0x02, fieldIndex));
  std::string module, name;
  if (WASMC_TRY(inlineImport(module, name))) {
    addImport(module, name);
    imports_.byte(0x02);
    WASMC_TRY(limits(imports_));
    return expectRParen();
  }
  if (isField("data")) {
    next();
    next();
    std::string bytes;
    while (peek().kind == TokenKind::String)
      bytes += next().string;
    WASMC_TRY(expectRParen());
    const uint32_t pages = static_cast<uint32_t>((bytes.size() + 65535) / 65536);
    memories_.byte(0x01);
    memories_.u32(pages);
    memories_.u32(pages);
    memoryDefs_++;
    data_.byte(fieldIndex == 0 ? 0x00 : 0x02);
    if (fieldIndex != 0)
      data_.u32(fieldIndex);
    data_.byte(0x41);
    data_.s32(0);
    data_.byte(kEnd);
    data_.name(bytes);
    dataCount_++;
    return expectRParen();
  }
  WASMC_TRY(limits(memories_));
  memoryDefs_++;
  return expectRParen();
}

Expected<void> Parser::globalField() {
  const uint32_t fieldIndex = globalCount_++;
  optionalId();
  WASMC_TRY(inlineExports(0x03, fieldIndex));
  std::string module, name;
  if (WASMC_TRY(inlineImport(module, name))) {
    addImport(module, name);
    imports_.byte(0x03);
    WASMC_TRY(globalType(imports_));
    return expectRParen();
  }
  WASMC_TRY(globalType(globals_));
  WASMC_TRY(constantExpression(globals_));
  globalDefs_++;
  return expectRParen();
}

Expected<void> Parser::exportField() {
  std::string name = WASMC_TRY(string());
  WASMC_TRY(expectLParen());
  const Token& kindToken = next();
  uint8_t kind;
  uint32_t target;
  if (kindToken.text == "func") {
    kind = 0x00;
    target = WASMC_TRY(index(funcSpace_, "function"));
  } else if (kindToken.text == "table") {
    kind = 0x01;
    target = WASMC_TRY(index(tableSpace_, "table"));
  } else if (kindToken.text == "memory") {
    kind = 0x02;
    target = WASMC_TRY(index(memorySpace_, "memory"));
  } else if (kindToken.text == "global") {
    kind = 0x03;
    target = WASMC_TRY(index(globalSpace_, "global"));
  } else {
    return errorAt(kindToken, "expected func, table, memory or global");
  }
  WASMC_TRY(expectRParen());
  addExport(name, kind, target);
  return expectRParen();
}

Expected<void> Parser::startField() {
  if (start_)
    return errorAt(peek(), "multiple start sections");
  start_ = WASMC_TRY(index(funcSpace_, "function"));
  return expectRParen();
}

/// `(item instr*)` or one folded instruction: a constant expression.
Expected<std::vector<uint8_t>> Parser::elemExpression() {
  BinaryWriter out;
  if (isField("item")) {
    next();
    next();
    WASMC_TRY(constantBody(out));
    WASMC_TRY(expectRParen());
    return out.take();
  }
  Body body;
  body.w = &out;
  WASMC_TRY(foldedInstruction(body));
  out.byte(kEnd);
  return out.take();
}

/// The element list: `func x*`, `reftype elemexpr*`, or (active only,
/// the 1.0 form) `x*`.
Expected<ElemItems> Parser::elemList() {
  ElemItems items;
  if (isKeyword("funcref") || isKeyword("externref")) {
    items.type = WASMC_TRY(refType());
    items.expressions = true;
    while (isLParen())
      items.exprs.push_back(WASMC_TRY(elemExpression()));
    items.normalize();
    return items;
  }
  if (isKeyword("func"))
    next();
  while (isIndex())
    items.funcs.push_back(WASMC_TRY(index(funcSpace_, "function")));
  return items;
}

void Parser::writeActiveElem(uint32_t table, const BinaryWriter& offset, ElemItems items) {
  items.normalize();
  const bool implicitTable = table == 0 && items.type == kFuncRef;
  elems_.byte(items.expressions ? (implicitTable ? 0x04 : 0x06) : (implicitTable ? 0x00 : 0x02));
  if (!implicitTable)
    elems_.u32(table);
  elems_.bytes(offset.data().data(), offset.size());
  if (!implicitTable)
    elems_.byte(items.expressions ? items.type : 0x00);
  items.write(elems_);
  elemCount_++;
}

Expected<void> Parser::elemField() {
  optionalId();
  if (isKeyword("declare")) {
    next();
    ElemItems items = WASMC_TRY(elemList());
    elems_.byte(items.expressions ? 0x07 : 0x03);
    elems_.byte(items.expressions ? items.type : 0x00);
    items.write(elems_);
    elemCount_++;
    return expectRParen();
  }
  if (isLParen() || isIndex()) {
    uint32_t table = 0;
    if (isField("table")) {
      next();
      next();
      table = WASMC_TRY(index(tableSpace_, "table"));
      WASMC_TRY(expectRParen());
    } else if (isIndex()) {
      table = WASMC_TRY(index(tableSpace_, "table")); // the 1.0 form (elem x (offset) ...)
    }
    BinaryWriter offset;
    WASMC_TRY(offsetExpression(offset));
    writeActiveElem(table, offset, WASMC_TRY(elemList()));
    return expectRParen();
  }
  ElemItems items = WASMC_TRY(elemList());
  elems_.byte(items.expressions ? 0x05 : 0x01);
  elems_.byte(items.expressions ? items.type : 0x00);
  items.write(elems_);
  elemCount_++;
  return expectRParen();
}

/// `(offset instr*)` or one folded instruction.
Expected<void> Parser::offsetExpression(BinaryWriter& out) {
  if (isField("offset")) {
    next();
    next();
    WASMC_TRY(constantBody(out));
    return expectRParen();
  }
  Body body;
  body.w = &out;
  WASMC_TRY(foldedInstruction(body));
  out.byte(kEnd);
  return {};
}

Expected<void> Parser::dataField() {
  optionalId();
  std::optional<uint32_t> memory;
  BinaryWriter offset;
  bool active = false;
  if (isField("memory")) {
    next();
    next();
    memory = WASMC_TRY(index(memorySpace_, "memory"));
    WASMC_TRY(expectRParen());
    active = true;
  } else if (isIndex()) {
    memory = WASMC_TRY(index(memorySpace_, "memory")); // the 1.0 form (data x (offset) ...)
    active = true;
  }
  if (isLParen())
    active = true;
  if (active)
    WASMC_TRY(offsetExpression(offset));
  std::string bytes;
  while (peek().kind == TokenKind::String)
    bytes += next().string;
  if (!active) {
    data_.byte(0x01);
  } else if (memory.value_or(0) == 0) {
    data_.byte(0x00);
    data_.bytes(offset.data().data(), offset.size());
  } else {
    data_.byte(0x02);
    data_.u32(*memory);
    data_.bytes(offset.data().data(), offset.size());
  }
  data_.name(bytes);
  dataCount_++;
  return expectRParen();
}

} // namespace wasmc::text::detail
