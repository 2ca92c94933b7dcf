#include "runtime/CompiledModule.h"

#include "runtime/Signatures.h"

#include <algorithm>

namespace wasmc::rt {

std::vector<FunctionRange> functionRanges(const wasm::Module& module, const CodeTables& code,
                                          const std::vector<CodeBlock>& blocks, OffsetTableList offsets) {
  std::vector<uintptr_t> boundaries;
  for (size_t i = 0; i < module.types.size(); ++i) {
    boundaries.push_back(reinterpret_cast<uintptr_t>(code.entries[i]));
    boundaries.push_back(reinterpret_cast<uintptr_t>(code.hostAdapters[i]));
  }
  for (size_t i = 0; i < module.functions.size(); ++i)
    boundaries.push_back(reinterpret_cast<uintptr_t>(code.functions[i]));
  if (code.codeEnd)
    boundaries.push_back(reinterpret_cast<uintptr_t>(code.codeEnd));
  std::sort(boundaries.begin(), boundaries.end());
  std::vector<FunctionRange> ranges;
  ranges.reserve(module.functions.size());
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    uintptr_t start = reinterpret_cast<uintptr_t>(code.functions[i]);
    uintptr_t end = start;
    for (const auto& [blockStart, blockEnd] : blocks)
      if (start >= blockStart && start < blockEnd)
        end = blockEnd;
    // Not in the code: a lazy JIT's stub, whose code is registered when
    // it is compiled (CompiledModule::addCode). clang.wasm has 133,398.
    if (end == start)
      continue;
    auto next = std::upper_bound(boundaries.begin(), boundaries.end(), start);
    if (next != boundaries.end())
      end = std::min(end, *next);
    wasm::FuncIndex index = module.numImportedFuncs + i;
    ranges.push_back(FunctionRange{start, end, index, module.funcName(index)});
    ranges.back().functionStart = module.localsOffset(index);
    if (i < offsets.size())
      ranges.back().offsets = std::move(offsets[i]);
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const FunctionRange& a, const FunctionRange& b) { return a.start < b.start; });
  return ranges;
}

CompiledModule::CompiledModule(wasm::Module module, CodeTables code, std::shared_ptr<void> owner,
                               std::vector<FunctionRange> ranges)
    : CompiledModule(std::make_shared<const wasm::Module>(std::move(module)), code, std::move(owner),
                     std::move(ranges)) {}

CompiledModule::CompiledModule(std::shared_ptr<const wasm::Module> module, CodeTables code,
                               std::shared_ptr<void> owner, std::vector<FunctionRange> ranges)
    : module_(std::move(module)), code_(code), owner_(std::move(owner)) {
  registration_ = registerCode(std::move(ranges));
  sigIds_.reserve(module_->types.size());
  for (const wasm::FuncType& type : module_->types)
    sigIds_.push_back(canonicalSignature(type));
}

std::shared_ptr<const MemoryImage> CompiledModule::memoryImageForInstance() const {
  // The first instance copies its segments: making the image costs about
  // what copying does once, and pays off only from the second instance on.
  if (instantiations_.fetch_add(1, std::memory_order_relaxed) == 0 && !memoryImageFromFirstInstance())
    return nullptr;
  return memoryImage();
}

const std::shared_ptr<const MemoryImage>& CompiledModule::memoryImage() const {
  std::call_once(imageOnce_, [this] {
    if (memoryImagesEnabled())
      image_ = MemoryImage::of(*module_);
  });
  return image_;
}

std::shared_ptr<MemoryPool> CompiledModule::memoryPool() const {
  std::call_once(poolOnce_, [this] {
    const int64_t own = poolCapacity_.load();
    const size_t capacity = own >= 0 ? size_t(own) : memoryPoolCapacity();
    if (capacity > 0 && module_->memories.size() > module_->numImportedMemories)
      pool_ = std::make_shared<MemoryPool>(capacity);
  });
  return pool_;
}

void CompiledModule::addCode(std::vector<FunctionRange> ranges) const {
  rt::addCode(registration_, std::move(ranges));
}

void CompiledModule::addFunctionCode(uint32_t funcIndex, uintptr_t start, uintptr_t end, bool loopEntry,
                                     std::vector<abi::PcOffset> offsets) const {
  addCode({FunctionRange{start, end, funcIndex, module_->funcName(funcIndex), loopEntry, std::move(offsets),
                         module_->localsOffset(funcIndex)}});
}

CompiledModule::~CompiledModule() {
  // The trap handler must stop claiming this code before it is unmapped.
  if (registration_)
    unregisterCode(registration_);
  owner_.reset();
}

} // namespace wasmc::rt
