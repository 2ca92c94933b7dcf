/* wasi-shim.c: wasi_snapshot_preview1 for wasm2c 1.0.32 executables (see
 * wasi-shim.h for the calling convention).
 *
 * Implemented: args_*, environ_*, clock_res_get, clock_time_get, fd_advise,
 * fd_allocate, fd_close, fd_datasync, fd_fdstat_get, fd_fdstat_set_flags,
 * fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times, fd_pread,
 * fd_prestat_get, fd_prestat_dir_name, fd_pwrite, fd_read, fd_readdir,
 * fd_renumber, fd_seek, fd_sync, fd_tell, fd_write, path_create_directory,
 * path_filestat_get, path_filestat_set_times, path_link, path_open,
 * path_readlink, path_remove_directory, path_rename, path_symlink,
 * path_unlink_file, poll_oneoff (clock and fd subscriptions), proc_exit,
 * random_get, sched_yield.
 * Return ENOSYS (52): fd_fdstat_set_rights, proc_raise, sock_accept,
 * sock_recv, sock_send, sock_shutdown.
 *
 * Layouts and constants follow the wasi_snapshot_preview1 witx (wasm32,
 * little-endian); guest structs are read and written byte-wise with memcpy.
 * Rights are not tracked: fdstat reports every right (except seek/tell on a
 * terminal, so that wasi-libc's isatty() works).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* before guest.h, which build-wasm2c.sh may -include */
#endif
#include "wasi-shim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

typedef struct Z_wasi_snapshot_preview1_instance_t Wasi;

#define WASI_FN(name) Z_wasi_snapshot_preview1Z_##name

/* ---- preview1 constants ------------------------------------------------ */

/* errno, in witx order (0..76). */
enum {
  E_SUCCESS, E_2BIG, E_ACCES, E_ADDRINUSE, E_ADDRNOTAVAIL, E_AFNOSUPPORT, E_AGAIN, E_ALREADY,
  E_BADF, E_BADMSG, E_BUSY, E_CANCELED, E_CHILD, E_CONNABORTED, E_CONNREFUSED, E_CONNRESET,
  E_DEADLK, E_DESTADDRREQ, E_DOM, E_DQUOT, E_EXIST, E_FAULT, E_FBIG, E_HOSTUNREACH, E_IDRM,
  E_ILSEQ, E_INPROGRESS, E_INTR, E_INVAL, E_IO, E_ISCONN, E_ISDIR, E_LOOP, E_MFILE, E_MLINK,
  E_MSGSIZE, E_MULTIHOP, E_NAMETOOLONG, E_NETDOWN, E_NETRESET, E_NETUNREACH, E_NFILE, E_NOBUFS,
  E_NODEV, E_NOENT, E_NOEXEC, E_NOLCK, E_NOLINK, E_NOMEM, E_NOMSG, E_NOPROTOOPT, E_NOSPC,
  E_NOSYS, E_NOTCONN, E_NOTDIR, E_NOTEMPTY, E_NOTRECOVERABLE, E_NOTSOCK, E_NOTSUP, E_NOTTY,
  E_NXIO, E_OVERFLOW, E_OWNERDEAD, E_PERM, E_PIPE, E_PROTO, E_PROTONOSUPPORT, E_PROTOTYPE,
  E_RANGE, E_ROFS, E_SPIPE, E_SRCH, E_STALE, E_TIMEDOUT, E_TXTBSY, E_XDEV, E_NOTCAPABLE,
};
_Static_assert(E_BADF == 8 && E_FAULT == 21 && E_INVAL == 28 && E_NOENT == 44, "errno numbering");
_Static_assert(E_NOSYS == 52 && E_SPIPE == 70 && E_NOTCAPABLE == 76, "errno numbering");

enum { FT_UNKNOWN, FT_BLOCK_DEVICE, FT_CHARACTER_DEVICE, FT_DIRECTORY, FT_REGULAR_FILE,
       FT_SOCKET_DGRAM, FT_SOCKET_STREAM, FT_SYMBOLIC_LINK };

#define FDFLAG_APPEND 1u
#define FDFLAG_DSYNC 2u
#define FDFLAG_NONBLOCK 4u
#define FDFLAG_RSYNC 8u
#define FDFLAG_SYNC 16u

#define OFLAG_CREAT 1u
#define OFLAG_DIRECTORY 2u
#define OFLAG_EXCL 4u
#define OFLAG_TRUNC 8u

#define LOOKUP_SYMLINK_FOLLOW 1u

#define FSTFLAG_ATIM 1u
#define FSTFLAG_ATIM_NOW 2u
#define FSTFLAG_MTIM 4u
#define FSTFLAG_MTIM_NOW 8u

#define RIGHT_FD_READ (1ull << 1)
#define RIGHT_FD_SEEK (1ull << 2)
#define RIGHT_FD_TELL (1ull << 5)
#define RIGHT_FD_WRITE (1ull << 6)
#define RIGHT_FD_ALLOCATE (1ull << 8)
#define RIGHT_FD_READDIR (1ull << 14)
#define RIGHT_FD_FILESTAT_SET_SIZE (1ull << 22)
#define RIGHTS_ALL ((1ull << 30) - 1) /* fd_datasync (bit 0) .. sock_accept (bit 29) */

enum { EVENT_CLOCK, EVENT_FD_READ, EVENT_FD_WRITE };
#define SUBCLOCK_ABSTIME 1u
#define EVENTRW_HANGUP 1u

/* Struct sizes (wasm32). */
#define SIZEOF_IOVEC 8u
#define SIZEOF_FDSTAT 24u
#define SIZEOF_FILESTAT 64u
#define SIZEOF_PRESTAT 8u
#define SIZEOF_DIRENT 24u
#define SIZEOF_SUBSCRIPTION 48u
#define SIZEOF_EVENT 32u

/* ---- the fd table ------------------------------------------------------- */

struct wasi_shim_fd {
  bool used;
  int host;           /* host fd */
  char* preopen_name; /* non-NULL for a preopened directory */
  DIR* dir;           /* fd_readdir's stream, opened on first use */
};

static struct wasi_shim_fd* fd_get(Wasi* w, uint32_t fd) {
  if (fd >= w->fd_count || !w->fds[fd].used)
    return NULL;
  return &w->fds[fd];
}

/* The lowest free guest fd, growing the table if needed; UINT32_MAX if out of memory. */
static uint32_t fd_alloc(Wasi* w) {
  for (uint32_t i = 0; i < w->fd_count; ++i)
    if (!w->fds[i].used)
      return i;
  uint32_t n = w->fd_count ? w->fd_count * 2 : 8;
  struct wasi_shim_fd* grown = realloc(w->fds, n * sizeof *grown);
  if (!grown)
    return UINT32_MAX;
  memset(grown + w->fd_count, 0, (n - w->fd_count) * sizeof *grown);
  uint32_t first = w->fd_count;
  w->fds = grown;
  w->fd_count = n;
  return first;
}

