#pragma once
// Private to compiler/codegen: splitting a module's defined functions into
// partitions that are compiled independently (each in its own LLVMContext,
// on its own thread) and linked together afterwards, and the rule that
// gives very large functions partitions of their own with a cheap pipeline.

#include "compiler/codegen/Codegen.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace wasmc::codegen {

/// Functions whose wasm body is larger than this are "big" (at -O1 and
/// above): each is compiled alone, with a few linear-time function passes
/// and LLVM's -O0 code generator (fast instruction and register
/// selection). LLVM's loop, scalar-evolution and value-numbering work grows
/// faster than linearly with function size (a generated 190 KB function
/// took 33 s at -O2, one of 760 KB did not finish in 5 minutes), so one
/// huge function could otherwise dominate the compile. It takes the -O0
/// code generator too: with only the middle end's loop passes skipped, the
/// code generator's loop strength reduction recursed through scalar
/// evolution until the stack overflowed. 64 KiB is about 25,000
/// instructions; sqlite3's interpreter loop, its largest function, is 37 KB.
inline constexpr uint32_t kBigFunctionBytes = 64 * 1024;
/// Functions with more locals than this are compiled as big functions too,
/// and their locals stay in stack slots (Pipeline.cpp): LLVM's promotion of
/// allocas to SSA values takes time quadratic in their number (issue 14:
/// 50,000 v128 locals compiled for over 5 minutes at -O2).
inline constexpr uint64_t kManyLocals = 4096;

/// One llvm::Module's share of a wasm module: the defined functions in
/// [begin, end) (0-based, imports not counted), except big ones, which are
/// in partitions of their own.
struct Partition {
  uint32_t begin = 0;
  uint32_t end = 0;
  /// The module is split: functions get hidden external symbols, so other
  /// partitions and the tables can reach them. A single partition keeps
  /// them internal.
  bool split = false;
  /// This partition also emits the trampolines, host adapters, the three
  /// code tables and wasmc_code_end (always the last partition, so that its
  /// code, and wasmc_code_end, comes last when the objects are linked in order).
  bool tables = true;
  /// One big function [begin, begin + 1), compiled cheaply.
  bool big = false;
  /// Instead of function `begin` itself, its loop entry at this byte offset
  /// (JitCode::compileLoopEntry), in a partition of its own.
  std::optional<uint32_t> loopEntry;

  /// Whether this partition defines defined function `i` (0-based).
  bool defines(const wasm::Module& module, uint32_t i, unsigned optLevel) const;
};

/// Whether defined function `i` (0-based) gets the big-function treatment.
bool isBigFunction(const wasm::Module& module, uint32_t i, unsigned optLevel);

/// The threads options.jobs asks for (0 = one per hardware thread).
unsigned jobCount(const Options& options);

/// The partitions to compile `module` in: big functions one each (first, so
/// they start early), then the rest in options.partitions contiguous ranges
/// balanced by body size (contiguous, because neighbouring functions call
/// each other most, and LLVM inlines only within a partition). Automatic
/// (options.partitions == 0): one range per job, but no more than one per
/// 32 KiB of function bodies, and at least one per MiB of them (so peak
/// compile memory does not grow with the module). The last partition holds the tables. With one
/// range and no big function the module is not split (internal linkage,
/// one object: what wasmc did before partitions).
std::vector<Partition> planPartitions(const wasm::Module& module, const Options& options);

/// Runs task(0) .. task(count - 1) on up to `threads` threads (the calling
/// thread is one of them), each task exactly once, and returns when all
/// have finished. Tasks must not throw (wasmc builds without exceptions).
void runParallel(unsigned count, unsigned threads, const std::function<void(unsigned)>& task);

} // namespace wasmc::codegen
