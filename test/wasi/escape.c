// Sandbox-escape probes for wasmc's WASI (run by RunEscapeTest.cmake).
// `escape CASE [ABSOLUTE_OUTSIDE_PATH]` tries one family of escapes with raw
// wasi_snapshot_preview1 calls (explicit lengths, so paths may hold NULs and
// pointers may be bad) and checks each errno. It prints one line per probe
// and exits 1 if any probe got an answer other than the expected one. The
// driver separately checks that nothing outside the sandbox changed.
//
// Fixture (made by the driver; the sandbox is preopened as "/", fd 3):
//   outside/secret.txt  outside/dir/keep.txt  outside/empty/
//   sandbox/inside.txt  sandbox/sub/deeper/
//   sandbox/abslink -> <abs>/outside/secret.txt   sandbox/absdir -> <abs>/outside
//   sandbox/rellink -> ../outside/secret.txt      sandbox/reldir -> ../outside
//   sandbox/chain1 -> chain2 -> sub/chain3 -> ../../outside
//   sandbox/loop1 -> loop2 -> loop1               sandbox/selfloop -> selfloop
// and for the "private" case, wasmc's own directories inside the sandbox
// (HOME=sandbox/home):
//   sandbox/home/.config/wasmc/artifact.key   sandbox/home/.cache/wasmc/entry
//   sandbox/keydir -> home/.config/wasmc

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define WASI_IMPORT(name)                                                                          \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

WASI_IMPORT(path_open)
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags,
                      int64_t base, int64_t inheriting, int32_t fdflags, int32_t result);
WASI_IMPORT(path_create_directory)
int32_t raw_path_create_directory(int32_t fd, int32_t path, int32_t len);
WASI_IMPORT(path_filestat_get)
int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path, int32_t len, int32_t buf);
WASI_IMPORT(path_filestat_set_times)
int32_t raw_path_filestat_set_times(int32_t fd, int32_t flags, int32_t path, int32_t len,
                                    int64_t atim, int64_t mtim, int32_t fstflags);
WASI_IMPORT(path_link)
int32_t raw_path_link(int32_t oldFd, int32_t oldFlags, int32_t oldPath, int32_t oldLen,
                      int32_t newFd, int32_t newPath, int32_t newLen);
WASI_IMPORT(path_readlink)
int32_t raw_path_readlink(int32_t fd, int32_t path, int32_t len, int32_t buf, int32_t bufLen,
                          int32_t used);
WASI_IMPORT(path_remove_directory)
int32_t raw_path_remove_directory(int32_t fd, int32_t path, int32_t len);
WASI_IMPORT(path_rename)
int32_t raw_path_rename(int32_t fd, int32_t oldPath, int32_t oldLen, int32_t newFd, int32_t newPath,
                        int32_t newLen);
WASI_IMPORT(path_symlink)
int32_t raw_path_symlink(int32_t target, int32_t targetLen, int32_t fd, int32_t path, int32_t len);
WASI_IMPORT(path_unlink_file)
int32_t raw_path_unlink_file(int32_t fd, int32_t path, int32_t len);
WASI_IMPORT(fd_read)
int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t count, int32_t nread);
WASI_IMPORT(fd_write)
int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t count, int32_t nwritten);
WASI_IMPORT(fd_close)
int32_t raw_fd_close(int32_t fd);
WASI_IMPORT(fd_prestat_get)
int32_t raw_fd_prestat_get(int32_t fd, int32_t buf);
WASI_IMPORT(fd_prestat_dir_name)
int32_t raw_fd_prestat_dir_name(int32_t fd, int32_t buf, int32_t len);
WASI_IMPORT(fd_readdir)
int32_t raw_fd_readdir(int32_t fd, int32_t buf, int32_t len, int64_t cookie, int32_t used);
WASI_IMPORT(fd_filestat_get)
int32_t raw_fd_filestat_get(int32_t fd, int32_t buf);
WASI_IMPORT(random_get)
int32_t raw_random_get(int32_t buf, int32_t len);
WASI_IMPORT(args_get)
int32_t raw_args_get(int32_t argv, int32_t buf);
WASI_IMPORT(clock_time_get)
int32_t raw_clock_time_get(int32_t id, int64_t precision, int32_t result);
WASI_IMPORT(poll_oneoff)
int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t count, int32_t nevents);