static void fd_release(struct wasi_shim_fd* e, bool close_host) {
  if (e->dir)
    closedir(e->dir); /* owns a dup of host */
  if (close_host)
    close(e->host);
  free(e->preopen_name);
  memset(e, 0, sizeof *e);
}

/* ---- guest memory -------------------------------------------------------- */

/* A host pointer to guest bytes [ptr, ptr+len), or NULL if out of bounds. */
static uint8_t* gmem(Wasi* w, uint32_t ptr, uint64_t len) {
  if (!w->memory || (uint64_t)ptr + len > (uint64_t)w->memory->size)
    return NULL;
  return w->memory->data + ptr;
}

static void put_u8(uint8_t* p, uint8_t v) { *p = v; }
static void put_u16(uint8_t* p, uint16_t v) { memcpy(p, &v, 2); }
static void put_u32(uint8_t* p, uint32_t v) { memcpy(p, &v, 4); }
static void put_u64(uint8_t* p, uint64_t v) { memcpy(p, &v, 8); }
static uint16_t get_u16(const uint8_t* p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get_u32(const uint8_t* p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get_u64(const uint8_t* p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Stores a u32 / u64 result at a guest address. */
static uint32_t store_u32(Wasi* w, uint32_t ptr, uint32_t v) {
  uint8_t* p = gmem(w, ptr, 4);
  if (!p)
    return E_FAULT;
  put_u32(p, v);
  return E_SUCCESS;
}
static uint32_t store_u64(Wasi* w, uint32_t ptr, uint64_t v) {
  uint8_t* p = gmem(w, ptr, 8);
  if (!p)
    return E_FAULT;
  put_u64(p, v);
  return E_SUCCESS;
}

/* ---- host errno -> wasi errno -------------------------------------------- */

static uint32_t from_errno(int e) {
  switch (e) {
  case 0: return E_SUCCESS;
  case E2BIG: return E_2BIG;
  case EACCES: return E_ACCES;
  case EADDRINUSE: return E_ADDRINUSE;
  case EADDRNOTAVAIL: return E_ADDRNOTAVAIL;
  case EAFNOSUPPORT: return E_AFNOSUPPORT;
  case EAGAIN: return E_AGAIN; /* == EWOULDBLOCK */
  case EALREADY: return E_ALREADY;
  case EBADF: return E_BADF;
  case EBADMSG: return E_BADMSG;
  case EBUSY: return E_BUSY;
  case ECANCELED: return E_CANCELED;
  case ECHILD: return E_CHILD;
  case ECONNABORTED: return E_CONNABORTED;
  case ECONNREFUSED: return E_CONNREFUSED;
  case ECONNRESET: return E_CONNRESET;
  case EDEADLK: return E_DEADLK;
  case EDESTADDRREQ: return E_DESTADDRREQ;
  case EDOM: return E_DOM;
  case EDQUOT: return E_DQUOT;
  case EEXIST: return E_EXIST;
  case EFAULT: return E_FAULT;
  case EFBIG: return E_FBIG;
  case EHOSTUNREACH: return E_HOSTUNREACH;
  case EIDRM: return E_IDRM;
  case EILSEQ: return E_ILSEQ;
  case EINPROGRESS: return E_INPROGRESS;
  case EINTR: return E_INTR;
  case EINVAL: return E_INVAL;
  case EIO: return E_IO;
  case EISCONN: return E_ISCONN;
  case EISDIR: return E_ISDIR;
  case ELOOP: return E_LOOP;
  case EMFILE: return E_MFILE;
  case EMLINK: return E_MLINK;
  case EMSGSIZE: return E_MSGSIZE;
  case EMULTIHOP: return E_MULTIHOP;
  case ENAMETOOLONG: return E_NAMETOOLONG;
  case ENETDOWN: return E_NETDOWN;
  case ENETRESET: return E_NETRESET;
  case ENETUNREACH: return E_NETUNREACH;
  case ENFILE: return E_NFILE;
  case ENOBUFS: return E_NOBUFS;
  case ENODEV: return E_NODEV;
  case ENOENT: return E_NOENT;
  case ENOEXEC: return E_NOEXEC;
  case ENOLCK: return E_NOLCK;
  case ENOLINK: return E_NOLINK;
  case ENOMEM: return E_NOMEM;
  case ENOMSG: return E_NOMSG;
  case ENOPROTOOPT: return E_NOPROTOOPT;
  case ENOSPC: return E_NOSPC;
  case ENOSYS: return E_NOSYS;
  case ENOTCONN: return E_NOTCONN;
  case ENOTDIR: return E_NOTDIR;
  case ENOTEMPTY: return E_NOTEMPTY;
  case ENOTRECOVERABLE: return E_NOTRECOVERABLE;
  case ENOTSOCK: return E_NOTSOCK;
  case ENOTSUP: return E_NOTSUP; /* == EOPNOTSUPP */
  case ENOTTY: return E_NOTTY;
  case ENXIO: return E_NXIO;
  case EOVERFLOW: return E_OVERFLOW;
  case EOWNERDEAD: return E_OWNERDEAD;
  case EPERM: return E_PERM;
  case EPIPE: return E_PIPE;
  case EPROTO: return E_PROTO;
  case EPROTONOSUPPORT: return E_PROTONOSUPPORT;
  case EPROTOTYPE: return E_PROTOTYPE;
  case ERANGE: return E_RANGE;
  case EROFS: return E_ROFS;
  case ESPIPE: return E_SPIPE;
  case ESRCH: return E_SRCH;
  case ESTALE: return E_STALE;
  case ETIMEDOUT: return E_TIMEDOUT;
  case ETXTBSY: return E_TXTBSY;
  case EXDEV: return E_XDEV;
  default: return E_IO;
  }
}

/* For path operations: openat2 reports an escape from the preopen with EXDEV. */
static uint32_t from_path_errno(int e) { return e == EXDEV ? E_NOTCAPABLE : from_errno(e); }

/* ---- file types and stat ------------------------------------------------- */

static uint8_t filetype_of_mode(int host_fd, mode_t mode) {
  if (S_ISREG(mode)) return FT_REGULAR_FILE;
  if (S_ISDIR(mode)) return FT_DIRECTORY;
  if (S_ISCHR(mode)) return FT_CHARACTER_DEVICE;
  if (S_ISBLK(mode)) return FT_BLOCK_DEVICE;
  if (S_ISLNK(mode)) return FT_SYMBOLIC_LINK;
  if (S_ISSOCK(mode)) {
    int type = 0;
    socklen_t len = sizeof type;
    if (host_fd >= 0 && getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM)
      return FT_SOCKET_DGRAM;
    return FT_SOCKET_STREAM;
  }
  return FT_UNKNOWN; /* FIFOs and anything else */
}

static uint64_t ts_ns(struct timespec ts) { return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec; }

static void put_filestat(uint8_t* p, int host_fd, const struct stat* st) {
  memset(p, 0, SIZEOF_FILESTAT);
  put_u64(p + 0, (uint64_t)st->st_dev);
  put_u64(p + 8, (uint64_t)st->st_ino);
  put_u8(p + 16, filetype_of_mode(host_fd, st->st_mode));
  put_u64(p + 24, (uint64_t)st->st_nlink);
  put_u64(p + 32, (uint64_t)st->st_size);
  put_u64(p + 40, ts_ns(st->st_atim));
  put_u64(p + 48, ts_ns(st->st_mtim));
  put_u64(p + 56, ts_ns(st->st_ctim));
}

/* ---- paths ---------------------------------------------------------------- */

/* A NUL-terminated copy of a guest path (caller frees), or a wasi errno. */
static uint32_t guest_path(Wasi* w, uint32_t ptr, uint32_t len, char** out) {
  uint8_t* p = gmem(w, ptr, len);
  if (!p)
    return E_FAULT;
  if (memchr(p, 0, len))
    return E_ILSEQ; /* an embedded NUL cannot name a host path */
  char* s = malloc((size_t)len + 1);
  if (!s)
    return E_NOMEM;
  memcpy(s, p, len);
  s[len] = 0;
  *out = s;
  return E_SUCCESS;
}

/* True if `path` is absolute or its ".." components climb above its start. */
static bool lexically_escapes(const char* path) {
  if (path[0] == '/')
    return true;
  long depth = 0;
  const char* s = path;
  while (*s) {
    const char* e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n == 2 && s[0] == '.' && s[1] == '.') {
      if (--depth < 0)
        return true;
    } else if (n > 0 && !(n == 1 && s[0] == '.')) {
      ++depth;
    }
    s += n;
    while (*s == '/')
      ++s;
  }
  return false;
}

/* openat() that cannot leave `dirfd`: openat2(RESOLVE_BENEATH) where the
 * kernel has it (Linux 5.6+; escapes fail with EXDEV), else a lexical check
 * (absolute paths and climbing ".." refused; symlinks not checked). */
static int open_beneath(int dirfd, const char* path, int flags, mode_t mode) {
  static bool no_openat2 = false;
  if (!no_openat2) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)flags;
    /* openat2 rejects a mode without O_CREAT / O_TMPFILE (which includes O_DIRECTORY's bit). */
    how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;
    how.resolve = RESOLVE_BENEATH;
    long r = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
    if (r >= 0 || (errno != ENOSYS && errno != EPERM))
      return (int)r;
    no_openat2 = true; /* kernel too old or seccomp-filtered */
  }
  if (lexically_escapes(path)) {
    errno = EXDEV;
    return -1;
  }
  return openat(dirfd, path, flags, mode);
}

