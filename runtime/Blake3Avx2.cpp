// BLAKE3's 8-lane compressions, in a file of their own so that only
// they are compiled for AVX2 (runtime/Blake3Rounds.h).

#include "runtime/Blake3Rounds.h"

namespace wasmc::rt::blake3_detail {

void hashLanes8(const uint32_t* key, const ManyJob& job, size_t first, uint32_t* out) {
  hashLanes<8, uint32_t __attribute__((ext_vector_type(8)))>(key, job, first, out);
}

} // namespace wasmc::rt::blake3_detail