enum { kRoot = 3, kFollow = 1 };
enum { E_OK = 0 };
#define ADDR(p) ((int32_t)(uintptr_t)(p))
#define STR(s) ADDR(s), (int32_t)strlen(s)
#define BAD_PTR ((int32_t)0xFFFFFFF0u)

static int failures = 0;
static uint8_t statBuf[64];
static uint32_t openedFd;

/// Records a probe: `got` must equal `want` (or `alt`, if alt >= 0).
static void expect(const char* what, int got, int want, int alt) {
  int ok = got == want || (alt >= 0 && got == alt);
  printf("%s %-52s errno %d (want %d%s)\n", ok ? "ok  " : "FAIL", what, got, want,
         alt >= 0 ? " or other" : "");
  if (!ok)
    failures++;
}

static int openPath(const char* path, int32_t len, int follow, int oflags, int64_t rights) {
  int err = raw_path_open(kRoot, follow ? kFollow : 0, ADDR(path), len, oflags, rights, 0, 0,
                          ADDR(&openedFd));
  if (err == 0)
    raw_fd_close((int32_t)openedFd);
  return err;
}
static int openFollow(const char* path) {
  return openPath(path, (int32_t)strlen(path), 1, 0, __WASI_RIGHTS_FD_READ);
}
static int openNofollow(const char* path) {
  return openPath(path, (int32_t)strlen(path), 0, 0, __WASI_RIGHTS_FD_READ);
}
static int createFile(const char* path, int follow) {
  return openPath(path, (int32_t)strlen(path), follow, __WASI_OFLAGS_CREAT,
                  __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE);
}
static int statPath(const char* path, int follow) {
  return raw_path_filestat_get(kRoot, follow ? kFollow : 0, STR(path), ADDR(statBuf));
}
static int touchPath(const char* path, int follow) {
  return raw_path_filestat_set_times(kRoot, follow ? kFollow : 0, STR(path), 0, 0,
                                     __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
}
static int makeDir(const char* path) { return raw_path_create_directory(kRoot, STR(path)); }
static int removeDir(const char* path) { return raw_path_remove_directory(kRoot, STR(path)); }
static int unlinkPath(const char* path) { return raw_path_unlink_file(kRoot, STR(path)); }
static int renamePath(const char* from, const char* to) {
  return raw_path_rename(kRoot, STR(from), kRoot, STR(to));
}
static int linkPath(const char* from, const char* to, int follow) {
  return raw_path_link(kRoot, follow ? kFollow : 0, STR(from), kRoot, STR(to));
}
static int symlinkPath(const char* target, const char* path) {
  return raw_path_symlink(STR(target), kRoot, STR(path));
}

#define NOTCAP __WASI_ERRNO_NOTCAPABLE

static void caseDotdot(void) {
  expect("open ..", openFollow(".."), NOTCAP, -1);
  expect("open ../outside/secret.txt", openFollow("../outside/secret.txt"), NOTCAP, -1);
  expect("open sub/../../outside/secret.txt", openFollow("sub/../../outside/secret.txt"), NOTCAP,
         -1);
  expect("open sub/deeper/../../../outside", openFollow("sub/deeper/../../../outside"), NOTCAP, -1);
  expect("open ./sub/./../.././outside (walk back up)", openFollow("./sub/./../.././outside"),
         NOTCAP, -1);
  expect("control: open sub/deeper/../.. (the root)", openFollow("sub/deeper/../.."), E_OK, -1);
  expect("create ../evil.txt", createFile("../evil.txt", 0), NOTCAP, -1);
  expect("mkdir ../evil", makeDir("../evil"), NOTCAP, -1);
  expect("mkdir sub/../../evil", makeDir("sub/../../evil"), NOTCAP, -1);
  expect("stat ..", statPath("..", 0), NOTCAP, -1);
  expect("stat ../outside/secret.txt", statPath("../outside/secret.txt", 0), NOTCAP, -1);
  expect("set times ..", touchPath("..", 0), NOTCAP, -1);
  expect("set times ../outside/secret.txt", touchPath("../outside/secret.txt", 0), NOTCAP, -1);
  expect("unlink ../outside/secret.txt", unlinkPath("../outside/secret.txt"), NOTCAP, -1);
  expect("rmdir ../outside/empty", removeDir("../outside/empty"), NOTCAP, -1);
  expect("rmdir .. (the sandbox's parent)", removeDir(".."), NOTCAP, -1);
  expect("rename inside.txt -> ../moved.txt", renamePath("inside.txt", "../moved.txt"), NOTCAP, -1);
  expect("rename ../outside/secret.txt -> stolen", renamePath("../outside/secret.txt", "stolen"),
         NOTCAP, -1);
  expect("link ../outside/secret.txt -> hard", linkPath("../outside/secret.txt", "hard", 0), NOTCAP,
         -1);
  expect("link inside.txt -> ../hard", linkPath("inside.txt", "../hard", 0), NOTCAP, -1);
  expect("symlink at ../planted", symlinkPath("inside.txt", "../planted"), NOTCAP, -1);
  char buf[64];
  uint32_t used;
  expect("readlink ../outside",
         raw_path_readlink(kRoot, STR("../outside"), ADDR(buf), 64, ADDR(&used)), NOTCAP, -1);
}

static void caseAbsolute(const char* outsideSecret) {
  expect("open /", openFollow("/"), NOTCAP, -1);
  expect("open /etc/passwd", openFollow("/etc/passwd"), NOTCAP, -1);
  expect("open <host path of secret>", openFollow(outsideSecret), NOTCAP, -1);
  expect("create /tmp/wasmc-escape", createFile("/tmp/wasmc-escape", 0), NOTCAP, -1);
  expect("mkdir /tmp/wasmc-escape-dir", makeDir("/tmp/wasmc-escape-dir"), NOTCAP, -1);
  expect("stat /", statPath("/", 0), NOTCAP, -1);
  expect("unlink <host path of secret>", unlinkPath(outsideSecret), NOTCAP, -1);
  expect("rename inside.txt -> /tmp/x", renamePath("inside.txt", "/tmp/x"), NOTCAP, -1);
  expect("symlink to an absolute target is refused", symlinkPath("/etc/passwd", "abs-evil"), NOTCAP,
         -1);
  expect("symlink to <host path of secret> is refused", symlinkPath(outsideSecret, "abs-evil2"),
         NOTCAP, -1);
}

/// Every operation through `link` (a symlink to the outside file) and
/// `dirLink` (a symlink to the outside directory).
static void throughLinks(const char* link, const char* dirLink) {
  char path[256];
  snprintf(path, sizeof path, "open %s (follow)", link);
  expect(path, openFollow(link), NOTCAP, -1);
  snprintf(path, sizeof path, "open %s (nofollow)", link);
  expect(path, openNofollow(link), __WASI_ERRNO_LOOP, -1);
  char inner[128];
  snprintf(inner, sizeof inner, "%s/secret.txt", dirLink);
  snprintf(path, sizeof path, "open %s", inner);
  expect(path, openNofollow(inner), NOTCAP, -1);
  expect("stat (follow) through the link", statPath(link, 1), NOTCAP, -1);
  expect("control: stat the link itself", statPath(link, 0), E_OK, -1);
  expect("set times (follow) through the link", touchPath(link, 1), NOTCAP, -1);
  expect("set times in the linked directory", touchPath(inner, 0), NOTCAP, -1);
  expect("truncate through the link",
         openPath(link, (int32_t)strlen(link), 1, __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE),
         NOTCAP, -1);
  snprintf(inner, sizeof inner, "%s/created.txt", dirLink);
  expect("create a file in the linked directory", createFile(inner, 0), NOTCAP, -1);
  snprintf(inner, sizeof inner, "%s/newdir", dirLink);
  expect("mkdir in the linked directory", makeDir(inner), NOTCAP, -1);
  snprintf(inner, sizeof inner, "%s/empty", dirLink);
  expect("rmdir in the linked directory", removeDir(inner), NOTCAP, -1);
  snprintf(inner, sizeof inner, "%s/dir/keep.txt", dirLink);
  expect("unlink in the linked directory", unlinkPath(inner), NOTCAP, -1);
  snprintf(inner, sizeof inner, "%s/secret.txt", dirLink);
  expect("rename out of the linked directory", renamePath(inner, "stolen"), NOTCAP, -1);
  expect("hard link out of the linked directory", linkPath(inner, "hard", 0), NOTCAP, -1);
  expect("hard link following the link", linkPath(link, "hard", 1), NOTCAP, -1);
  snprintf(inner, sizeof inner, "%s/moved.txt", dirLink);
  expect("rename into the linked directory", renamePath("inside.txt", inner), NOTCAP, -1);
  snprintf(inner, sizeof inner, "%s/planted", dirLink);
  expect("symlink in the linked directory", symlinkPath("inside.txt", inner), NOTCAP, -1);
  snprintf(inner, sizeof inner, "%s/", dirLink);
  expect("open the linked directory with a trailing slash", openNofollow(inner), NOTCAP, -1);
}

static void caseSymlinkAbsolute(void) {
  throughLinks("abslink", "absdir");
  char buf[512];
  uint32_t used = 0;
  expect("control: readlink abslink (the text is inside)",
         raw_path_readlink(kRoot, STR("abslink"), ADDR(buf), sizeof buf, ADDR(&used)), E_OK, -1);
}

static void caseSymlinkRelative(void) { throughLinks("rellink", "reldir"); }

static void caseSymlinkChain(void) {
  expect("open chain1 as a directory", openPath("chain1", 6, 1, __WASI_OFLAGS_DIRECTORY, 0), NOTCAP,
         -1);
  expect("open chain1/secret.txt", openFollow("chain1/secret.txt"), NOTCAP, -1);
  expect("open chain2/dir/keep.txt", openFollow("chain2/dir/keep.txt"), NOTCAP, -1);
  expect("open sub/chain3/secret.txt", openFollow("sub/chain3/secret.txt"), NOTCAP, -1);
  expect("mkdir chain1/newdir", makeDir("chain1/newdir"), NOTCAP, -1);
  expect("create chain1/created.txt", createFile("chain1/created.txt", 0), NOTCAP, -1);
  expect("unlink chain1/dir/keep.txt", unlinkPath("chain1/dir/keep.txt"), NOTCAP, -1);
  expect("stat (follow) chain1", statPath("chain1", 1), NOTCAP, -1);
  expect("control: sub/up/inside.txt (a link that stays inside)", openFollow("sub/up/inside.txt"),
         E_OK, -1);
}

static void caseGuestSymlink(void) {
  // Creating links that point outside is allowed; following them is not.
  expect("control: create evil -> ../outside", symlinkPath("../outside", "evil"), E_OK, -1);
  expect("control: create evil2 -> sub/../../outside", symlinkPath("sub/../../outside", "evil2"),
         E_OK, -1);
  expect("control: create evil3 -> evil", symlinkPath("evil", "evil3"), E_OK, -1);
  expect("control: create evilfile -> ../outside/secret.txt",
         symlinkPath("../outside/secret.txt", "evilfile"), E_OK, -1);
  expect("control: create dangle -> ../outside/new.txt",
         symlinkPath("../outside/new.txt", "dangle"), E_OK, -1);
  expect("control: create sub/hop -> ../evil", symlinkPath("../evil", "sub/hop"), E_OK, -1);
  throughLinks("evilfile", "evil");
  throughLinks("evilfile", "evil2");
  throughLinks("evilfile", "evil3");
  expect("open sub/hop/secret.txt (two guest links)", openFollow("sub/hop/secret.txt"), NOTCAP, -1);
  expect("create through a dangling link (follow)", createFile("dangle", 1), NOTCAP, -1);
  expect("control: create through a dangling link (nofollow) is ELOOP", createFile("dangle", 0),
         __WASI_ERRNO_LOOP, -1);
  expect("control: unlink the guest's own link", unlinkPath("evil"), E_OK, -1);
}

static void caseTrailingSlash(void) {
  expect("open inside.txt/", openNofollow("inside.txt/"), __WASI_ERRNO_NOTDIR, -1);
  expect("open inside.txt//", openNofollow("inside.txt//"), __WASI_ERRNO_NOTDIR, -1);
  expect("control: open sub/", openNofollow("sub/"), E_OK, -1);
  expect("create newfile/", createFile("newfile/", 0), __WASI_ERRNO_ISDIR, -1);
  expect("unlink inside.txt/", unlinkPath("inside.txt/"), __WASI_ERRNO_NOTDIR, -1);
  expect("unlink sub/", unlinkPath("sub/"), __WASI_ERRNO_ISDIR, -1);
  expect("rmdir inside.txt/", removeDir("inside.txt/"), __WASI_ERRNO_NOTDIR, -1);
  expect("rename inside.txt/ -> x", renamePath("inside.txt/", "x"), __WASI_ERRNO_NOTDIR, -1);
  expect("symlink at inside.txt/", symlinkPath("x", "inside.txt/"), __WASI_ERRNO_NOTDIR, -1);
  expect("symlink at nothere/", symlinkPath("x", "nothere/"), __WASI_ERRNO_NOENT, -1);
  expect("link inside.txt -> nothere/", linkPath("inside.txt", "nothere/", 0), __WASI_ERRNO_NOENT,
         -1);
  // A trailing slash follows a final symlink, and must still stay inside.
  expect("open reldir/ (nofollow, but the slash follows)", openNofollow("reldir/"), NOTCAP, -1);
  expect("open absdir/", openNofollow("absdir/"), NOTCAP, -1);
  expect("stat reldir/", statPath("reldir/", 0), NOTCAP, -1);
  expect("rmdir reldir/", removeDir("reldir/"), NOTCAP, __WASI_ERRNO_NOTDIR);
  expect("control: mkdir newdir/", makeDir("newdir/"), E_OK, -1);
  expect("control: rmdir newdir/", removeDir("newdir/"), E_OK, -1);
}

static void caseLoop(void) {
  expect("open loop1 (follow)", openFollow("loop1"), __WASI_ERRNO_LOOP, -1);
  expect("open selfloop (follow)", openFollow("selfloop"), __WASI_ERRNO_LOOP, -1);
  expect("open loop1/x", openNofollow("loop1/x"), __WASI_ERRNO_LOOP, -1);
  expect("create through loop1 (follow)", createFile("loop1", 1), __WASI_ERRNO_LOOP, -1);
  expect("mkdir loop1/x", makeDir("loop1/x"), __WASI_ERRNO_LOOP, -1);
  expect("stat loop1 (follow)", statPath("loop1", 1), __WASI_ERRNO_LOOP, -1);
  expect("control: stat loop1 (nofollow)", statPath("loop1", 0), E_OK, -1);
  // A guest-made loop through a directory component.
  expect("control: create gloop -> gloop/x", symlinkPath("gloop/x", "gloop"), E_OK, -1);
  expect("open gloop/y", openNofollow("gloop/y"), __WASI_ERRNO_LOOP, -1);
}

static void caseNul(void) {
  static const char withNul[] = "inside.txt\0../outside/secret.txt";
  expect("open \"inside.txt\\0../outside/secret.txt\"",
         openPath(withNul, sizeof withNul - 1, 1, 0, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_INVAL,
         -1);
  expect("open \"inside.txt\\0\"", openPath(withNul, 11, 1, 0, __WASI_RIGHTS_FD_READ),
         __WASI_ERRNO_INVAL, -1);
  expect("open \"\\0\"", openPath("\0", 1, 1, 0, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_INVAL, -1);
  expect("mkdir \"a\\0b\"", raw_path_create_directory(kRoot, ADDR("a\0b"), 3), __WASI_ERRNO_INVAL,
         -1);
  expect("unlink \"inside.txt\\0x\"", raw_path_unlink_file(kRoot, ADDR("inside.txt\0x"), 12),
         __WASI_ERRNO_INVAL, -1);
  expect("symlink target \"x\\0y\"", raw_path_symlink(ADDR("x\0y"), 3, kRoot, STR("nulllink")),
         __WASI_ERRNO_INVAL, -1);
  expect("rename to \"a\\0\"", raw_path_rename(kRoot, STR("inside.txt"), kRoot, ADDR("a\0"), 2),
         __WASI_ERRNO_INVAL, -1);
  expect("open the empty path", openPath("", 0, 1, 0, __WASI_RIGHTS_FD_READ), __WASI_ERRNO_NOENT,
         -1);
}

static uint32_t memoryBytes(void) { return (uint32_t)__builtin_wasm_memory_size(0) * 65536u; }

static void caseEfault(void) {
  uint32_t size = memoryBytes();
  uint32_t n = 0;
  expect("path_open with the path past memory",
         raw_path_open(kRoot, 0, BAD_PTR, 100, 0, 0, 0, 0, ADDR(&openedFd)), __WASI_ERRNO_FAULT,
         -1);
  expect("path_open with a path running off the end",
         raw_path_open(kRoot, 0, (int32_t)(size - 4), 8, 0, 0, 0, 0, ADDR(&openedFd)),
         __WASI_ERRNO_FAULT, -1);
  expect("path_open with a 2 GiB path length",
         raw_path_open(kRoot, 0, ADDR("inside.txt"), 0x7FFFFFF0, 0, 0, 0, 0, ADDR(&openedFd)),
         __WASI_ERRNO_FAULT, -1);
  expect("path_open with the result past memory",
         raw_path_open(kRoot, 0, STR("inside.txt"), 0, __WASI_RIGHTS_FD_READ, 0, 0, BAD_PTR),
         __WASI_ERRNO_FAULT, -1);
  expect("path_open with the result at the last 2 bytes",
         raw_path_open(kRoot, 0, STR("inside.txt"), 0, __WASI_RIGHTS_FD_READ, 0, 0,
                       (int32_t)(size - 2)),
         __WASI_ERRNO_FAULT, -1);

  int32_t fd;
  if (raw_path_open(kRoot, 0, STR("inside.txt"), 0,
                    __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0,
                    ADDR(&openedFd)) != 0) {
    expect("control: open inside.txt", -1, 0, -1);
    return;
  }
  fd = (int32_t)openedFd;
  static char data[16];
  __wasi_iovec_t iovs[2] = {{(uint8_t*)data, 4}, {(uint8_t*)(uintptr_t)BAD_PTR, 4}};
  expect("fd_read with the iovec array past memory", raw_fd_read(fd, BAD_PTR, 1, ADDR(&n)),
         __WASI_ERRNO_FAULT, -1);
  expect("fd_read with 2^29 iovecs", raw_fd_read(fd, ADDR(iovs), 0x20000000, ADDR(&n)),
         __WASI_ERRNO_FAULT, -1);
  expect("fd_read with a buffer past memory", raw_fd_read(fd, ADDR(&iovs[1]), 1, ADDR(&n)),
         __WASI_ERRNO_FAULT, -1);
  expect("fd_read with good then bad buffers", raw_fd_read(fd, ADDR(iovs), 2, ADDR(&n)),
         __WASI_ERRNO_FAULT, -1);
  __wasi_iovec_t edge = {(uint8_t*)(uintptr_t)(size - 1), 2};
  expect("fd_read into the last byte and one past it", raw_fd_read(fd, ADDR(&edge), 1, ADDR(&n)),
         __WASI_ERRNO_FAULT, -1);
  edge.buf_len = 1;
  expect("control: fd_read into the very last byte", raw_fd_read(fd, ADDR(&edge), 1, ADDR(&n)),
         E_OK, -1);
  expect("fd_read with nread past memory", raw_fd_read(fd, ADDR(iovs), 1, BAD_PTR),
         __WASI_ERRNO_FAULT, -1);
  expect("fd_filestat_get into bad memory", raw_fd_filestat_get(fd, BAD_PTR), __WASI_ERRNO_FAULT,
         -1);
  raw_fd_close(fd);

  // A write with one bad iovec writes nothing at all.
  if (raw_path_open(kRoot, 0, STR("written.txt"), __WASI_OFLAGS_CREAT,
                    __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0,
                    ADDR(&openedFd)) == 0) {
    fd = (int32_t)openedFd;
    __wasi_ciovec_t out[2] = {{(const uint8_t*)"hello", 5},
                              {(const uint8_t*)(uintptr_t)BAD_PTR, 5}};
    expect("fd_write with good then bad buffers", raw_fd_write(fd, ADDR(out), 2, ADDR(&n)),
           __WASI_ERRNO_FAULT, -1);
    __wasi_filestat_t st;
    raw_fd_filestat_get(fd, ADDR(&st));
    expect("the file is still empty (no partial write)", (int)st.size, 0, -1);
    raw_fd_close(fd);
  }
  expect("random_get into bad memory", raw_random_get(BAD_PTR, 64), __WASI_ERRNO_FAULT, -1);
  expect("random_get of 4 GiB - 1", raw_random_get(ADDR(data), (int32_t)0xFFFFFFFFu),
         __WASI_ERRNO_FAULT, -1);
  expect("args_get into bad memory", raw_args_get(BAD_PTR, BAD_PTR), __WASI_ERRNO_FAULT, -1);
  expect("clock_time_get into bad memory", raw_clock_time_get(0, 0, BAD_PTR), __WASI_ERRNO_FAULT,
         -1);
  expect("fd_prestat_dir_name into bad memory", raw_fd_prestat_dir_name(kRoot, BAD_PTR, 16),
         __WASI_ERRNO_FAULT, -1);
  expect("fd_readdir into bad memory", raw_fd_readdir(kRoot, BAD_PTR, 256, 0, ADDR(&n)),
         __WASI_ERRNO_FAULT, -1);
  expect("path_filestat_get into bad memory",
         raw_path_filestat_get(kRoot, 0, STR("inside.txt"), BAD_PTR), __WASI_ERRNO_FAULT, -1);
  expect("path_readlink into bad memory",
         raw_path_readlink(kRoot, STR("rellink"), BAD_PTR, 64, ADDR(&n)), __WASI_ERRNO_FAULT, -1);
  expect("poll_oneoff reading bad memory", raw_poll_oneoff(BAD_PTR, ADDR(data), 1, ADDR(&n)),
         __WASI_ERRNO_FAULT, -1);
}

static void caseBounds(void) {
  uint32_t n = 0;
  // Large but legal requests are served in bounded chunks.
  size_t big = 64u << 20;
  uint8_t* buffer = malloc(big);
  expect("control: random_get of 64 MiB", raw_random_get(ADDR(buffer), (int32_t)big), E_OK, -1);
  free(buffer);

  const uint32_t count = 1000000;
  __wasi_ciovec_t* iovs = malloc(sizeof(__wasi_ciovec_t) * count);
  static const uint8_t byte = 'x';
  for (uint32_t i = 0; i < count; ++i) {
    iovs[i].buf = &byte;
    iovs[i].buf_len = 1;
  }
  if (raw_path_open(kRoot, 0, STR("many.txt"), __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0,
                    ADDR(&openedFd)) == 0) {
    int32_t fd = (int32_t)openedFd;
    expect("control: fd_write with a million iovecs",
           raw_fd_write(fd, ADDR(iovs), (int32_t)count, ADDR(&n)), E_OK, -1);
    expect("control: ... wrote a million bytes", (int)n, (int)count, -1);
    raw_fd_close(fd);
  }
  free(iovs);

  // poll_oneoff: host memory grows with the count, so huge counts are refused.
  expect("poll_oneoff with no subscriptions", raw_poll_oneoff(ADDR(&n), ADDR(&n), 0, ADDR(&n)),
         __WASI_ERRNO_INVAL, -1);
  expect("poll_oneoff with 2^28 subscriptions", raw_poll_oneoff(0, 0, 0x10000000, ADDR(&n)),
         __WASI_ERRNO_INVAL, __WASI_ERRNO_FAULT);
  const uint32_t subs = 70000;
  __wasi_subscription_t* in = calloc(subs, sizeof *in);
  __wasi_event_t* out = calloc(subs, sizeof *out);
  for (uint32_t i = 0; i < subs; ++i) {
    in[i].userdata = i;
    in[i].u.tag = __WASI_EVENTTYPE_CLOCK;
    in[i].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    in[i].u.u.clock.timeout = 0;
  }
  expect("poll_oneoff with 70000 subscriptions",
         raw_poll_oneoff(ADDR(in), ADDR(out), (int32_t)subs, ADDR(&n)), __WASI_ERRNO_INVAL, -1);
  expect("control: poll_oneoff with 1000 expired clocks",
         raw_poll_oneoff(ADDR(in), ADDR(out), 1000, ADDR(&n)), E_OK, -1);
  expect("control: ... 1000 events", (int)n, 1000, -1);
  free(in);
  free(out);
}

static void caseNoDir(void) {
  uint8_t prestat[8];
  expect("fd_prestat_get(3) without --dir", raw_fd_prestat_get(3, ADDR(prestat)), __WASI_ERRNO_BADF,
         -1);
  expect("path_open on fd 3 without --dir", openFollow("inside.txt"), __WASI_ERRNO_BADF, -1);
  expect("path_open relative to stdin",
         raw_path_open(0, 0, STR("inside.txt"), 0, __WASI_RIGHTS_FD_READ, 0, 0, ADDR(&openedFd)),
         __WASI_ERRNO_NOTDIR, -1);
  expect("mkdir relative to stdout", raw_path_create_directory(1, STR("evil")), __WASI_ERRNO_NOTDIR,
         -1);
  for (int32_t fd = 3; fd < 64; ++fd)
    if (raw_fd_prestat_get(fd, ADDR(prestat)) == 0)
      expect("no preopen anywhere", fd, -1, -1);
}

/// wasmc's key and cache directories inside a preopen stay out of reach:
/// reading the key would let the guest forge artifacts and cache entries;
/// moving a parent away would let it plant a key of its own.
static void casePrivate(void) {
  const int acces = __WASI_ERRNO_ACCES;
  expect("open home/.config/wasmc/artifact.key", openFollow("home/.config/wasmc/artifact.key"),
         acces, -1);
  expect("open keydir/artifact.key (symlink to the key directory)",
         openFollow("keydir/artifact.key"), acces, -1);
  expect("open keydir (follow)",
         openPath("keydir", 6, 1, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR), acces, -1);
  expect("open home/.config/wasmc", openFollow("home/.config/wasmc"), acces, -1);
  expect("open home/.config/wasmc/../wasmc/artifact.key",
         openFollow("home/.config/wasmc/../wasmc/artifact.key"), acces, -1);
  expect("stat home/.config/wasmc", statPath("home/.config/wasmc", 0), acces, -1);
  expect("stat home/.cache/wasmc/entry", statPath("home/.cache/wasmc/entry", 0), acces, -1);
  expect("unlink the key", unlinkPath("home/.config/wasmc/artifact.key"), acces, -1);
  expect("link the key out", linkPath("home/.config/wasmc/artifact.key", "stolen", 0), acces, -1);
  expect("create home/.cache/wasmc/planted", createFile("home/.cache/wasmc/planted", 0), acces,
         -1);
  expect("rename the key directory", renamePath("home/.config/wasmc", "home/.config/old"), acces,
         -1);
  expect("rename home/.config (a parent)", renamePath("home/.config", "moved"), acces, -1);
  expect("rename home (a grandparent)", renamePath("home", "moved"), acces, -1);
  expect("rename the cache directory", renamePath("home/.cache/wasmc", "cache"), acces, -1);
  expect("rename something over the key directory", renamePath("inside.txt", "home/.config/wasmc"),
         acces, -1);
  expect("control: open home/.config",
         openPath("home/.config", 12, 0, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR), E_OK,
         -1);
  expect("control: create home/.config/other.txt", createFile("home/.config/other.txt", 0), E_OK,
         -1);
  expect("control: rename it", renamePath("home/.config/other.txt", "home/other.txt"), E_OK, -1);
  expect("control: stat home", statPath("home", 0), E_OK, -1);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: escape CASE [ABSOLUTE_SECRET_PATH]\n");
    return 2;
  }
  const char* which = argv[1];
  const char* secret = argc > 2 ? argv[2] : "/nonexistent/secret.txt";
  if (!strcmp(which, "dotdot"))
    caseDotdot();
  else if (!strcmp(which, "absolute"))
    caseAbsolute(secret);
  else if (!strcmp(which, "symlink-absolute"))
    caseSymlinkAbsolute();
  else if (!strcmp(which, "symlink-relative"))
    caseSymlinkRelative();
  else if (!strcmp(which, "symlink-chain"))
    caseSymlinkChain();
  else if (!strcmp(which, "guest-symlink"))
    caseGuestSymlink();
  else if (!strcmp(which, "trailing-slash"))
    caseTrailingSlash();
  else if (!strcmp(which, "loop"))
    caseLoop();
  else if (!strcmp(which, "nul"))
    caseNul();
  else if (!strcmp(which, "efault"))
    caseEfault();
  else if (!strcmp(which, "bounds"))
    caseBounds();
  else if (!strcmp(which, "private"))
    casePrivate();
  else if (!strcmp(which, "nodir"))
    caseNoDir();
  else {
    fprintf(stderr, "unknown case %s\n", which);
    return 2;
  }
  printf("%d failed\n", failures);
  return failures ? 1 : 0;
}
