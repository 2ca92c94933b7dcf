// BLAKE3's 16-lane compressions, in a file of their own so that only
// they are compiled for AVX-512 (runtime/Blake3Rounds.h).

#include "runtime/Blake3Rounds.h"

namespace wasmc::rt::blake3_detail {

void hashLanes16(const uint32_t* key, const ManyJob& job, size_t first, uint32_t* out) {
  hashLanes<16, uint32_t __attribute__((ext_vector_type(16)))>(key, job, first, out);
}

} // namespace wasmc::rt::blake3_detail
