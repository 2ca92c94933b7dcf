/* hashtable: open-addressing hash table (linear probing, tombstones, 64-bit keys) doing inserts,
 * hits, misses, deletes and re-inserts; measures cache-missing loads and unpredictable branches. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CAP_BITS 22
#define CAP (1u << CAP_BITS)
#define EMPTY 0u
#define TOMBSTONE 1u /* keys are always >= 2 */

typedef struct {
  uint64_t *keys;
  uint32_t *vals;
  uint32_t count;
} Table;

static uint64_t rng = 0xB7E151628AED2A6Bull;
static uint64_t xorshift64(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static uint32_t slot_of(uint64_t key) {
  key ^= key >> 31;
  key *= 0x7FB5D329728EA185ull;
  key ^= key >> 27;
  return (uint32_t)(key >> (64 - CAP_BITS));
}

/* Insert or update; returns 1 if the key was new. */
static int put(Table *t, uint64_t key, uint32_t val) {
  uint32_t i = slot_of(key), grave = CAP;
  for (;;) {
    uint64_t k = t->keys[i];
    if (k == key) {
      t->vals[i] = val;
      return 0;
    }
    if (k == TOMBSTONE && grave == CAP)
      grave = i;
    if (k == EMPTY)
      break;
    i = (i + 1) & (CAP - 1);
  }
  if (grave != CAP)
    i = grave;
  t->keys[i] = key;
  t->vals[i] = val;
  t->count++;
  return 1;
}

static uint32_t *get(Table *t, uint64_t key) {
  for (uint32_t i = slot_of(key);; i = (i + 1) & (CAP - 1)) {
    uint64_t k = t->keys[i];
    if (k == key)
      return &t->vals[i];
    if (k == EMPTY)
      return NULL;
  }
}

static int del(Table *t, uint64_t key) {
  for (uint32_t i = slot_of(key);; i = (i + 1) & (CAP - 1)) {
    uint64_t k = t->keys[i];
    if (k == key) {
      t->keys[i] = TOMBSTONE;
      t->count--;
      return 1;
    }
    if (k == EMPTY)
      return 0;
  }
}

/* Keys from a small-ish universe so inserts hit duplicates and lookups hit or miss. */
static uint64_t random_key(uint32_t universe) { return 2 + xorshift64() % universe; }

int main(int argc, char **argv) {
  int rounds = 6 * (argc > 1 ? atoi(argv[1]) : 1);
  Table t = {calloc(CAP, sizeof(uint64_t)), calloc(CAP, sizeof(uint32_t)), 0};
  if (!t.keys || !t.vals)
    return 1;
  const uint32_t universe = 4000000;
  uint64_t inserted = 0, hits = 0, misses = 0, deleted = 0, sum = 0;
  for (int r = 0; r < rounds; r++) {
    for (uint32_t i = 0; i < 1500000; i++)
      inserted += (uint64_t)put(&t, random_key(universe), i ^ (uint32_t)r);
    for (uint32_t i = 0; i < 3000000; i++) {
      uint32_t *v = get(&t, random_key(universe));
      if (v) {
        hits++;
        sum += *v;
      } else {
        misses++;
      }
    }
    for (uint32_t i = 0; i < 1000000; i++)
      deleted += (uint64_t)del(&t, random_key(universe));
    /* rebuild when tombstones pile up, as a real table would */
    if (r % 2 == 1) {
      for (uint32_t i = 0; i < CAP; i++)
        if (t.keys[i] == TOMBSTONE)
          t.keys[i] = EMPTY;
      /* clearing tombstones breaks probe chains: re-insert everything that remains */
      uint32_t moved = 0;
      for (uint32_t i = 0; i < CAP; i++) {
        uint64_t k = t.keys[i];
        if (k >= 2 && get(&t, k) == NULL) {
          uint32_t v = t.vals[i];
          t.keys[i] = TOMBSTONE;
          t.count--;
          put(&t, k, v);
          moved++;
        }
      }
      sum += moved;
    }
  }
  printf("hashtable: size=%u inserted=%llu hits=%llu misses=%llu deleted=%llu sum=%llu\n", t.count,
         (unsigned long long)inserted, (unsigned long long)hits, (unsigned long long)misses,
         (unsigned long long)deleted, (unsigned long long)sum);
  free(t.keys);
  free(t.vals);
  return 0;
}
