#include "compiler/codegen/Partition.h"

#include <llvm/Support/Threading.h>
#include <llvm/Support/thread.h>

#include <algorithm>
#include <atomic>

namespace wasmc::codegen {

namespace {

/// Below this many bytes of function bodies per partition, another thread
/// costs more (its own LLVMContext, TargetMachine and pass pipeline, and
/// lost inlining) than it saves.
constexpr uint64_t kMinPartitionBytes = 32 * 1024;

/// Above this many bytes of function bodies, an automatic plan cuts another
/// partition, whatever the job count: a partition's LLVM IR lives until its
/// object is written, at roughly 100-250 bytes per wasm byte, so partitions
/// as large as the module divided by the jobs made peak memory grow with
/// the module (clang.wasm, 63 MB of code in two partitions: 10 GB at -O0).
/// With this cap, peak memory is about jobs x 250 MB plus the module and
/// the objects (issue 15). Partitions this size still hold thousands of
/// functions, so little inlining is lost at their borders.
constexpr uint64_t kMaxPartitionBytes = 1u << 20;

/// A fixed cost per function on top of its body bytes (prologue, stack
/// check, declarations), so many tiny functions still weigh something.
constexpr uint64_t kFunctionOverheadBytes = 16;

/// Compiling deeply nested code recurses in LLVM; give every compile thread
/// the same generous stack whatever the process's default is.
constexpr unsigned kThreadStackBytes = 16u << 20;

uint64_t weight(const wasm::Function& function) { return function.body.size + kFunctionOverheadBytes; }

} // namespace

bool isBigFunction(const wasm::Module& module, uint32_t i, unsigned optLevel) {
  return optLevel > 0 &&
         (module.functions[i].body.size > kBigFunctionBytes || module.functions[i].numLocals > kManyLocals);
}

bool Partition::defines(const wasm::Module& module, uint32_t i, unsigned optLevel) const {
  return i >= begin && i < end && (big || !isBigFunction(module, i, optLevel));
}

unsigned jobCount(const Options& options) {
  if (options.jobs != 0)
    return options.jobs;
  return std::max(1u, llvm::hardware_concurrency().compute_thread_count());
}

std::vector<Partition> planPartitions(const wasm::Module& module, const Options& options) {
  const uint32_t functions = static_cast<uint32_t>(module.functions.size());
  std::vector<Partition> plan;
  uint64_t total = 0;
  uint32_t smallFunctions = 0;
  for (uint32_t i = 0; i < functions; ++i) {
    if (isBigFunction(module, i, options.optLevel)) {
      plan.push_back(Partition{i, i + 1, true, false, true, std::nullopt});
    } else {
      total += weight(module.functions[i]);
      ++smallFunctions;
    }
  }

  uint64_t count = options.partitions;
  if (count == 0) {
    count = std::min<uint64_t>(jobCount(options), std::max<uint64_t>(1, total / kMinPartitionBytes));
    count = std::max<uint64_t>(count, (total + kMaxPartitionBytes - 1) / kMaxPartitionBytes);
  }
  count = std::clamp<uint64_t>(count, 1, std::max(1u, smallFunctions));
  const bool split = count > 1 || !plan.empty();

  // Cut where the running total crosses k/count of the whole, leaving at
  // least one function for each range still to come.
  uint64_t running = 0;
  uint32_t begin = 0;
  uint32_t seen = 0;
  uint32_t ranges = 0;
  for (uint32_t i = 0; i < functions && ranges + 1 < count; ++i) {
    if (isBigFunction(module, i, options.optLevel))
      continue;
    running += weight(module.functions[i]);
    ++seen;
    uint64_t target = total * (ranges + 1) / count;
    if (running >= target || smallFunctions - seen == count - ranges - 1) {
      plan.push_back(Partition{begin, i + 1, split, false, false, std::nullopt});
      begin = i + 1;
      ++ranges;
    }
  }
  plan.push_back(Partition{begin, functions, split, true, false, std::nullopt});
  return plan;
}

void runParallel(unsigned count, unsigned threads, const std::function<void(unsigned)>& task) {
  threads = std::max(1u, std::min(threads, count));
  std::atomic<unsigned> next{0};
  auto work = [&] {
    for (unsigned i = next.fetch_add(1); i < count; i = next.fetch_add(1))
      task(i);
  };
  std::vector<llvm::thread> helpers;
  helpers.reserve(threads - 1);
  for (unsigned t = 1; t < threads; ++t)
    helpers.emplace_back(std::optional<unsigned>(kThreadStackBytes), work);
  work();
  for (llvm::thread& helper : helpers)
    helper.join();
}

} // namespace wasmc::codegen
