#pragma once
// The contract between compiled code and the runtime: the VMContext layout,
// function references, table and memory records, the builtin table, trap
// codes and the signatures of the trampolines the compiler emits. Plain data
// and no behaviour: compiler/codegen reads offsets from here with offsetof,
// the runtime fills the structures. Changing anything here changes the
// compiled-artifact format (bump kAbiVersion).

#include <cstddef>
#include <cstdint>

namespace wasmc::abi {

/// 4: f32/f64 fields of multi-value results are returned as their bits in
/// integer fields (ModuleContext::resultType), never on the x87 stack.
/// 5: artifacts carry kOffsetsSymbol (trap frames with their wasm offsets).
inline constexpr uint32_t kAbiVersion = 5;

/// Every way a wasm call can end abnormally. Values are stable: they cross
/// the compiled-code boundary and appear in artifacts.
enum class TrapCode : uint32_t {
  None = 0,
  Unreachable,              // "unreachable"
  MemoryOutOfBounds,        // "out of bounds memory access"
  IntegerDivideByZero,      // "integer divide by zero"
  IntegerOverflow,          // "integer overflow"
  InvalidConversion,        // "invalid conversion to integer"
  UndefinedElement,         // "undefined element"
  UninitializedElement,     // "uninitialized element"
  IndirectCallTypeMismatch, // "indirect call type mismatch"
  TableOutOfBounds,         // "out of bounds table access"
  StackExhausted,           // "call stack exhausted"
  HostTrap,                 // a host function failed; its message is kept by the runtime
  Exit,                     // WASI proc_exit: not an error; the exit code is kept by the runtime
  Interrupt,                // "interrupt": the store was interrupted (a deadline passed)
  GrowFailed,               // "memory or table grow failed" (only with trap-on-grow-failure)
  OutOfFuel,                // "all fuel consumed"
};

/// A value slot in argument/result arrays passed between host and wasm:
/// 16 bytes so a v128 fits; narrower values live in the low bytes.
struct alignas(16) Slot {
  uint8_t bytes[16];
};

struct VMContext;

/// What a funcref points to (a funcref value is `const FuncRef*`, null for
/// ref.null). For a wasm function `code` has the wasm calling convention
/// (`Result code(void* vmctx, params...)`) and `vmctx` is its instance's
/// VMContext. For a host function `code` is a host adapter compiled for its
/// type and `vmctx` points to the HostFunc record.
struct FuncRef {
  void* code;
  void* vmctx;
  uint32_t sigId;  // canonical signature id, engine-wide: call_indirect compares this
  uint32_t flags;  // kFuncRefHost for host functions
  void* entry;     // EntryTrampoline for this signature (calls from the host)
  void* function;  // the runtime's Function object (opaque to compiled code)
};
inline constexpr uint32_t kFuncRefHost = 1;

/// Calls `code` with arguments read from `slots` and writes the results back
/// to `slots` (from index 0). Generated per function type.
using EntryTrampoline = void (*)(void* code, void* vmctx, Slot* slots);

/// A host function as wasm sees it. The compiler's host adapter for the type
/// spills the arguments to slots, calls `callback`, and raises a trap with
/// `raiseTrap` if the callback returns a non-zero TrapCode.
struct HostFunc;
using HostCallback = uint32_t (*)(HostFunc* func, Slot* slots);
using RaiseTrapFn = void (*)(uint32_t trapCode);
struct HostFunc {
  HostCallback callback;
  RaiseTrapFn raiseTrap;
  void* userData;
};

/// A linear memory's live bounds, shared by every instance that uses it.
/// `base` never moves: the whole reservation is made up front.
struct MemoryRecord {
  uint8_t* base;
  uint64_t size; // bytes currently accessible
};

/// A table: `elements[i]` is a funcref (`const FuncRef*`) or an externref
/// (opaque host pointer); null is the null reference.
struct TableRecord {
  void** elements;
  uint32_t size;
  uint32_t pad;
};

/// A global's storage: 16 bytes, numbers in the low bytes, references as a
/// pointer. Imported and exported globals share their cell.
struct alignas(16) GlobalCell {
  uint8_t bytes[16];
};

/// State shared by every instance of a store: the stack limit of the thread
/// currently running wasm. Every function prologue compares against it, so
/// it is copied into each VMContext of the store (one load instead of two
/// dependent ones per call); whoever changes it updates all `contexts`.
struct StoreRecord {
  uintptr_t stackLimit = 0;
  VMContext* const* contexts = nullptr; // the store's instances
  size_t contextCount = 0;
  /// Set (atomically, from any thread) when the store is interrupted: the
  /// contexts' stack limits then read kInterruptStackLimit, so the next
  /// stack check (every function entry, and every loop header of code
  /// compiled interruptible) traps, and the runtime reports Interrupt.
  uint32_t interrupt = 0;
  /// Bytes of stack the wasm frames of one outermost call may use (0: all
  /// the thread has, less kStackReserve). Read by the runtime only.
  uint64_t maxWasmStack = 0;
  /// Fuel left, for code compiled to consume it (kCodeFuel): each straight-
  /// line stretch of wasm subtracts its cost on entry; function entries and
  /// loop headers trap (OutOfFuel) once it is below zero (docs/LIMITS.md).
  int64_t fuel = 0;
};

/// The stack limit an interrupted store's contexts hold: above every stack
/// (user addresses end below 2^47), and far enough below 2^64 that adding a
/// frame size to it cannot wrap (the prologue's check adds one).
inline constexpr uintptr_t kInterruptStackLimit = uintptr_t(1) << 62;

/// Runtime services compiled code calls through VMContext::builtins (never by
/// symbol: an artifact's only undefined symbols are the libc functions LLVM
/// itself may call, memcpy/memmove/memset and libm's rounding functions). Builtins that can fail
/// return a TrapCode (0 for success); the compiled caller raises the trap.
struct Builtins {
  void (*raiseTrap)(VMContext* vmctx, uint32_t trapCode);
  uint32_t (*memoryGrow)(VMContext* vmctx, uint32_t deltaPages); // old pages or 0xFFFFFFFF
  uint32_t (*memoryInit)(VMContext* vmctx, uint32_t segment, uint32_t dst, uint32_t src,
                         uint32_t count);
  void (*dataDrop)(VMContext* vmctx, uint32_t segment);
  uint32_t (*tableGrow)(VMContext* vmctx, uint32_t table, void* init, uint32_t delta);
  uint32_t (*tableFill)(VMContext* vmctx, uint32_t table, uint32_t dst, void* value, uint32_t count);
  uint32_t (*tableCopy)(VMContext* vmctx, uint32_t dstTable, uint32_t srcTable, uint32_t dst,
                        uint32_t src, uint32_t count);
  uint32_t (*tableInit)(VMContext* vmctx, uint32_t table, uint32_t segment, uint32_t dst,
                        uint32_t src, uint32_t count);
  void (*elemDrop)(VMContext* vmctx, uint32_t segment);
  /// The fuel ran out (below zero at a check): returns once the store's
  /// refuel callback gave enough, else raises "all fuel consumed". It keeps
  /// every register (preserve_all), so that the compiled check, which is
  /// inside hot loops, clobbers none on its way: with the plain C
  /// convention metered vm ran 2.1x slower (the cold call's clobbers
  /// reshaped the loop's register allocation).
  void (*outOfFuel)(VMContext* vmctx) __attribute__((preserve_all));
};

/// The per-instance context every compiled function receives as its first
/// argument. Fields the compiler reads are at fixed offsets (static_asserts
/// below); arrays are owned by the runtime's Instance.
struct VMContext {
  uint8_t* memoryBase;        // memory 0's base (stable), or null without a memory
  MemoryRecord* memory;       // memory 0's live bounds, or null
  uintptr_t stackLimit;       // StoreRecord::stackLimit of the instance's store
  const Builtins* builtins;
  TableRecord** tables;       // per table index
  GlobalCell** globals;       // per global index
  const FuncRef** funcs;      // per function index (imports first): the callee's FuncRef
  const uint32_t* sigIds;     // per type index: canonical signature id
  void* instance;             // the runtime's Instance (opaque to compiled code)
  int64_t* fuel;              // StoreRecord::fuel of the instance's store
};

static_assert(offsetof(VMContext, memoryBase) == 0);
static_assert(offsetof(VMContext, memory) == 8);
static_assert(offsetof(VMContext, stackLimit) == 16);
static_assert(offsetof(VMContext, builtins) == 24);
static_assert(offsetof(VMContext, tables) == 32);
static_assert(offsetof(VMContext, globals) == 40);
static_assert(offsetof(VMContext, funcs) == 48);
static_assert(offsetof(VMContext, sigIds) == 56);
static_assert(offsetof(VMContext, fuel) == 72);
static_assert(offsetof(FuncRef, code) == 0);
static_assert(offsetof(FuncRef, vmctx) == 8);
static_assert(offsetof(FuncRef, sigId) == 16);
static_assert(offsetof(TableRecord, elements) == 0);
static_assert(offsetof(TableRecord, size) == 8);
static_assert(offsetof(MemoryRecord, size) == 8);
static_assert(sizeof(Slot) == 16 && sizeof(GlobalCell) == 16);

/// Each memory reserves this much address space: any i32 address plus any
/// u32 offset plus a 16-byte access lands inside it, so guard pages catch
/// every out-of-bounds access.
inline constexpr uint64_t kMemoryReservation = (8ull << 30) + (64ull << 10);

/// PROT_NONE bytes reserved below each memory's base, against code
/// generator bugs: no correct access forms an address below the base, and
/// the largest negative displacement any compiled access could form if a
/// check of WidenLoopAddresses.cpp were wrong is 2^31 (a 64-bit recurrence
/// starts at zext(base) + c with c a sign-extended i32 constant). Faults
/// here are traps like those above the memory (docs/SECURITY.md).
inline constexpr uint64_t kMemoryGuardBelow = 2ull << 30;

/// Bytes of stack kept free below the limit compiled code checks against:
/// room for host functions called from wasm and for the frames of one
/// function whose own frame estimate is wrong.
inline constexpr uint64_t kStackReserve = 128 << 10;

/// Symbols every compiled object defines (JIT and AOT alike). The runtime
/// finds code only through these three arrays, so loading needs no lookup per
/// function. Function bodies themselves are named "wasm_function_N" or
/// "wasm_function_N_<name>" for profilers and debuggers.
inline constexpr const char* kFunctionsSymbol = "wasmc_functions";       // void*[defined funcs]
inline constexpr const char* kEntriesSymbol = "wasmc_entries";           // EntryTrampoline[types]
inline constexpr const char* kHostAdaptersSymbol = "wasmc_host_adapters"; // void*[types]
/// An empty function emitted after all others: the end of the module's code
/// (objects are emitted without function sections, so code stays in order).
inline constexpr const char* kCodeEndSymbol = "wasmc_code_end";

/// Compiled artifacts (.cwasm): an ELF shared object whose section
/// kArtifactSection holds an ArtifactHeader; the module's wasm bytes (the
/// metadata instantiation decodes) follow the ELF image in the file, then an
/// ArtifactTrailer. The loader copies only the ELF image into the memory
/// file it maps, and the wasm bytes straight into the module, so a large
/// data segment costs one read, not a copy into shared memory as well. It
/// checks everything here, the BLAKE3 digest of the whole file and its MAC
/// under the user's key (runtime/Artifact.cpp), before it maps any code.
/// In an executable (`wasmc compile --exe`) the wasm bytes follow the
/// header inside the section instead (wasmOffset 0).
inline constexpr const char* kArtifactSection = ".wasmc_artifact";
/// The exported symbol at the start of that section.
inline constexpr const char* kArtifactSymbol = "wasmc_artifact";
inline constexpr char kArtifactMagic[8] = {'W', 'A', 'S', 'M', 'C', 'A', 'O', 'T'};
inline constexpr uint32_t kArtifactFormatVersion = 5;
/// ArtifactHeader::codeFlags (and CompiledModule::codeFlags): loop headers
/// check for interrupts (codegen::Options::interruptible); the code
/// consumes fuel (codegen::Options::fuel).
inline constexpr uint64_t kCodeInterruptible = 1;
inline constexpr uint64_t kCodeFuel = 2;

struct ArtifactHeader {
  char magic[8];
  uint32_t formatVersion;
  uint32_t abiVersion;
  uint8_t buildId[32];       // the compiler's identity: wasmc, its codegen plugin, LLVM
  char triple[64];           // NUL-terminated target triple
  char cpu[64];              // NUL-terminated CPU name the code was tuned for
  uint64_t requiredFeatures; // CpuFeature bits the code assumes
  uint64_t codeFlags;        // kCode* bits: how the code was compiled
  uint64_t wasmSize;         // the module's wasm bytes
  uint64_t wasmOffset;       // where they start in the file: where the ELF image ends (0: after this header)
  uint8_t digest[32];        // BLAKE3 of the whole file with digest and mac zeroed
  uint8_t mac[32];           // HMAC-SHA256 of the digest under the compiling user's key
  char features[1024];       // NUL-terminated LLVM feature string, for messages
};
static_assert(offsetof(ArtifactHeader, mac) == offsetof(ArtifactHeader, digest) + 32,
              "the loader zeroes digest and mac as one range");

/// The last bytes of a .cwasm: how many wasm bytes precede it, so a loader
/// can split the file with one small read and no ELF parsing; the header
/// (authenticated) must agree.
struct ArtifactTrailer {
  uint64_t wasmSize;
  char magic[8];
};
inline constexpr char kArtifactTrailerMagic[8] = {'W', 'A', 'S', 'M', 'C', 'E', 'N', 'D'};

/// Where compiled code came from, for trap backtraces: the machine code
/// at `pc` bytes from its function's start (and up to the next entry's pc)
/// was compiled from the wasm instruction at module byte offset `offset`.
/// Tables are sorted by pc. kNoWasmOffset: code of no one instruction
/// (LLVM's line 0).
struct PcOffset {
  uint32_t pc;
  uint32_t offset;
};
inline constexpr uint32_t kNoWasmOffset = 0;

/// In an artifact, the exported symbol kOffsetsSymbol holds every defined
/// function's table, delta-encoded after an OffsetTables header
/// (runtime/OffsetTableFormat.h).
inline constexpr const char* kOffsetsSymbol = "wasmc_offsets";
struct OffsetTables {
  uint32_t functions;
  uint32_t bytes; // of the encoded rows
};

/// CPU features an artifact can require, checked at load time without LLVM.
enum CpuFeature : uint64_t {
  kCpuSse3 = 1 << 0,
  kCpuSsse3 = 1 << 1,
  kCpuSse41 = 1 << 2,
  kCpuSse42 = 1 << 3,
  kCpuPopcnt = 1 << 4,
  kCpuAvx = 1 << 5,
  kCpuAvx2 = 1 << 6,
  kCpuBmi1 = 1 << 7,
  kCpuBmi2 = 1 << 8,
  kCpuLzcnt = 1 << 9,
  kCpuFma = 1 << 10,
  kCpuF16c = 1 << 11,
  kCpuMovbe = 1 << 12,
  kCpuAvx512f = 1 << 13,
  kCpuAvx512bw = 1 << 14,
  kCpuAvx512dq = 1 << 15,
  kCpuAvx512vl = 1 << 16,
};

/// LLVM's names for the features above. Code generation enables only these
/// (plus the x86-64 baseline), so an artifact never depends on a feature
/// the loader cannot check.
struct CpuFeatureName {
  uint64_t bit;
  const char* llvmName;
};
inline constexpr CpuFeatureName kCpuFeatureNames[] = {
    {kCpuSse3, "sse3"},         {kCpuSsse3, "ssse3"},       {kCpuSse41, "sse4.1"},      {kCpuSse42, "sse4.2"},
    {kCpuPopcnt, "popcnt"},     {kCpuAvx, "avx"},           {kCpuAvx2, "avx2"},         {kCpuBmi1, "bmi"},
    {kCpuBmi2, "bmi2"},         {kCpuLzcnt, "lzcnt"},       {kCpuFma, "fma"},           {kCpuF16c, "f16c"},
    {kCpuMovbe, "movbe"},       {kCpuAvx512f, "avx512f"},   {kCpuAvx512bw, "avx512bw"}, {kCpuAvx512dq, "avx512dq"},
    {kCpuAvx512vl, "avx512vl"},
};

} // namespace wasmc::abi