/* Splits `path` (modified in place) into its directory, opened beneath
 * `dirfd` as *parent (O_PATH; caller closes), and its last component *leaf.
 * A last component of ".." is refused (it would name a directory the
 * beneath-check never looked at). */
static uint32_t open_parent(int dirfd, char* path, int* parent, const char** leaf) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/')
    path[--n] = 0;
  if (n == 0)
    return E_NOENT;
  char* slash = strrchr(path, '/');
  const char* dir;
  if (!slash) {
    dir = ".";
    *leaf = path;
  } else if (slash == path) {
    return E_NOTCAPABLE; /* absolute */
  } else {
    *slash = 0;
    dir = path;
    *leaf = slash + 1;
  }
  if (strcmp(*leaf, "..") == 0)
    return E_NOTCAPABLE;
  int fd = open_beneath(dirfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0)
    return from_path_errno(errno);
  *parent = fd;
  return E_SUCCESS;
}

/* The host fd of a guest fd that must be a directory. */
static uint32_t dir_fd(Wasi* w, uint32_t fd, int* host) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  struct stat st;
  if (fstat(e->host, &st) != 0)
    return from_errno(errno);
  if (!S_ISDIR(st.st_mode))
    return E_NOTDIR;
  *host = e->host;
  return E_SUCCESS;
}

/* ---- setup ---------------------------------------------------------------- */

int wasi_shim_init(Wasi* w, int argc, char** argv, int envc, char** envp, const char* dirs, char* error,
                   size_t error_size) {
  memset(w, 0, sizeof *w);
  w->argc = argc;
  w->argv = argv;
  w->envc = envc;
  w->envp = envp;
  for (int i = 0; i < 3; ++i) {
    uint32_t fd = fd_alloc(w);
    if (fd == UINT32_MAX) {
      snprintf(error, error_size, "out of memory");
      return -1;
    }
    /* A stdio fd the host does not have stays closed for the guest too. */
    if (fcntl(i, F_GETFD) != -1) {
      w->fds[fd].used = true;
      w->fds[fd].host = i;
    }
  }
  if (!dirs)
    dirs = ".";
  const char* s = dirs;
  while (*s) {
    const char* colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    if (n > 0) {
      char* name = strndup(s, n);
      uint32_t fd = fd_alloc(w);
      if (!name || fd == UINT32_MAX) {
        free(name);
        snprintf(error, error_size, "out of memory");
        return -1;
      }
      int host = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (host < 0) {
        snprintf(error, error_size, "cannot preopen directory '%s': %s", name, strerror(errno));
        free(name);
        return -1;
      }
      w->fds[fd].used = true;
      w->fds[fd].host = host;
      w->fds[fd].preopen_name = name;
    }
    s += n;
    if (*s == ':')
      ++s;
  }
  return 0;
}

void wasi_shim_free(Wasi* w) {
  for (uint32_t i = 0; i < w->fd_count; ++i)
    if (w->fds[i].used)
      fd_release(&w->fds[i], w->fds[i].host > 2);
  free(w->fds);
  w->fds = NULL;
  w->fd_count = 0;
}

/* ---- args and environment ------------------------------------------------- */

static uint32_t sizes_get(Wasi* w, int count, char** strings, uint32_t count_ptr, uint32_t size_ptr) {
  uint64_t total = 0;
  for (int i = 0; i < count; ++i)
    total += strlen(strings[i]) + 1;
  if (total > UINT32_MAX)
    return E_OVERFLOW;
  uint32_t r = store_u32(w, count_ptr, (uint32_t)count);
  return r ? r : store_u32(w, size_ptr, (uint32_t)total);
}

static uint32_t strings_get(Wasi* w, int count, char** strings, uint32_t ptrs, uint32_t buf) {
  uint8_t* table = gmem(w, ptrs, (uint64_t)count * 4);
  if (!table)
    return E_FAULT;
  uint32_t at = buf;
  for (int i = 0; i < count; ++i) {
    size_t n = strlen(strings[i]) + 1;
    uint8_t* dst = gmem(w, at, n);
    if (!dst)
      return E_FAULT;
    memcpy(dst, strings[i], n);
    put_u32(table + 4 * i, at);
    at += (uint32_t)n;
  }
  return E_SUCCESS;
}

