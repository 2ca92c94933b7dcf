/* vm: a stack-machine bytecode interpreter (switch dispatch) running trial-division prime
 * counting and Collatz step counting. Measures dispatch, branches and loads. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum Op {
  PUSH, LOAD, STORE, ADD, SUB, MUL, DIVU, REMU, AND, XOR, SHR, LTU, EQ,
  JMP, JZ, JNZ, DUP, DROP, HALT
};

#define MAX_CODE 256
#define NLOCALS 8

typedef struct {
  int32_t code[MAX_CODE];
  int len;
} Program;

static void emit(Program *p, int32_t op) { p->code[p->len++] = op; }
static void emit1(Program *p, int32_t op, int32_t arg) {
  emit(p, op);
  emit(p, arg);
}
/* Emit a jump whose target is patched later; returns the operand's index. */
static int emit_jump(Program *p, int32_t op) {
  emit1(p, op, -1);
  return p->len - 1;
}
static void patch(Program *p, int at) { p->code[at] = p->len; }

static uint32_t run(const Program *p, uint32_t *locals) {
  uint32_t stack[64];
  int sp = 0, pc = 0;
  for (;;) {
    int32_t op = p->code[pc++];
    switch (op) {
    case PUSH: stack[sp++] = (uint32_t)p->code[pc++]; break;
    case LOAD: stack[sp++] = locals[p->code[pc++]]; break;
    case STORE: locals[p->code[pc++]] = stack[--sp]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case DIVU: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] / stack[sp] : 0; break;
    case REMU: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] % stack[sp] : 0; break;
    case AND: sp--; stack[sp - 1] &= stack[sp]; break;
    case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
    case SHR: sp--; stack[sp - 1] >>= (stack[sp] & 31); break;
    case LTU: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
    case JMP: pc = p->code[pc]; break;
    case JZ: pc = stack[--sp] == 0 ? p->code[pc] : pc + 1; break;
    case JNZ: pc = stack[--sp] != 0 ? p->code[pc] : pc + 1; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case DROP: sp--; break;
    case HALT: return sp > 0 ? stack[sp - 1] : 0;
    default: return 0xDEADu;
    }
  }
}

/* locals: 0 = n, 1 = d, 2 = count, 3 = limit, 4 = hash */
static void build_primes(Program *p) {
  emit1(p, PUSH, 2); emit1(p, STORE, 0);
  int outer = p->len;
  emit1(p, LOAD, 0); emit1(p, LOAD, 3); emit(p, LTU);
  int to_done = emit_jump(p, JZ);
  emit1(p, PUSH, 2); emit1(p, STORE, 1);
  int inner = p->len; /* while d*d <= n */
  emit1(p, LOAD, 0); emit1(p, LOAD, 1); emit1(p, LOAD, 1); emit(p, MUL); emit(p, LTU);
  int to_prime = emit_jump(p, JNZ); /* n < d*d: prime */
  emit1(p, LOAD, 0); emit1(p, LOAD, 1); emit(p, REMU);
  int to_composite = emit_jump(p, JZ);
  emit1(p, LOAD, 1); emit1(p, PUSH, 1); emit(p, ADD); emit1(p, STORE, 1);
  emit1(p, JMP, inner);
  patch(p, to_prime);
  emit1(p, LOAD, 2); emit1(p, PUSH, 1); emit(p, ADD); emit1(p, STORE, 2);
  /* hash = (hash ^ n) * 0x01000193 */
  emit1(p, LOAD, 4); emit1(p, LOAD, 0); emit(p, XOR); emit1(p, PUSH, 0x01000193); emit(p, MUL);
  emit1(p, STORE, 4);
  patch(p, to_composite);
  emit1(p, LOAD, 0); emit1(p, PUSH, 1); emit(p, ADD); emit1(p, STORE, 0);
  emit1(p, JMP, outer);
  patch(p, to_done);
  emit1(p, LOAD, 2); emit(p, HALT);
}

/* locals: 0 = n, 1 = x, 2 = total steps, 3 = limit, 5 = max steps */
static void build_collatz(Program *p) {
  emit1(p, PUSH, 1); emit1(p, STORE, 0);
  int outer = p->len;
  emit1(p, LOAD, 0); emit1(p, LOAD, 3); emit(p, LTU);
  int to_done = emit_jump(p, JZ);
  emit1(p, LOAD, 0); emit1(p, STORE, 1);
  emit1(p, PUSH, 0); emit1(p, STORE, 6); /* steps for this n */
  int loop = p->len;
  emit1(p, LOAD, 1); emit1(p, PUSH, 1); emit(p, EQ);
  int to_next = emit_jump(p, JNZ);
  emit1(p, LOAD, 1); emit1(p, PUSH, 1); emit(p, AND);
  int to_even = emit_jump(p, JZ);
  emit1(p, LOAD, 1); emit1(p, PUSH, 3); emit(p, MUL); emit1(p, PUSH, 1); emit(p, ADD);
  emit1(p, STORE, 1);
  int to_count = emit_jump(p, JMP);
  patch(p, to_even);
  emit1(p, LOAD, 1); emit1(p, PUSH, 1); emit(p, SHR); emit1(p, STORE, 1);
  patch(p, to_count);
  emit1(p, LOAD, 6); emit1(p, PUSH, 1); emit(p, ADD); emit1(p, STORE, 6);
  emit1(p, JMP, loop);
  patch(p, to_next);
  emit1(p, LOAD, 2); emit1(p, LOAD, 6); emit(p, ADD); emit1(p, STORE, 2);
  emit1(p, LOAD, 5); emit1(p, LOAD, 6); emit(p, LTU); /* max < steps ? */
  int to_keep = emit_jump(p, JZ);
  emit1(p, LOAD, 6); emit1(p, STORE, 5);
  patch(p, to_keep);
  emit1(p, LOAD, 0); emit1(p, PUSH, 1); emit(p, ADD); emit1(p, STORE, 0);
  emit1(p, JMP, outer);
  patch(p, to_done);
  emit1(p, LOAD, 2); emit(p, HALT);
}

int main(int argc, char **argv) {
  uint32_t scale = (uint32_t)(argc > 1 ? atoi(argv[1]) : 1);
  static Program primes, collatz;
  build_primes(&primes);
  build_collatz(&collatz);

  uint32_t pl[NLOCALS] = {0}, cl[NLOCALS] = {0};
  pl[3] = 700000 * scale;
  pl[4] = 2166136261u;
  uint32_t nprimes = run(&primes, pl);
  cl[3] = 100000; /* trajectories below 1e5 stay under 2^32 */
  uint32_t steps = 0;
  for (uint32_t r = 0; r < scale; r++)
    steps = run(&collatz, cl);
  printf("vm: primes below %u = %u (hash %08x); collatz n<%u total steps %u, max %u\n", pl[3],
         nprimes, pl[4], cl[3], steps, cl[5]);
  return 0;
}
