// Large reads and writes: a 48 MiB file written in varied chunk sizes (up to
// 8 MiB in one write), read back with read, pread and readv, and checked with
// a running hash; then copied with large buffers.
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static uint64_t fnv(uint64_t hash, const unsigned char* data, size_t size) {
  for (size_t i = 0; i < size; ++i)
    hash = (hash ^ data[i]) * 1099511628211ull;
  return hash;
}

static unsigned char patternByte(uint64_t offset) {
  return (unsigned char)((offset * 2654435761u) >> 13);
}

int main(void) {
  const size_t total = 48u << 20;
  unsigned char* buffer = malloc(8u << 20);
  int fd = open("big.bin", O_CREAT | O_TRUNC | O_RDWR, 0644);
  if (fd < 0 || !buffer)
    return 1;
  uint64_t written = 0, hash = 1469598103934665603ull;
  size_t sizes[] = {1, 7, 4096, 65536, 1000003, 8u << 20, 12345};
  for (int k = 0; written < total; ++k) {
    size_t chunk = sizes[k % 7];
    if (chunk > total - written)
      chunk = total - written;
    for (size_t i = 0; i < chunk; ++i)
      buffer[i] = patternByte(written + i);
    ssize_t n = write(fd, buffer, chunk);
    if (n != (ssize_t)chunk) {
      printf("short write %zd of %zu\n", n, chunk);
      return 1;
    }
    hash = fnv(hash, buffer, chunk);
    written += chunk;
  }
  struct stat info;
  fstat(fd, &info);
  printf("wrote %llu bytes, size %lld, hash %016llx\n", (unsigned long long)written,
         (long long)info.st_size, (unsigned long long)hash);

  lseek(fd, 0, SEEK_SET);
  uint64_t readHash = 1469598103934665603ull, got = 0;
  for (;;) {
    ssize_t n = read(fd, buffer, 3u << 20);
    if (n <= 0)
      break;
    readHash = fnv(readHash, buffer, (size_t)n);
    got += (uint64_t)n;
  }
  printf("read %llu bytes, hash matches: %d\n", (unsigned long long)got, readHash == hash);

  uint64_t preadHash = 1469598103934665603ull;
  for (uint64_t offset = 0; offset < total; offset += 5u << 20) {
    size_t want = total - offset < (5u << 20) ? (size_t)(total - offset) : 5u << 20;
    ssize_t n = pread(fd, buffer, want, (off_t)offset);
    if (n != (ssize_t)want)
      return 1;
    preadHash = fnv(preadHash, buffer, want);
  }
  printf("pread hash matches: %d\n", preadHash == hash);

  // readv into three uneven buffers at a time.
  lseek(fd, 0, SEEK_SET);
  uint64_t vecHash = 1469598103934665603ull;
  unsigned char* parts[3] = {buffer, buffer + 100, buffer + 100 + 70000};
  size_t lengths[3] = {100, 70000, 1000000};
  for (;;) {
    struct iovec iov[3] = {{parts[0], lengths[0]}, {parts[1], lengths[1]}, {parts[2], lengths[2]}};
    ssize_t n = readv(fd, iov, 3);
    if (n <= 0)
      break;
    vecHash = fnv(vecHash, buffer, (size_t)n);
  }
  printf("readv hash matches: %d\n", vecHash == hash);

  int copy = open("copy.bin", O_CREAT | O_TRUNC | O_WRONLY, 0644);
  lseek(fd, 0, SEEK_SET);
  for (;;) {
    ssize_t n = read(fd, buffer, 8u << 20);
    if (n <= 0)
      break;
    if (write(copy, buffer, (size_t)n) != n)
      return 1;
  }
  close(copy);
  close(fd);
  stat("copy.bin", &info);
  printf("copy size %lld\n", (long long)info.st_size);
  unlink("big.bin");
  unlink("copy.bin");
  free(buffer);
  return 0;
}
