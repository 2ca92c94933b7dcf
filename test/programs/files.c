// Files: create, write, read back, seek, pread/pwrite, append, truncate,
// stat, rename, hard and symbolic links, unlink, stdio streams, and the
// errors of the usual mistakes. Works in the current directory.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char* errnoName(int e) {
  switch (e) {
  case ENOENT: return "ENOENT";
  case EEXIST: return "EEXIST";
  case EISDIR: return "EISDIR";
  case ENOTDIR: return "ENOTDIR";
  case EBADF: return "EBADF";
  case EINVAL: return "EINVAL";
  case ENOTEMPTY: return "ENOTEMPTY";
  case ELOOP: return "ELOOP";
  default: return "other";
  }
}

#define CHECK(expr)                                                                                \
  do {                                                                                             \
    if (!(expr)) {                                                                                 \
      printf("FAILED: %s (line %d, errno %s)\n", #expr, __LINE__, errnoName(errno));               \
      return 1;                                                                                    \
    }                                                                                              \
  } while (0)

static long sizeOf(const char* path) {
  struct stat info;
  return stat(path, &info) == 0 ? (long)info.st_size : -1;
}

int main(void) {
  int fd = open("data.bin", O_CREAT | O_EXCL | O_RDWR, 0644);
  CHECK(fd >= 0);
  const char text[] = "The quick brown fox jumps over the lazy dog\n";
  CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
  printf("size after write: %ld\n", sizeOf("data.bin"));
  CHECK(lseek(fd, 4, SEEK_SET) == 4);
  char word[6] = {0};
  CHECK(read(fd, word, 5) == 5);
  printf("word at 4: %s\n", word);
  printf("position: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  CHECK(pwrite(fd, "QUICK", 5, 4) == 5);
  printf("position after pwrite: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  char all[64] = {0};
  CHECK(pread(fd, all, sizeof all - 1, 0) == (ssize_t)(sizeof text - 1));
  printf("contents: %s", all);
  printf("seek to end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
  printf("seek past end: %lld\n", (long long)lseek(fd, 100, SEEK_END));
  CHECK(write(fd, "!", 1) == 1);
  printf("size with a hole: %ld\n", sizeOf("data.bin"));
  CHECK(ftruncate(fd, 10) == 0);
  struct stat info;
  CHECK(fstat(fd, &info) == 0);
  printf("after ftruncate: size %lld regular %d\n", (long long)info.st_size, S_ISREG(info.st_mode));
  CHECK(close(fd) == 0);
  printf("close twice: %s\n", close(fd) == -1 ? errnoName(errno) : "succeeded");

  fd = open("data.bin", O_WRONLY | O_APPEND);
  CHECK(fd >= 0);
  CHECK(lseek(fd, 0, SEEK_SET) == 0);
  CHECK(write(fd, "++", 2) == 2);
  CHECK(close(fd) == 0);
  printf("after append: %ld\n", sizeOf("data.bin"));

  printf("open missing: %s\n", open("missing.txt", O_RDONLY) < 0 ? errnoName(errno) : "opened");
  printf("exclusive create of existing: %s\n",
         open("data.bin", O_CREAT | O_EXCL | O_WRONLY, 0644) < 0 ? errnoName(errno) : "opened");
  printf("file as a directory: %s\n",
         open("data.bin/x", O_RDONLY) < 0 ? errnoName(errno) : "opened");

  CHECK(rename("data.bin", "renamed.bin") == 0);
  printf("old name after rename: %ld, new: %ld\n", sizeOf("data.bin"), sizeOf("renamed.bin"));
  CHECK(link("renamed.bin", "hardlink.bin") == 0);
  CHECK(stat("renamed.bin", &info) == 0);
  printf("links: %lu\n", (unsigned long)info.st_nlink);
  CHECK(symlink("renamed.bin", "symlink.bin") == 0);
  char target[64] = {0};
  CHECK(readlink("symlink.bin", target, sizeof target - 1) > 0);
  printf("symlink -> %s, size through it %ld\n", target, sizeOf("symlink.bin"));
  struct stat linkInfo;
  CHECK(lstat("symlink.bin", &linkInfo) == 0);
  printf("lstat says symlink: %d\n", S_ISLNK(linkInfo.st_mode));
  CHECK(unlink("symlink.bin") == 0);
  CHECK(unlink("hardlink.bin") == 0);

  FILE* stream = fopen("lines.txt", "w+");
  CHECK(stream != NULL);
  for (int i = 1; i <= 5; ++i)
    fprintf(stream, "line %d: %d squared is %d\n", i, i, i * i);
  rewind(stream);
  char line[128];
  int count = 0;
  while (fgets(line, sizeof line, stream))
    if (++count == 3)
      printf("third line: %s", line);
  printf("lines read back: %d, ftell %ld\n", count, ftell(stream));
  CHECK(fclose(stream) == 0);
  CHECK(unlink("lines.txt") == 0);
  printf("unlink twice: %s\n", unlink("lines.txt") < 0 ? errnoName(errno) : "succeeded");
  return 0;
}