uint32_t WASI_FN(args_sizes_get)(Wasi* w, uint32_t argc_ptr, uint32_t size_ptr) {
  return sizes_get(w, w->argc, w->argv, argc_ptr, size_ptr);
}
uint32_t WASI_FN(args_get)(Wasi* w, uint32_t argv_ptr, uint32_t buf_ptr) {
  return strings_get(w, w->argc, w->argv, argv_ptr, buf_ptr);
}
uint32_t WASI_FN(environ_sizes_get)(Wasi* w, uint32_t count_ptr, uint32_t size_ptr) {
  return sizes_get(w, w->envc, w->envp, count_ptr, size_ptr);
}
uint32_t WASI_FN(environ_get)(Wasi* w, uint32_t environ_ptr, uint32_t buf_ptr) {
  return strings_get(w, w->envc, w->envp, environ_ptr, buf_ptr);
}

/* ---- clocks ------------------------------------------------------------------ */

static bool host_clock(uint32_t id, clockid_t* out) {
  switch (id) {
  case 0: *out = CLOCK_REALTIME; return true;
  case 1: *out = CLOCK_MONOTONIC; return true;
  case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
  case 3: *out = CLOCK_THREAD_CPUTIME_ID; return true;
  default: return false;
  }
}

uint32_t WASI_FN(clock_res_get)(Wasi* w, uint32_t id, uint32_t res_ptr) {
  clockid_t c;
  struct timespec ts;
  if (!host_clock(id, &c))
    return E_INVAL;
  if (clock_getres(c, &ts) != 0)
    return from_errno(errno);
  return store_u64(w, res_ptr, ts_ns(ts));
}

uint32_t WASI_FN(clock_time_get)(Wasi* w, uint32_t id, uint64_t precision, uint32_t time_ptr) {
  (void)precision;
  clockid_t c;
  struct timespec ts;
  if (!host_clock(id, &c))
    return E_INVAL;
  if (clock_gettime(c, &ts) != 0)
    return from_errno(errno);
  return store_u64(w, time_ptr, ts_ns(ts));
}

/* ---- fd I/O ------------------------------------------------------------------- */

/* Translates a guest iovec array into host iovecs (at most IOV_MAX: a short
 * transfer is allowed). *out is heap-allocated when large. */
static uint32_t host_iovecs(Wasi* w, uint32_t iovs, uint32_t count, struct iovec* small, size_t small_n,
                            struct iovec** out, int* out_n) {
  if (count > IOV_MAX)
    count = IOV_MAX;
  uint8_t* src = gmem(w, iovs, (uint64_t)count * SIZEOF_IOVEC);
  if (!src)
    return E_FAULT;
  struct iovec* v = small;
  if (count > small_n && !(v = malloc(count * sizeof *v)))
    return E_NOMEM;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t base = get_u32(src + i * SIZEOF_IOVEC), len = get_u32(src + i * SIZEOF_IOVEC + 4);
    uint8_t* p = gmem(w, base, len);
    if (!p) {
      if (v != small)
        free(v);
      return E_FAULT;
    }
    v[i].iov_base = p;
    v[i].iov_len = len;
  }
  *out = v;
  *out_n = (int)count;
  return E_SUCCESS;
}

enum io_kind { IO_READ, IO_WRITE, IO_PREAD, IO_PWRITE };

static uint32_t do_io(Wasi* w, enum io_kind kind, uint32_t fd, uint32_t iovs, uint32_t count, uint64_t offset,
                      uint32_t result_ptr) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  if (!gmem(w, result_ptr, 4))
    return E_FAULT;
  struct iovec small[16], *v;
  int n;
  uint32_t r = host_iovecs(w, iovs, count, small, 16, &v, &n);
  if (r)
    return r;
  ssize_t done;
  do {
    switch (kind) {
    case IO_READ: done = readv(e->host, v, n); break;
    case IO_WRITE: done = writev(e->host, v, n); break;
    case IO_PREAD: done = preadv(e->host, v, n, (off_t)offset); break;
    default: done = pwritev(e->host, v, n, (off_t)offset); break;
    }
  } while (done < 0 && errno == EINTR);
  int saved = errno;
  if (v != small)
    free(v);
  if (done < 0)
    return from_errno(saved);
  return store_u32(w, result_ptr, (uint32_t)done);
}

uint32_t WASI_FN(fd_read)(Wasi* w, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t nread_ptr) {
  return do_io(w, IO_READ, fd, iovs, count, 0, nread_ptr);
}
uint32_t WASI_FN(fd_write)(Wasi* w, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t nwritten_ptr) {
  return do_io(w, IO_WRITE, fd, iovs, count, 0, nwritten_ptr);
}
uint32_t WASI_FN(fd_pread)(Wasi* w, uint32_t fd, uint32_t iovs, uint32_t count, uint64_t offset,
                           uint32_t nread_ptr) {
  if (offset > (uint64_t)INT64_MAX)
    return E_INVAL;
  return do_io(w, IO_PREAD, fd, iovs, count, offset, nread_ptr);
}
uint32_t WASI_FN(fd_pwrite)(Wasi* w, uint32_t fd, uint32_t iovs, uint32_t count, uint64_t offset,
                            uint32_t nwritten_ptr) {
  if (offset > (uint64_t)INT64_MAX)
    return E_INVAL;
  return do_io(w, IO_PWRITE, fd, iovs, count, offset, nwritten_ptr);
}

uint32_t WASI_FN(fd_seek)(Wasi* w, uint32_t fd, uint64_t offset, uint32_t whence, uint32_t newoffset_ptr) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  if (!gmem(w, newoffset_ptr, 8))
    return E_FAULT;
  int how;
  switch (whence) {
  case 0: how = SEEK_SET; break;
  case 1: how = SEEK_CUR; break;
  case 2: how = SEEK_END; break;
  default: return E_INVAL;
  }
  off_t pos = lseek(e->host, (off_t)(int64_t)offset, how);
  if (pos < 0)
    return from_errno(errno);
  return store_u64(w, newoffset_ptr, (uint64_t)pos);
}

uint32_t WASI_FN(fd_tell)(Wasi* w, uint32_t fd, uint32_t offset_ptr) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  if (!gmem(w, offset_ptr, 8))
    return E_FAULT;
  off_t pos = lseek(e->host, 0, SEEK_CUR);
  if (pos < 0)
    return from_errno(errno);
  return store_u64(w, offset_ptr, (uint64_t)pos);
}

uint32_t WASI_FN(fd_close)(Wasi* w, uint32_t fd) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  /* The host's own stdio stays open (the runner still writes to stderr). */
  fd_release(e, e->host > 2);
  return E_SUCCESS;
}

uint32_t WASI_FN(fd_renumber)(Wasi* w, uint32_t from, uint32_t to) {
  struct wasi_shim_fd* a = fd_get(w, from);
  struct wasi_shim_fd* b = fd_get(w, to);
  if (!a || !b)
    return E_BADF;
  if (from == to)
    return E_SUCCESS;
  fd_release(b, b->host > 2);
  *b = *a;
  memset(a, 0, sizeof *a);
  return E_SUCCESS;
}

