#include "compiler/codegen/WasmOffsets.h"

#include "compiler/codegen/ModuleContext.h"

#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>

#include <algorithm>
#include <cstring>

namespace wasmc::codegen {

using namespace llvm;

OffsetLines::OffsetLines(llvm::Module& module) : builder_(module) {
  // Line-tables-only: no types, variables or scopes beyond the functions;
  // the line numbers are all the runtime reads back.
  module.addModuleFlag(llvm::Module::Warning, "Debug Info Version", DEBUG_METADATA_VERSION);
  module.addModuleFlag(llvm::Module::Warning, "Dwarf Version", 5);
  file_ = builder_.createFile("wasm", "");
  unit_ = builder_.createCompileUnit(dwarf::DW_LANG_C, file_, "wasmc", /*isOptimized=*/true, "", 0, "",
                                     DICompileUnit::LineTablesOnly);
  type_ = builder_.createSubroutineType(builder_.getOrCreateTypeArray({}));
}

DISubprogram* OffsetLines::attach(Function& function, uint32_t start) {
  DISubprogram* scope = builder_.createFunction(unit_, function.getName(), StringRef(), file_, start, type_, start,
                                                DINode::FlagZero,
                                                DISubprogram::SPFlagDefinition | DISubprogram::SPFlagOptimized);
  function.setSubprogram(scope);
  return scope;
}

DILocation* OffsetLines::at(DISubprogram* scope, uint32_t offset) {
  return DILocation::get(scope->getContext(), offset, 0, scope);
}

void OffsetLines::finish() { builder_.finalize(); }

void attributeInlinedCode(llvm::Module& module) {
  for (Function& function : module) {
    DISubprogram* scope = function.getSubprogram();
    if (!scope)
      continue;
    for (Instruction& instruction : instructions(function)) {
      DILocation* location = instruction.getDebugLoc().get();
      if (!location || !location->getInlinedAt())
        continue;
      while (DILocation* outer = location->getInlinedAt())
        location = outer;
      instruction.setDebugLoc(OffsetLines::at(scope, location->getLine()));
    }
  }
}

namespace {

struct FunctionSymbol {
  uint64_t section;
  uint64_t start;
  uint64_t end;
  std::string name;
};

} // namespace

std::unordered_map<std::string, std::vector<abi::PcOffset>> readOffsetTables(std::span<const char> object) {
  std::unordered_map<std::string, std::vector<abi::PcOffset>> tables;
  auto file = object::ObjectFile::createObjectFile(MemoryBufferRef(StringRef(object.data(), object.size()), "wasm.o"));
  if (!file) {
    consumeError(file.takeError());
    return tables;
  }
  std::vector<FunctionSymbol> functions;
  for (const object::SymbolRef& symbol : (*file)->symbols()) {
    Expected<object::SymbolRef::Type> type = symbol.getType();
    Expected<StringRef> name = symbol.getName();
    Expected<object::section_iterator> section = symbol.getSection();
    Expected<uint64_t> value = symbol.getValue();
    if (!type || !name || !section || !value || *type != object::SymbolRef::ST_Function ||
        *section == (*file)->section_end()) {
      consumeError(type.takeError());
      consumeError(name.takeError());
      consumeError(section.takeError());
      consumeError(value.takeError());
      continue;
    }
    uint64_t size = object::ELFSymbolRef(symbol).getSize();
    functions.push_back({(*section)->getIndex(), *value, *value + size, name->str()});
  }
  std::sort(functions.begin(), functions.end(), [](const FunctionSymbol& a, const FunctionSymbol& b) {
    return std::tie(a.section, a.start) < std::tie(b.section, b.start);
  });

  std::unique_ptr<DWARFContext> dwarf = DWARFContext::create(**file);
  for (const std::unique_ptr<DWARFUnit>& unit : dwarf->compile_units()) {
    const DWARFDebugLine::LineTable* lines = dwarf->getLineTableForUnit(unit.get());
    if (!lines)
      continue;
    for (const DWARFDebugLine::Row& row : lines->Rows) {
      if (row.EndSequence)
        continue;
      const uint64_t section = row.Address.SectionIndex, address = row.Address.Address;
      auto after = std::upper_bound(functions.begin(), functions.end(), std::pair{section, address},
                                    [](const std::pair<uint64_t, uint64_t>& at, const FunctionSymbol& f) {
                                      return at < std::pair{f.section, f.start};
                                    });
      if (after == functions.begin())
        continue;
      const FunctionSymbol& function = *std::prev(after);
      if (function.section != section || address >= function.end)
        continue;
      tables[function.name].push_back({static_cast<uint32_t>(address - function.start), row.Line});
    }
  }
  for (auto& [name, rows] : tables) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const abi::PcOffset& a, const abi::PcOffset& b) { return a.pc < b.pc; });
    // One row per pc (the last LLVM wrote), and none that repeats the
    // offset before it.
    std::vector<abi::PcOffset> kept;
    for (const abi::PcOffset& row : rows) {
      if (!kept.empty() && kept.back().pc == row.pc)
        kept.pop_back();
      if (kept.empty() || kept.back().offset != row.offset)
        kept.push_back(row);
    }
    rows = std::move(kept);
  }
  return tables;
}

std::vector<std::vector<abi::PcOffset>> functionOffsetTables(const wasm::Module& module,
                                                             const std::vector<std::vector<char>>& objects) {
  std::vector<std::vector<abi::PcOffset>> tables(module.functions.size());
  for (const std::vector<char>& object : objects)
    for (auto& [name, rows] : readOffsetTables(object)) {
      bool loopEntry = false;
      std::optional<uint32_t> index = functionOfSymbol(module, name, &loopEntry);
      if (index && !loopEntry)
        tables[*index] = std::move(rows);
    }
  return tables;
}

} // namespace wasmc::codegen
