#include "runtime/Signatures.h"

#include <map>
#include <mutex>

namespace wasmc::rt {

uint32_t canonicalSignature(const wasm::FuncType& type) {
  static std::mutex mutex;
  static std::map<std::pair<std::vector<wasm::ValType>, std::vector<wasm::ValType>>, uint32_t> ids;
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, inserted] = ids.try_emplace({type.params, type.results}, 0);
  if (inserted)
    it->second = static_cast<uint32_t>(ids.size());
  return it->second;
}

} // namespace wasmc::rt