static uint32_t fd_sync_common(Wasi* w, uint32_t fd, bool data_only) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  if ((data_only ? fdatasync(e->host) : fsync(e->host)) != 0)
    return from_errno(errno);
  return E_SUCCESS;
}
uint32_t WASI_FN(fd_sync)(Wasi* w, uint32_t fd) { return fd_sync_common(w, fd, false); }
uint32_t WASI_FN(fd_datasync)(Wasi* w, uint32_t fd) { return fd_sync_common(w, fd, true); }

uint32_t WASI_FN(fd_advise)(Wasi* w, uint32_t fd, uint64_t offset, uint64_t len, uint32_t advice) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  static const int host_advice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  if (advice >= sizeof host_advice / sizeof host_advice[0] || offset > (uint64_t)INT64_MAX ||
      len > (uint64_t)INT64_MAX)
    return E_INVAL;
  int r = posix_fadvise(e->host, (off_t)offset, (off_t)len, host_advice[advice]);
  return from_errno(r); /* returns the error number itself */
}

uint32_t WASI_FN(fd_allocate)(Wasi* w, uint32_t fd, uint64_t offset, uint64_t len) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  if (offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX)
    return E_INVAL;
  return from_errno(posix_fallocate(e->host, (off_t)offset, (off_t)len));
}

/* ---- fd metadata ---------------------------------------------------------------- */

uint32_t WASI_FN(fd_fdstat_get)(Wasi* w, uint32_t fd, uint32_t stat_ptr) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  uint8_t* p = gmem(w, stat_ptr, SIZEOF_FDSTAT);
  if (!p)
    return E_FAULT;
  struct stat st;
  int fl = fcntl(e->host, F_GETFL);
  if (fstat(e->host, &st) != 0 || fl < 0)
    return from_errno(errno);
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= FDFLAG_APPEND;
  if (fl & O_NONBLOCK) flags |= FDFLAG_NONBLOCK;
  if ((fl & O_SYNC) == O_SYNC) flags |= FDFLAG_SYNC | FDFLAG_RSYNC; /* Linux: O_RSYNC == O_SYNC */
  else if (fl & O_DSYNC) flags |= FDFLAG_DSYNC;
  uint64_t rights = RIGHTS_ALL;
  if (isatty(e->host))
    rights &= ~(RIGHT_FD_SEEK | RIGHT_FD_TELL); /* what wasi-libc's isatty() looks for */
  memset(p, 0, SIZEOF_FDSTAT);
  put_u8(p + 0, filetype_of_mode(e->host, st.st_mode));
  put_u16(p + 2, flags);
  put_u64(p + 8, rights);
  put_u64(p + 16, RIGHTS_ALL);
  return E_SUCCESS;
}

uint32_t WASI_FN(fd_fdstat_set_flags)(Wasi* w, uint32_t fd, uint32_t flags) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  if (flags & (FDFLAG_DSYNC | FDFLAG_RSYNC | FDFLAG_SYNC))
    return E_NOTSUP; /* Linux cannot change these on an open file */
  if (flags & ~(FDFLAG_APPEND | FDFLAG_NONBLOCK))
    return E_INVAL;
  int fl = fcntl(e->host, F_GETFL);
  if (fl < 0)
    return from_errno(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & FDFLAG_APPEND) fl |= O_APPEND;
  if (flags & FDFLAG_NONBLOCK) fl |= O_NONBLOCK;
  if (fcntl(e->host, F_SETFL, fl) != 0)
    return from_errno(errno);
  return E_SUCCESS;
}

uint32_t WASI_FN(fd_fdstat_set_rights)(Wasi* w, uint32_t fd, uint64_t base, uint64_t inheriting) {
  (void)w, (void)fd, (void)base, (void)inheriting;
  return E_NOSYS;
}

uint32_t WASI_FN(fd_filestat_get)(Wasi* w, uint32_t fd, uint32_t buf_ptr) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  uint8_t* p = gmem(w, buf_ptr, SIZEOF_FILESTAT);
  if (!p)
    return E_FAULT;
  struct stat st;
  if (fstat(e->host, &st) != 0)
    return from_errno(errno);
  put_filestat(p, e->host, &st);
  return E_SUCCESS;
}

uint32_t WASI_FN(fd_filestat_set_size)(Wasi* w, uint32_t fd, uint64_t size) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  if (size > (uint64_t)INT64_MAX)
    return E_INVAL;
  if (ftruncate(e->host, (off_t)size) != 0)
    return from_errno(errno);
  return E_SUCCESS;
}

/* utimensat/futimens times from a wasi (atim, mtim, fst_flags) triple. */
static uint32_t host_times(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]) {
  if (((fst & FSTFLAG_ATIM) && (fst & FSTFLAG_ATIM_NOW)) || ((fst & FSTFLAG_MTIM) && (fst & FSTFLAG_MTIM_NOW)) ||
      (fst & ~15u))
    return E_INVAL;
  uint64_t t[2] = {atim, mtim};
  uint32_t set[2] = {FSTFLAG_ATIM, FSTFLAG_MTIM}, now[2] = {FSTFLAG_ATIM_NOW, FSTFLAG_MTIM_NOW};
  for (int i = 0; i < 2; ++i) {
    if (fst & now[i]) {
      ts[i].tv_sec = 0;
      ts[i].tv_nsec = UTIME_NOW;
    } else if (fst & set[i]) {
      ts[i].tv_sec = (time_t)(t[i] / 1000000000ull);
      ts[i].tv_nsec = (long)(t[i] % 1000000000ull);
    } else {
      ts[i].tv_sec = 0;
      ts[i].tv_nsec = UTIME_OMIT;
    }
  }
  return E_SUCCESS;
}

uint32_t WASI_FN(fd_filestat_set_times)(Wasi* w, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t fst) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  struct timespec ts[2];
  uint32_t r = host_times(atim, mtim, fst, ts);
  if (r)
    return r;
  if (futimens(e->host, ts) != 0)
    return from_errno(errno);
  return E_SUCCESS;
}

uint32_t WASI_FN(fd_prestat_get)(Wasi* w, uint32_t fd, uint32_t buf_ptr) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e || !e->preopen_name)
    return E_BADF; /* wasi-libc scans fds 3.. until EBADF */
  uint8_t* p = gmem(w, buf_ptr, SIZEOF_PRESTAT);
  if (!p)
    return E_FAULT;
  memset(p, 0, SIZEOF_PRESTAT);
  put_u8(p, 0); /* preopentype dir */
  put_u32(p + 4, (uint32_t)strlen(e->preopen_name));
  return E_SUCCESS;
}

uint32_t WASI_FN(fd_prestat_dir_name)(Wasi* w, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e || !e->preopen_name)
    return E_BADF;
  size_t n = strlen(e->preopen_name);
  if (path_len < n)
    return E_NAMETOOLONG;
  uint8_t* p = gmem(w, path_ptr, n);
  if (!p)
    return E_FAULT;
  memcpy(p, e->preopen_name, n);
  return E_SUCCESS;
}

