// The vector families of wasm.h: new_empty, new_uninitialized, new, copy
// and delete for each element type. A vector owns its elements: delete
// deletes them, copy copies them.

#include "embed/capi/Handles.h"

#include <algorithm>

namespace {

template <class Vec, class Elem>
void newUninitialized(Vec* out, size_t size) {
  out->size = size;
  out->data = size ? new Elem[size]() : nullptr;
}

template <class Vec, class Elem>
void newFrom(Vec* out, size_t size, const Elem data[]) {
  newUninitialized<Vec, Elem>(out, size);
  std::copy_n(data, size, out->data);
}

template <class Vec>
void release(Vec* vec) {
  delete[] vec->data;
  vec->size = 0;
  vec->data = nullptr;
}

} // namespace

// Vectors of owned pointers: the elements are copied and deleted with the
// element type's own copy and delete.
#define WASMC_POINTER_VEC(name)                                                                                     \
  void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) { newUninitialized<wasm_##name##_vec_t, wasm_##name##_t*>(out, 0); } \
  void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t size) {                               \
    newUninitialized<wasm_##name##_vec_t, wasm_##name##_t*>(out, size);                                           \
  }                                                                                                               \
  void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t size, wasm_##name##_t* const data[]) {             \
    newFrom(out, size, data);                                                                                     \
  }                                                                                                               \
  void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* source) {                     \
    newUninitialized<wasm_##name##_vec_t, wasm_##name##_t*>(out, source->size);                                   \
    for (size_t i = 0; i < source->size; ++i)                                                                     \
      out->data[i] = source->data[i] ? wasm_##name##_copy(source->data[i]) : nullptr;                             \
  }                                                                                                               \
  void wasm_##name##_vec_delete(wasm_##name##_vec_t* vec) {                                                       \
    for (size_t i = 0; i < vec->size; ++i)                                                                        \
      if (vec->data[i])                                                                                           \
        wasm_##name##_delete(vec->data[i]);                                                                       \
    release(vec);                                                                                                 \
  }

extern "C" {

WASMC_POINTER_VEC(valtype)
WASMC_POINTER_VEC(functype)
WASMC_POINTER_VEC(globaltype)
WASMC_POINTER_VEC(tabletype)
WASMC_POINTER_VEC(memorytype)
WASMC_POINTER_VEC(externtype)
WASMC_POINTER_VEC(importtype)
WASMC_POINTER_VEC(exporttype)
WASMC_POINTER_VEC(frame)
WASMC_POINTER_VEC(extern)

void wasm_byte_vec_new_empty(wasm_byte_vec_t* out) { newUninitialized<wasm_byte_vec_t, wasm_byte_t>(out, 0); }
void wasm_byte_vec_new_uninitialized(wasm_byte_vec_t* out, size_t size) {
  newUninitialized<wasm_byte_vec_t, wasm_byte_t>(out, size);
}
void wasm_byte_vec_new(wasm_byte_vec_t* out, size_t size, const wasm_byte_t data[]) { newFrom(out, size, data); }
void wasm_byte_vec_copy(wasm_byte_vec_t* out, const wasm_byte_vec_t* source) {
  newFrom(out, source->size, source->data);
}
void wasm_byte_vec_delete(wasm_byte_vec_t* vec) { release(vec); }

// Values own their references: copied with wasm_val_copy, deleted with
// wasm_val_delete.
void wasm_val_vec_new_empty(wasm_val_vec_t* out) { newUninitialized<wasm_val_vec_t, wasm_val_t>(out, 0); }
void wasm_val_vec_new_uninitialized(wasm_val_vec_t* out, size_t size) {
  newUninitialized<wasm_val_vec_t, wasm_val_t>(out, size);
}
void wasm_val_vec_new(wasm_val_vec_t* out, size_t size, const wasm_val_t data[]) { newFrom(out, size, data); }
void wasm_val_vec_copy(wasm_val_vec_t* out, const wasm_val_vec_t* source) {
  newUninitialized<wasm_val_vec_t, wasm_val_t>(out, source->size);
  for (size_t i = 0; i < source->size; ++i)
    wasm_val_copy(&out->data[i], &source->data[i]);
}
void wasm_val_vec_delete(wasm_val_vec_t* vec) {
  for (size_t i = 0; i < vec->size; ++i)
    wasm_val_delete(&vec->data[i]);
  release(vec);
}

} // extern "C"
