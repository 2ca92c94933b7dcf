// What every C test of the embedding API needs: CHECK, which reports the
// failed condition with its line and exits 1, and read_file.
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <wasm.h>

#define CHECK(condition)                                                              \
  do {                                                                                \
    if (!(condition)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition);  \
      exit(1);                                                                        \
    }                                                                                 \
  } while (0)

/// The whole file at `path` (CHECK fails if it cannot be read).
static inline wasm_byte_vec_t read_file(const char* path) {
  FILE* file = fopen(path, "rb");
  CHECK(file);
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new_uninitialized(&bytes, (size_t)size);
  CHECK(fread(bytes.data, 1, (size_t)size, file) == (size_t)size);
  fclose(file);
  return bytes;
}
