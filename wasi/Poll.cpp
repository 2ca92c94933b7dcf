// poll_oneoff: clock subscriptions (relative or absolute, on any WASI clock)
// and fd read/write readiness, answered with one ppoll. Regular files are
// always ready, as POSIX says.

#include "wasi/HostCall.h"
#include "wasi/HostUtil.h"
#include "wasi/Wasi.h"

#include <cerrno>
#include <climits>
#include <poll.h>
#include <sys/ioctl.h>
#include <vector>

namespace wasmc::wasi {

namespace {

/// Subscriptions per call. Host memory for a call is proportional to the
/// count, so larger requests are refused with EINVAL (as poll(2) refuses
/// more fds than RLIMIT_NOFILE).
constexpr uint32_t kMaxSubscriptions = 1u << 16;

struct ClockWait {
  uint32_t index; // subscription index
  clockid_t clock;
  uint64_t deadline; // absolute, in ns on `clock`
};

struct FdWait {
  uint32_t index;
  EventType type;
};

uint64_t nowOn(clockid_t clock) {
  struct timespec now;
  if (::clock_gettime(clock, &now) != 0)
    return 0;
  return nanoseconds(now);
}

class EventWriter {
public:
  EventWriter(std::span<uint8_t> out, std::span<const uint8_t> subs) : out_(out), subs_(subs) {}