/* Directory entries: cookie 0 is the start, every other cookie is a
 * telldir() position we handed out as some entry's d_next. */
uint32_t WASI_FN(fd_readdir)(Wasi* w, uint32_t fd, uint32_t buf_ptr, uint32_t buf_len, uint64_t cookie,
                             uint32_t bufused_ptr) {
  struct wasi_shim_fd* e = fd_get(w, fd);
  if (!e)
    return E_BADF;
  uint8_t* buf = gmem(w, buf_ptr, buf_len);
  if (!buf || !gmem(w, bufused_ptr, 4))
    return E_FAULT;
  if (!e->dir) {
    int dup_fd = fcntl(e->host, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0)
      return from_errno(errno);
    if (!(e->dir = fdopendir(dup_fd))) {
      int saved = errno;
      close(dup_fd);
      return from_errno(saved);
    }
  }
  if (cookie == 0)
    rewinddir(e->dir);
  else
    seekdir(e->dir, (long)cookie);
  uint32_t used = 0;
  while (used < buf_len) {
    errno = 0;
    struct dirent* d = readdir(e->dir);
    if (!d) {
      if (errno)
        return from_errno(errno);
      break;
    }
    uint8_t type;
    switch (d->d_type) {
    case DT_REG: type = FT_REGULAR_FILE; break;
    case DT_DIR: type = FT_DIRECTORY; break;
    case DT_CHR: type = FT_CHARACTER_DEVICE; break;
    case DT_BLK: type = FT_BLOCK_DEVICE; break;
    case DT_LNK: type = FT_SYMBOLIC_LINK; break;
    case DT_SOCK: type = FT_SOCKET_STREAM; break;
    default: type = FT_UNKNOWN; break;
    }
    size_t namlen = strlen(d->d_name);
    uint8_t head[SIZEOF_DIRENT];
    memset(head, 0, sizeof head);
    put_u64(head + 0, (uint64_t)telldir(e->dir));
    put_u64(head + 8, (uint64_t)d->d_ino);
    put_u32(head + 16, (uint32_t)namlen);
    put_u8(head + 20, type);
    /* Copy as much as fits; a full buffer tells the guest to call again. */
    uint32_t n = buf_len - used < SIZEOF_DIRENT ? buf_len - used : SIZEOF_DIRENT;
    memcpy(buf + used, head, n);
    used += n;
    n = buf_len - used < namlen ? buf_len - used : (uint32_t)namlen;
    memcpy(buf + used, d->d_name, n);
    used += n;
  }
  return store_u32(w, bufused_ptr, used);
}

/* ---- path operations ---------------------------------------------------------------- */

uint32_t WASI_FN(path_open)(Wasi* w, uint32_t fd, uint32_t dirflags, uint32_t path_ptr, uint32_t path_len,
                            uint32_t oflags, uint64_t rights_base, uint64_t rights_inheriting, uint32_t fdflags,
                            uint32_t fd_ptr) {
  (void)rights_inheriting;
  int dir;
  uint32_t r = dir_fd(w, fd, &dir);
  if (r)
    return r;
  if (!gmem(w, fd_ptr, 4))
    return E_FAULT;
  char* path;
  if ((r = guest_path(w, path_ptr, path_len, &path)))
    return r;

  bool want_write = (rights_base & (RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE)) != 0;
  bool want_read = (rights_base & (RIGHT_FD_READ | RIGHT_FD_READDIR)) != 0;
  int flags = O_CLOEXEC;
  if (oflags & OFLAG_DIRECTORY)
    flags |= O_DIRECTORY | O_RDONLY;
  else if (want_write)
    flags |= want_read ? O_RDWR : O_WRONLY;
  else
    flags |= O_RDONLY;
  if (oflags & OFLAG_CREAT) flags |= O_CREAT;
  if (oflags & OFLAG_EXCL) flags |= O_EXCL;
  if (oflags & OFLAG_TRUNC) flags |= O_TRUNC;
  if (fdflags & FDFLAG_APPEND) flags |= O_APPEND;
  if (fdflags & FDFLAG_DSYNC) flags |= O_DSYNC;
  if (fdflags & FDFLAG_NONBLOCK) flags |= O_NONBLOCK;
  if (fdflags & FDFLAG_RSYNC) flags |= O_RSYNC;
  if (fdflags & FDFLAG_SYNC) flags |= O_SYNC;
  if (!(dirflags & LOOKUP_SYMLINK_FOLLOW))
    flags |= O_NOFOLLOW;

  int host = open_beneath(dir, path, flags, 0666);
  int saved = errno;
  free(path);
  if (host < 0)
    return from_path_errno(saved);
  uint32_t slot = fd_alloc(w);
  if (slot == UINT32_MAX) {
    close(host);
    return E_NOMEM;
  }
  w->fds[slot].used = true;
  w->fds[slot].host = host;
  return store_u32(w, fd_ptr, slot);
}

uint32_t WASI_FN(path_filestat_get)(Wasi* w, uint32_t fd, uint32_t flags, uint32_t path_ptr, uint32_t path_len,
                                    uint32_t buf_ptr) {
  int dir;
  uint32_t r = dir_fd(w, fd, &dir);
  if (r)
    return r;
  uint8_t* out = gmem(w, buf_ptr, SIZEOF_FILESTAT);
  if (!out)
    return E_FAULT;
  char* path;
  if ((r = guest_path(w, path_ptr, path_len, &path)))
    return r;
  int open_flags = O_PATH | O_CLOEXEC | ((flags & LOOKUP_SYMLINK_FOLLOW) ? 0 : O_NOFOLLOW);
  int target = open_beneath(dir, path, open_flags, 0);
  int saved = errno;
  free(path);
  if (target < 0)
    return from_path_errno(saved);
  struct stat st;
  r = fstat(target, &st) == 0 ? E_SUCCESS : from_errno(errno);
  close(target);
  if (!r)
    put_filestat(out, -1, &st);
  return r;
}

