#include "runtime/CpuFeatures.h"

#include "runtime/Abi.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace wasmc::rt {

uint64_t hostCpuFeatures() {
  uint64_t bits = 0;
#if defined(__x86_64__)
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
    return 0;
  auto set = [&](bool present, uint64_t bit) {
    if (present)
      bits |= bit;
  };
  set(ecx & bit_SSE3, abi::kCpuSse3);
  set(ecx & bit_SSSE3, abi::kCpuSsse3);
  set(ecx & bit_SSE4_1, abi::kCpuSse41);
  set(ecx & bit_SSE4_2, abi::kCpuSse42);
  set(ecx & bit_POPCNT, abi::kCpuPopcnt);
  set(ecx & bit_MOVBE, abi::kCpuMovbe);
  set(ecx & bit_F16C, abi::kCpuF16c);
  // AVX needs the OS to save the YMM state (OSXSAVE + XCR0 bits 1 and 2).
  bool osYmm = false;
  bool osZmm = false;
  if ((ecx & bit_OSXSAVE) && (ecx & bit_AVX)) {
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    osYmm = (lo & 0x6) == 0x6;
    osZmm = (lo & 0xE6) == 0xE6;
  }
  set(osYmm, abi::kCpuAvx);
  set(osYmm && (ecx & bit_FMA), abi::kCpuFma);
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
    set(osYmm && (ebx & bit_AVX2), abi::kCpuAvx2);
    set(ebx & bit_BMI, abi::kCpuBmi1);
    set(ebx & bit_BMI2, abi::kCpuBmi2);
    set(osZmm && (ebx & bit_AVX512F), abi::kCpuAvx512f);
    set(osZmm && (ebx & bit_AVX512BW), abi::kCpuAvx512bw);
    set(osZmm && (ebx & bit_AVX512DQ), abi::kCpuAvx512dq);
    set(osZmm && (ebx & bit_AVX512VL), abi::kCpuAvx512vl);
  }
  if (__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx))
    set(ecx & bit_LZCNT, abi::kCpuLzcnt);
#endif
  return bits;
}

} // namespace wasmc::rt
