#pragma once
// Writing a whole buffer to a file descriptor: write(2) may write less than
// asked, or be interrupted by a signal (ours: tier-up and deadline
// threads signal wasm threads), and every caller must loop the same way.

#include <cstdint>
#include <span>

namespace wasmc::rt {

/// Writes all of `bytes` at the file position. False on an error other
/// than EINTR (errno says which), or if the file takes no more bytes.
bool writeAll(int fd, std::span<const uint8_t> bytes);

/// Writes all of `bytes` at `offset` (pwrite: the file position stays).
bool writeAllAt(int fd, std::span<const uint8_t> bytes, uint64_t offset);

} // namespace wasmc::rt