uint32_t WASI_FN(path_filestat_set_times)(Wasi* w, uint32_t fd, uint32_t flags, uint32_t path_ptr,
                                          uint32_t path_len, uint64_t atim, uint64_t mtim, uint32_t fst) {
  int dir, parent;
  const char* leaf;
  char* path;
  struct timespec ts[2];
  uint32_t r = dir_fd(w, fd, &dir);
  if (r || (r = host_times(atim, mtim, fst, ts)) || (r = guest_path(w, path_ptr, path_len, &path)))
    return r;
  if (!(r = open_parent(dir, path, &parent, &leaf))) {
    int at = (flags & LOOKUP_SYMLINK_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW;
    r = utimensat(parent, leaf, ts, at) == 0 ? E_SUCCESS : from_errno(errno);
    close(parent);
  }
  free(path);
  return r;
}

/* The common shape of create_directory, remove_directory and unlink_file. */
enum leaf_op { OP_MKDIR, OP_RMDIR, OP_UNLINK };
static uint32_t leaf_op(Wasi* w, enum leaf_op op, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  int dir, parent;
  const char* leaf;
  char* path;
  uint32_t r = dir_fd(w, fd, &dir);
  if (r || (r = guest_path(w, path_ptr, path_len, &path)))
    return r;
  if (!(r = open_parent(dir, path, &parent, &leaf))) {
    int rc;
    switch (op) {
    case OP_MKDIR: rc = mkdirat(parent, leaf, 0777); break;
    case OP_RMDIR: rc = unlinkat(parent, leaf, AT_REMOVEDIR); break;
    default: rc = unlinkat(parent, leaf, 0); break;
    }
    r = rc == 0 ? E_SUCCESS : from_errno(errno);
    close(parent);
  }
  free(path);
  return r;
}
uint32_t WASI_FN(path_create_directory)(Wasi* w, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  return leaf_op(w, OP_MKDIR, fd, path_ptr, path_len);
}
uint32_t WASI_FN(path_remove_directory)(Wasi* w, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  return leaf_op(w, OP_RMDIR, fd, path_ptr, path_len);
}
uint32_t WASI_FN(path_unlink_file)(Wasi* w, uint32_t fd, uint32_t path_ptr, uint32_t path_len) {
  return leaf_op(w, OP_UNLINK, fd, path_ptr, path_len);
}

/* rename and link: two (fd, path) pairs. */
static uint32_t two_path_op(Wasi* w, bool is_link, uint32_t old_fd, uint32_t old_flags, uint32_t old_ptr,
                            uint32_t old_len, uint32_t new_fd, uint32_t new_ptr, uint32_t new_len) {
  int old_dir, new_dir, old_parent, new_parent;
  const char *old_leaf, *new_leaf;
  char *old_path, *new_path;
  uint32_t r = dir_fd(w, old_fd, &old_dir);
  if (r || (r = dir_fd(w, new_fd, &new_dir)) || (r = guest_path(w, old_ptr, old_len, &old_path)))
    return r;
  if ((r = guest_path(w, new_ptr, new_len, &new_path))) {
    free(old_path);
    return r;
  }
  if (!(r = open_parent(old_dir, old_path, &old_parent, &old_leaf))) {
    if (!(r = open_parent(new_dir, new_path, &new_parent, &new_leaf))) {
      int rc = is_link ? linkat(old_parent, old_leaf, new_parent, new_leaf,
                                (old_flags & LOOKUP_SYMLINK_FOLLOW) ? AT_SYMLINK_FOLLOW : 0)
                       : renameat(old_parent, old_leaf, new_parent, new_leaf);
      r = rc == 0 ? E_SUCCESS : from_errno(errno);
      close(new_parent);
    }
    close(old_parent);
  }
  free(old_path);
  free(new_path);
  return r;
}
uint32_t WASI_FN(path_rename)(Wasi* w, uint32_t fd, uint32_t old_ptr, uint32_t old_len, uint32_t new_fd,
                              uint32_t new_ptr, uint32_t new_len) {
  return two_path_op(w, false, fd, 0, old_ptr, old_len, new_fd, new_ptr, new_len);
}
uint32_t WASI_FN(path_link)(Wasi* w, uint32_t old_fd, uint32_t old_flags, uint32_t old_ptr, uint32_t old_len,
                            uint32_t new_fd, uint32_t new_ptr, uint32_t new_len) {
  return two_path_op(w, true, old_fd, old_flags, old_ptr, old_len, new_fd, new_ptr, new_len);
}

uint32_t WASI_FN(path_symlink)(Wasi* w, uint32_t old_ptr, uint32_t old_len, uint32_t fd, uint32_t new_ptr,
                               uint32_t new_len) {
  int dir, parent;
  const char* leaf;
  char *target, *path;
  uint32_t r = dir_fd(w, fd, &dir);
  if (r || (r = guest_path(w, old_ptr, old_len, &target)))
    return r;
  /* The link's contents are only checked lexically: they must not point out. */
  if (lexically_escapes(target)) {
    free(target);
    return E_NOTCAPABLE;
  }
  if ((r = guest_path(w, new_ptr, new_len, &path))) {
    free(target);
    return r;
  }
  if (!(r = open_parent(dir, path, &parent, &leaf))) {
    r = symlinkat(target, parent, leaf) == 0 ? E_SUCCESS : from_errno(errno);
    close(parent);
  }
  free(target);
  free(path);
  return r;
}

uint32_t WASI_FN(path_readlink)(Wasi* w, uint32_t fd, uint32_t path_ptr, uint32_t path_len, uint32_t buf_ptr,
                                uint32_t buf_len, uint32_t bufused_ptr) {
  int dir, parent;
  const char* leaf;
  char* path;
  uint32_t r = dir_fd(w, fd, &dir);
  if (r)
    return r;
  uint8_t* buf = gmem(w, buf_ptr, buf_len);
  if (!buf || !gmem(w, bufused_ptr, 4))
    return E_FAULT;
  if ((r = guest_path(w, path_ptr, path_len, &path)))
    return r;
  if (!(r = open_parent(dir, path, &parent, &leaf))) {
    ssize_t n = readlinkat(parent, leaf, (char*)buf, buf_len);
    r = n < 0 ? from_errno(errno) : store_u32(w, bufused_ptr, (uint32_t)n);
    close(parent);
  }
  free(path);
  return r;
}

/* ---- poll_oneoff ---------------------------------------------------------------------- */

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts_ns(ts);
}

static void put_event(uint8_t* ev, uint64_t userdata, uint16_t error, uint8_t type, uint64_t nbytes,
                      uint16_t flags) {
  memset(ev, 0, SIZEOF_EVENT);
  put_u64(ev + 0, userdata);
  put_u16(ev + 8, error);
  put_u8(ev + 10, type);
  put_u64(ev + 16, nbytes);
  put_u16(ev + 24, flags);
}

