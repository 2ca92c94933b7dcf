// Directories: nested mkdir, listing (sorted, with file types), stat,
// rmdir of empty and non-empty directories, rename of a directory, and
// paths with "." and "..".
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int compare(const void* a, const void* b) { return strcmp((const char*)a, (const char*)b); }

static void list(const char* path) {
  DIR* dir = opendir(path);
  if (!dir) {
    printf("opendir %s failed\n", path);
    return;
  }
  char names[256][64];
  int count = 0;
  struct dirent* entry;
  while ((entry = readdir(dir)) && count < 256) {
    const char* kind = entry->d_type == DT_DIR   ? "dir"
                       : entry->d_type == DT_REG ? "file"
                       : entry->d_type == DT_LNK ? "link"
                                                 : "other";
    snprintf(names[count++], sizeof names[0], "%s (%s)", entry->d_name, kind);
  }
  closedir(dir);
  qsort(names, (size_t)count, sizeof names[0], compare);
  printf("%s: %d entries\n", path, count);
  for (int i = 0; i < count; ++i)
    printf("  %s\n", names[i]);
}

static void touch(const char* path) {
  int fd = open(path, O_CREAT | O_WRONLY, 0644);
  if (fd >= 0)
    close(fd);
}

int main(void) {
  printf("mkdir tree: %d\n", mkdir("tree", 0755));
  printf("mkdir again: %s\n", mkdir("tree", 0755) < 0 && errno == EEXIST ? "EEXIST" : "?");
  printf("mkdir nested: %d %d %d\n", mkdir("tree/a", 0755), mkdir("tree/a/b", 0755),
         mkdir("tree/c", 0755));
  printf("mkdir without parent: %s\n",
         mkdir("tree/x/y", 0755) < 0 && errno == ENOENT ? "ENOENT" : "?");
  touch("tree/file1");
  touch("tree/a/file2");
  touch("tree/a/b/file3");
  symlink("a/b", "tree/link");
  list("tree");
  list("tree/a");
  list("tree/./a/../link");
  struct stat info;
  printf("stat tree/a: dir %d\n", stat("tree/a", &info) == 0 && S_ISDIR(info.st_mode));
  printf("stat tree/link/file3: file %d\n",
         stat("tree/link/file3", &info) == 0 && S_ISREG(info.st_mode));
  printf("rmdir non-empty: %s\n", rmdir("tree/a") < 0 && errno == ENOTEMPTY ? "ENOTEMPTY" : "?");
  printf("rmdir a file: %s\n", rmdir("tree/file1") < 0 && errno == ENOTDIR ? "ENOTDIR" : "?");
  printf("rename dir: %d\n", rename("tree/c", "tree/c2"));
  printf("rename onto non-empty: %s\n",
         rename("tree/c2", "tree/a") < 0 && (errno == ENOTEMPTY || errno == EEXIST) ? "refused"
                                                                                    : "?");
  list("tree");

  // Many entries: readdir must page through them all.
  mkdir("many", 0755);
  char name[64];
  for (int i = 0; i < 500; ++i) {
    snprintf(name, sizeof name, "many/entry-with-a-longish-name-%03d", i);
    touch(name);
  }
  DIR* dir = opendir("many");
  int seen = 0;
  long sum = 0;
  struct dirent* entry;
  while ((entry = readdir(dir))) {
    int n;
    if (sscanf(entry->d_name, "entry-with-a-longish-name-%d", &n) == 1) {
      ++seen;
      sum += n;
    }
  }
  closedir(dir);
  printf("many: %d entries, index sum %ld\n", seen, sum);
  for (int i = 0; i < 500; ++i) {
    snprintf(name, sizeof name, "many/entry-with-a-longish-name-%03d", i);
    unlink(name);
  }
  printf("rmdir many: %d\n", rmdir("many"));

  unlink("tree/link");
  unlink("tree/a/b/file3");
  unlink("tree/a/file2");
  unlink("tree/file1");
  printf("cleanup: %d %d %d %d\n", rmdir("tree/a/b"), rmdir("tree/a"), rmdir("tree/c2"),
         rmdir("tree"));
  printf("tree gone: %d\n", stat("tree", &info) < 0 && errno == ENOENT);
  return 0;
}
