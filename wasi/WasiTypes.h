#pragma once
// wasi_snapshot_preview1 types as the guest sees them: flag and enum values
// and the byte offsets of the structures host functions read and write in
// guest memory (little-endian, wasm32 layout).

#include <cstdint>

namespace wasmc::wasi {

using Rights = uint64_t;

namespace right {
inline constexpr Rights FdDatasync = 1ull << 0;
inline constexpr Rights FdRead = 1ull << 1;
inline constexpr Rights FdSeek = 1ull << 2;
inline constexpr Rights FdFdstatSetFlags = 1ull << 3;
inline constexpr Rights FdSync = 1ull << 4;
inline constexpr Rights FdTell = 1ull << 5;
inline constexpr Rights FdWrite = 1ull << 6;
inline constexpr Rights FdAdvise = 1ull << 7;
inline constexpr Rights FdAllocate = 1ull << 8;
inline constexpr Rights PathCreateDirectory = 1ull << 9;
inline constexpr Rights PathCreateFile = 1ull << 10;
inline constexpr Rights PathLinkSource = 1ull << 11;
inline constexpr Rights PathLinkTarget = 1ull << 12;
inline constexpr Rights PathOpen = 1ull << 13;
inline constexpr Rights FdReaddir = 1ull << 14;
inline constexpr Rights PathReadlink = 1ull << 15;
inline constexpr Rights PathRenameSource = 1ull << 16;
inline constexpr Rights PathRenameTarget = 1ull << 17;
inline constexpr Rights PathFilestatGet = 1ull << 18;
inline constexpr Rights PathFilestatSetSize = 1ull << 19;
inline constexpr Rights PathFilestatSetTimes = 1ull << 20;
inline constexpr Rights FdFilestatGet = 1ull << 21;
inline constexpr Rights FdFilestatSetSize = 1ull << 22;
inline constexpr Rights FdFilestatSetTimes = 1ull << 23;
inline constexpr Rights PathSymlink = 1ull << 24;
inline constexpr Rights PathRemoveDirectory = 1ull << 25;
inline constexpr Rights PathUnlinkFile = 1ull << 26;
inline constexpr Rights PollFdReadwrite = 1ull << 27;
inline constexpr Rights SockShutdown = 1ull << 28;
inline constexpr Rights SockAccept = 1ull << 29;
inline constexpr Rights All = (1ull << 30) - 1;

/// The most a regular file descriptor can hold.
inline constexpr Rights RegularFile = FdDatasync | FdRead | FdSeek | FdFdstatSetFlags | FdSync |
                                      FdTell | FdWrite | FdAdvise | FdAllocate | FdFilestatGet |
                                      FdFilestatSetSize | FdFilestatSetTimes | PollFdReadwrite;
/// The most a directory descriptor can hold as base rights.
inline constexpr Rights Directory =
    FdFdstatSetFlags | FdSync | FdAdvise | PathCreateDirectory | PathCreateFile | PathLinkSource |
    PathLinkTarget | PathOpen | FdReaddir | PathReadlink | PathRenameSource | PathRenameTarget |
    PathFilestatGet | PathFilestatSetSize | PathFilestatSetTimes | FdFilestatGet |
    FdFilestatSetTimes | PathSymlink | PathRemoveDirectory | PathUnlinkFile | PollFdReadwrite;
/// What a directory can pass on to descriptors opened beneath it.
inline constexpr Rights DirectoryInheriting = Directory | RegularFile;
/// Terminals: no seek or tell, so wasi-libc's isatty() recognises them.
inline constexpr Rights Tty = FdRead | FdFdstatSetFlags | FdWrite | FdFilestatGet | PollFdReadwrite;
/// Pipes, character devices that are not terminals, and other streams.
inline constexpr Rights Stream = FdRead | FdFdstatSetFlags | FdWrite | FdFilestatGet |
                                 PollFdReadwrite | FdSync | FdDatasync | FdAdvise;
inline constexpr Rights Socket = FdRead | FdFdstatSetFlags | FdWrite | FdFilestatGet |
                                 PollFdReadwrite | SockShutdown | SockAccept;
/// Everything that changes a file or a directory: what a read-only preopen
/// (and every descriptor opened beneath it) lacks.
inline constexpr Rights Modify = FdDatasync | FdWrite | FdAllocate | FdFilestatSetSize | FdFilestatSetTimes |
                                 PathCreateDirectory | PathCreateFile | PathLinkSource | PathLinkTarget |
                                 PathRenameSource | PathRenameTarget | PathFilestatSetSize |
                                 PathFilestatSetTimes | PathSymlink | PathRemoveDirectory | PathUnlinkFile;
/// Rights whose presence makes path_open ask the host for write access.
inline constexpr Rights WriteAccess = FdDatasync | FdWrite | FdAllocate | FdFilestatSetSize;
inline constexpr Rights ReadAccess = FdRead | FdReaddir;
} // namespace right

enum class Filetype : uint8_t {
  Unknown = 0,
  BlockDevice = 1,
  CharacterDevice = 2,
  Directory = 3,
  RegularFile = 4,
  SocketDgram = 5,
  SocketStream = 6,
  SymbolicLink = 7,
};

namespace fdflag {
inline constexpr uint16_t Append = 1;
inline constexpr uint16_t Dsync = 2;
inline constexpr uint16_t Nonblock = 4;
inline constexpr uint16_t Rsync = 8;
inline constexpr uint16_t Sync = 16;
inline constexpr uint16_t All = 31;
} // namespace fdflag

namespace oflag {
inline constexpr uint16_t Creat = 1;
inline constexpr uint16_t Directory = 2;
inline constexpr uint16_t Excl = 4;
inline constexpr uint16_t Trunc = 8;
inline constexpr uint16_t All = 15;
} // namespace oflag

inline constexpr uint32_t kLookupSymlinkFollow = 1;

namespace fstflag {
inline constexpr uint16_t Atim = 1;
inline constexpr uint16_t AtimNow = 2;
inline constexpr uint16_t Mtim = 4;
inline constexpr uint16_t MtimNow = 8;
inline constexpr uint16_t All = 15;
} // namespace fstflag

enum class Whence : uint8_t { Set = 0, Cur = 1, End = 2 };
enum class ClockId : uint32_t {
  Realtime = 0,
  Monotonic = 1,
  ProcessCputime = 2,
  ThreadCputime = 3
};
enum class Advice : uint8_t { Normal = 0, Sequential, Random, WillNeed, DontNeed, NoReuse };
enum class EventType : uint8_t { Clock = 0, FdRead = 1, FdWrite = 2 };

inline constexpr uint16_t kEventFdReadwriteHangup = 1;
inline constexpr uint16_t kSubclockAbstime = 1;
inline constexpr uint16_t kRecvPeek = 1;
inline constexpr uint16_t kRecvWaitall = 2;
inline constexpr uint16_t kRecvDataTruncated = 1;
inline constexpr uint8_t kShutdownRd = 1;
inline constexpr uint8_t kShutdownWr = 2;
inline constexpr uint16_t kSockNonblock = fdflag::Nonblock;
inline constexpr uint8_t kPreopenTypeDir = 0;

/// Structure sizes and field offsets in guest memory.
namespace layout {
inline constexpr uint32_t kIovecSize = 8; // buf u32 @0, buf_len u32 @4

inline constexpr uint32_t kFdstatSize = 24;
inline constexpr uint32_t kFdstatFiletype = 0;   // u8
inline constexpr uint32_t kFdstatFlags = 2;      // u16
inline constexpr uint32_t kFdstatRightsBase = 8; // u64
inline constexpr uint32_t kFdstatRightsInheriting = 16;

inline constexpr uint32_t kFilestatSize = 64; // dev @0, ino @8, filetype u8 @16, nlink @24,
                                              // size @32, atim @40, mtim @48, ctim @56

inline constexpr uint32_t kDirentSize = 24; // d_next @0, d_ino @8, d_namlen u32 @16, d_type u8 @20

inline constexpr uint32_t kPrestatSize = 8; // tag u8 @0, pr_name_len u32 @4

inline constexpr uint32_t kSubscriptionSize = 48; // userdata @0, tag u8 @8, union @16
inline constexpr uint32_t kSubClockId = 16;       // u32
inline constexpr uint32_t kSubClockTimeout = 24;  // u64
inline constexpr uint32_t kSubClockPrecision = 32;
inline constexpr uint32_t kSubClockFlags = 40; // u16
inline constexpr uint32_t kSubFd = 16;         // u32

inline constexpr uint32_t kEventSize = 32; // userdata @0, error u16 @8, type u8 @10,
                                           // nbytes u64 @16, flags u16 @24
} // namespace layout

} // namespace wasmc::wasi