uint32_t WASI_FN(poll_oneoff)(Wasi* w, uint32_t in_ptr, uint32_t out_ptr, uint32_t nsubs, uint32_t nevents_ptr) {
  if (nsubs == 0)
    return E_INVAL;
  uint8_t* in = gmem(w, in_ptr, (uint64_t)nsubs * SIZEOF_SUBSCRIPTION);
  uint8_t* out = gmem(w, out_ptr, (uint64_t)nsubs * SIZEOF_EVENT);
  if (!in || !out || !gmem(w, nevents_ptr, 4))
    return E_FAULT;

  /* Per subscription: a deadline on CLOCK_MONOTONIC, or an index into pfds. */
  uint64_t* deadline = calloc(nsubs, sizeof *deadline);
  int* pfd_index = calloc(nsubs, sizeof *pfd_index);
  struct pollfd* pfds = calloc(nsubs, sizeof *pfds);
  if (!deadline || !pfd_index || !pfds) {
    free(deadline), free(pfd_index), free(pfds);
    return E_NOMEM;
  }
  uint64_t start = mono_ns(), earliest = UINT64_MAX;
  uint32_t nevents = 0, npfds = 0;
  bool have_clock = false;

  for (uint32_t i = 0; i < nsubs; ++i) {
    const uint8_t* s = in + (size_t)i * SIZEOF_SUBSCRIPTION;
    uint64_t userdata = get_u64(s);
    uint8_t tag = s[8];
    pfd_index[i] = -1;
    deadline[i] = UINT64_MAX;
    if (tag == EVENT_CLOCK) {
      uint32_t id = get_u32(s + 16);
      uint64_t timeout = get_u64(s + 24);
      uint16_t flags = get_u16(s + 40);
      clockid_t c;
      if (!host_clock(id, &c)) {
        put_event(out + (size_t)nevents++ * SIZEOF_EVENT, userdata, E_INVAL, EVENT_CLOCK, 0, 0);
        continue;
      }
      uint64_t rel = timeout;
      if (flags & SUBCLOCK_ABSTIME) {
        struct timespec ts;
        clock_gettime(c, &ts);
        uint64_t now = ts_ns(ts);
        rel = timeout > now ? timeout - now : 0;
      }
      deadline[i] = rel > UINT64_MAX - start ? UINT64_MAX - 1 : start + rel;
      if (deadline[i] < earliest)
        earliest = deadline[i];
      have_clock = true;
    } else if (tag == EVENT_FD_READ || tag == EVENT_FD_WRITE) {
      struct wasi_shim_fd* e = fd_get(w, get_u32(s + 16));
      if (!e) {
        put_event(out + (size_t)nevents++ * SIZEOF_EVENT, userdata, E_BADF, tag, 0, 0);
        continue;
      }
      pfds[npfds].fd = e->host;
      pfds[npfds].events = tag == EVENT_FD_READ ? POLLIN : POLLOUT;
      pfd_index[i] = (int)npfds++;
    } else {
      put_event(out + (size_t)nevents++ * SIZEOF_EVENT, userdata, E_INVAL, tag, 0, 0);
    }
  }

  /* Wait for an fd or the earliest clock, unless an error event is already out. */
  uint32_t result = E_SUCCESS;
  for (;;) {
    uint64_t now = mono_ns();
    struct timespec wait, *waitp = NULL;
    if (nevents > 0) {
      wait.tv_sec = 0, wait.tv_nsec = 0, waitp = &wait;
    } else if (have_clock) {
      uint64_t rel = earliest > now ? earliest - now : 0;
      wait.tv_sec = (time_t)(rel / 1000000000ull), wait.tv_nsec = (long)(rel % 1000000000ull), waitp = &wait;
    }
    int rc;
    if (npfds > 0) {
      rc = ppoll(pfds, npfds, waitp, NULL);
    } else if (waitp) {
      rc = nanosleep(waitp, NULL);
    } else {
      rc = 0; /* nothing to wait for */
    }
    if (rc < 0 && errno == EINTR)
      continue;
    if (rc < 0)
      result = from_errno(errno);
    break;
  }

  if (result == E_SUCCESS) {
    uint64_t now = mono_ns();
    uint32_t before = nevents;
    for (uint32_t i = 0; i < nsubs; ++i) {
      const uint8_t* s = in + (size_t)i * SIZEOF_SUBSCRIPTION;
      uint8_t tag = s[8];
      if (pfd_index[i] >= 0) {
        struct pollfd* p = &pfds[pfd_index[i]];
        if (!p->revents)
          continue;
        uint16_t error = (p->revents & POLLNVAL) ? E_BADF : 0;
        uint64_t nbytes = 0;
        if (tag == EVENT_FD_READ) {
          int avail = 0;
          if (ioctl(p->fd, FIONREAD, &avail) == 0 && avail > 0)
            nbytes = (uint64_t)avail;
        }
        put_event(out + (size_t)nevents++ * SIZEOF_EVENT, get_u64(s), error, tag, nbytes,
                  (p->revents & POLLHUP) ? EVENTRW_HANGUP : 0);
      } else if (tag == EVENT_CLOCK && deadline[i] != UINT64_MAX && deadline[i] <= now) {
        put_event(out + (size_t)nevents++ * SIZEOF_EVENT, get_u64(s), 0, EVENT_CLOCK, 0, 0);
      }
    }
    /* The sleep ended at the earliest deadline: report that one even if the
     * clock read above came out a hair early. */
    if (nevents == before && before == 0 && have_clock) {
      for (uint32_t i = 0; i < nsubs; ++i)
        if (deadline[i] == earliest) {
          put_event(out, get_u64(in + (size_t)i * SIZEOF_SUBSCRIPTION), 0, EVENT_CLOCK, 0, 0);
          nevents = 1;
          break;
        }
    }
    result = store_u32(w, nevents_ptr, nevents);
  }
  free(deadline), free(pfd_index), free(pfds);
  return result;
}

/* ---- process, random, scheduling, sockets ----------------------------------------------- */

void WASI_FN(proc_exit)(Wasi* w, uint32_t code) {
  w->exit_code = code;
  if (w->exit_target)
    siglongjmp(*w->exit_target, 1);
  exit((int)code);
}

uint32_t WASI_FN(proc_raise)(Wasi* w, uint32_t sig) {
  (void)w, (void)sig;
  return E_NOSYS;
}

uint32_t WASI_FN(sched_yield)(Wasi* w) {
  (void)w;
  sched_yield();
  return E_SUCCESS;
}

uint32_t WASI_FN(random_get)(Wasi* w, uint32_t buf_ptr, uint32_t buf_len) {
  uint8_t* p = gmem(w, buf_ptr, buf_len);
  if (!p)
    return E_FAULT;
  while (buf_len > 0) {
    ssize_t n = getrandom(p, buf_len, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return from_errno(errno);
    }
    p += n;
    buf_len -= (uint32_t)n;
  }
  return E_SUCCESS;
}

uint32_t WASI_FN(sock_accept)(Wasi* w, uint32_t fd, uint32_t flags, uint32_t fd_ptr) {
  (void)w, (void)fd, (void)flags, (void)fd_ptr;
  return E_NOSYS;
}
uint32_t WASI_FN(sock_recv)(Wasi* w, uint32_t fd, uint32_t ri_data, uint32_t ri_data_len, uint32_t ri_flags,
                            uint32_t ro_datalen_ptr, uint32_t ro_flags_ptr) {
  (void)w, (void)fd, (void)ri_data, (void)ri_data_len, (void)ri_flags, (void)ro_datalen_ptr, (void)ro_flags_ptr;
  return E_NOSYS;
}
uint32_t WASI_FN(sock_send)(Wasi* w, uint32_t fd, uint32_t si_data, uint32_t si_data_len, uint32_t si_flags,
                            uint32_t so_datalen_ptr) {
  (void)w, (void)fd, (void)si_data, (void)si_data_len, (void)si_flags, (void)so_datalen_ptr;
  return E_NOSYS;
}
uint32_t WASI_FN(sock_shutdown)(Wasi* w, uint32_t fd, uint32_t how) {
  (void)w, (void)fd, (void)how;
  return E_NOSYS;
}