  void add(uint32_t index, EventType type, Errno error, uint64_t nbytes = 0, uint16_t flags = 0) {
    Record<layout::kEventSize> event;
    uint64_t userdata;
    std::memcpy(&userdata, subs_.data() + size_t(index) * layout::kSubscriptionSize, 8);
    event.put<uint64_t>(0, userdata);
    event.put<uint16_t>(8, static_cast<uint16_t>(error));
    event.put<uint8_t>(10, static_cast<uint8_t>(type));
    event.put<uint64_t>(16, nbytes);
    event.put<uint16_t>(24, flags);
    std::memcpy(out_.data() + size_t(count_) * layout::kEventSize, event.bytes, layout::kEventSize);
    ++count_;
  }
  uint32_t count() const { return count_; }

private:
  std::span<uint8_t> out_;
  std::span<const uint8_t> subs_;
  uint32_t count_ = 0; // at most one event per subscription, so out_ has room
};

template <class T> T field(std::span<const uint8_t> subs, uint32_t index, uint32_t offset) {
  T value;
  std::memcpy(&value, subs.data() + size_t(index) * layout::kSubscriptionSize + offset,
              sizeof value);
  return value;
}

} // namespace

Outcome pollOneoff(WasiCtx& ctx, const HostArgs& a) {
  uint32_t count = a.u32(2);
  if (count == 0 || count > kMaxSubscriptions)
    return Errno::Inval;
  const GuestMemory& memory = ctx.memory();
  std::span<uint8_t> subs =
      WASMC_WASI_TRY(memory.array(a.u32(0), count, layout::kSubscriptionSize));
  std::span<uint8_t> out = WASMC_WASI_TRY(memory.array(a.u32(1), count, layout::kEventSize));
  uint32_t neventsPtr = a.u32(3);
  WASMC_WASI_TRY(memory.bytes(neventsPtr, 4));

  // Subscriptions are read once, up front: the guest's memory may overlap
  // the output array.
  std::vector<uint8_t> subsCopy(subs.begin(), subs.end());
  std::span<const uint8_t> in(subsCopy);
  EventWriter events(out, in);
  std::vector<ClockWait> clocks;
  std::vector<FdWait> waits;
  std::vector<struct pollfd> pollfds;

  for (uint32_t i = 0; i < count; ++i) {
    auto type = static_cast<EventType>(field<uint8_t>(in, i, 8));
    switch (type) {
    case EventType::Clock: {
      ErrnoOr<clockid_t> clock = hostClock(field<uint32_t>(in, i, layout::kSubClockId));
      if (!clock) {
        events.add(i, type, clock.error());
        break;
      }
      uint64_t timeout = field<uint64_t>(in, i, layout::kSubClockTimeout);
      bool absolute = field<uint16_t>(in, i, layout::kSubClockFlags) & kSubclockAbstime;
      uint64_t now = nowOn(*clock);
      uint64_t remaining = absolute ? (timeout > now ? timeout - now : 0) : timeout;
      // A sleeping guest uses no CPU, so CPU-time deadlines are waited for
      // in monotonic time.
      clockid_t waitClock = *clock == CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
      uint64_t start = waitClock == *clock ? now : nowOn(waitClock);
      uint64_t deadline = remaining > UINT64_MAX - start ? UINT64_MAX : start + remaining;
      clocks.push_back({i, waitClock, deadline});
      break;
    }
    case EventType::FdRead:
    case EventType::FdWrite: {
      ErrnoOr<FdEntry*> entry =
          ctx.fds().get(field<uint32_t>(in, i, layout::kSubFd), right::PollFdReadwrite);
      if (!entry) {
        events.add(i, type, entry.error());
        break;
      }
      FdEntry* fd = *entry;
      if (fd->type == Filetype::RegularFile) {
        uint64_t available = 0;
        if (type == EventType::FdRead) {
          struct stat info;
          off_t position = ::lseek(fd->hostFd, 0, SEEK_CUR);
          if (::fstat(fd->hostFd, &info) == 0 && position >= 0 && info.st_size > position)
            available = static_cast<uint64_t>(info.st_size - position);
        }
        events.add(i, type, Errno::Success, available);
        break;
      }
      short wanted = type == EventType::FdRead ? POLLIN : POLLOUT;
      pollfds.push_back({fd->hostFd, wanted, 0});
      waits.push_back({i, type});
      break;
    }
    default: events.add(i, type, Errno::Inval); break;
    }
  }

  // Wait for the first fd or the earliest deadline; not at all if something
  // is already ready. Interrupted waits resume with the remaining time.
  while (true) {
    bool haveTimeout = events.count() > 0 || !clocks.empty();
    uint64_t wait = UINT64_MAX;
    if (events.count() > 0) {
      wait = 0;
    } else {
      for (const ClockWait& c : clocks) {
        uint64_t now = nowOn(c.clock);
        wait = std::min(wait, c.deadline > now ? c.deadline - now : 0);
      }
    }
    // A store can be interrupted while its guest waits: wake now and then
    // to look (WasiCtx::watchInterrupts).
    constexpr uint64_t kSlice = uint64_t(WasiCtx::kInterruptPollMs) * 1'000'000;
    bool sliced = wait > kSlice;
    if (sliced) {
      wait = kSlice;
      haveTimeout = true;
    }
    struct timespec timeout;
    timeout.tv_sec = static_cast<time_t>(std::min<uint64_t>(wait / 1'000'000'000ull, INT32_MAX));
    timeout.tv_nsec = static_cast<long>(wait % 1'000'000'000ull);
    int ready = ::ppoll(pollfds.data(), pollfds.size(), haveTimeout ? &timeout : nullptr, nullptr);
    if (ctx.interrupted())
      return Outcome::trap(abi::TrapCode::Interrupt);
    if (ready < 0) {
      if (errno == EINTR)
        continue;
      return errnoFromHost(errno);
    }
    if (ready == 0 && sliced)
      continue;
    for (size_t k = 0; k < pollfds.size(); ++k) {
      short revents = pollfds[k].revents;
      if (revents == 0)
        continue;
      Errno error = Errno::Success;
      if (revents & POLLNVAL)
        error = Errno::Badf;
      uint64_t nbytes = 0;
      if (waits[k].type == EventType::FdRead && !(revents & POLLNVAL)) {
        int available = 0;
        if (::ioctl(pollfds[k].fd, FIONREAD, &available) == 0 && available > 0)
          nbytes = static_cast<uint64_t>(available);
      }
      uint16_t flags = (revents & POLLHUP) ? kEventFdReadwriteHangup : 0;
      events.add(waits[k].index, waits[k].type, error, nbytes, flags);
    }
    for (const ClockWait& c : clocks)
      if (nowOn(c.clock) >= c.deadline)
        events.add(c.index, EventType::Clock, Errno::Success);
    if (events.count() > 0 || (!haveTimeout && ready > 0))
      break;
  }
  return memory.write<uint32_t>(neventsPtr, events.count());
}

} // namespace wasmc::wasi
