// WARNING: this file is what keeps guest memory accesses inside the sandbox.
// Rules for changing it:
//  - The effective address is computed in 64 bits: zext(i32 address) +
//    zext(u32 offset). A 32-bit add would wrap and turn an out-of-bounds
//    access into an in-bounds one.
//  - Guard pages: every memory reserves abi::kMemoryReservation bytes (8 GiB
//    + 64 KiB), of which only the current size is accessible. The largest
//    effective address, 0xFFFFFFFF + 0xFFFFFFFF, plus a 16-byte access stays
//    inside that reservation, so no explicit check is needed: an access past
//    the size faults on a PROT_NONE page and the signal handler turns it into
//    "out of bounds memory access".
//  - Any change needs a test in test/unit or test/regress that shows an
//    access just past the bounds still traps, at -O0 and -O3.

#include "compiler/codegen/BoundsCheck.h"

#include "compiler/codegen/FunctionContext.h"

namespace wasmc::codegen {

using namespace llvm;

Value* memoryAccessAddress(FunctionContext& fc, Value* address, uint64_t offset, uint32_t size) {
  (void)size; // guard pages cover any size up to 16 bytes
  Value* index = fc.b.CreateZExt(address, fc.i64());
  if (offset != 0)
    index = fc.b.CreateAdd(index, fc.constI64(offset), "", /*HasNUW=*/true, /*HasNSW=*/true);
  return fc.b.CreateInBoundsGEP(fc.i8(), fc.memoryBase, index);
}

} // namespace wasmc::codegen
