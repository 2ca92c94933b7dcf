#pragma once
// The host CPU's features as abi::CpuFeature bits, read with cpuid (no LLVM),
// so a loader can refuse code compiled for instructions this CPU lacks.

#include <cstdint>

namespace wasmc::rt {

/// abi::CpuFeature bits this CPU (and OS, for AVX state) supports.
uint64_t hostCpuFeatures();

} // namespace wasmc::rt
