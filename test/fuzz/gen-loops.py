#!/usr/bin/env python3
"""Generator (b): loops of memory accesses, aimed at what wasmc's LLVM passes
rewrite (loop strength reduction, the guard-page bounds proofs, hoisting).

    gen-loops.py OUTDIR FIRST_SEED [COUNT]

writes OUTDIR/loops-SEED.wat and .wasm for COUNT seeds (default 1) and
prints each .wasm path. Deterministic in SEED; the text is assembled by
wabt's wat2wasm.

Each module has one memory (exported as "mem", always with a maximum of at
most 24 pages), a funcref table, mutable globals, active and passive data and
element segments, and "kernels" (param $p i32) (param $end i32) (result i64)
of these shapes:
  ne     p += step until p == end       (step up or down, 1 B .. 64 KiB)
  while  the same, tested at the top
  lt/gt  p += step while p <u end / p >u end (no wrap around 2^32 possible)
  count  i = 0 .. n with p += step       (end is n)
  index  accesses at p + (i << shift)    (end is n)
Their bodies are unrolled 1-4 times; each copy loads or stores at p + c (c
from -8 down to -2^31, 0, and up to 0xFFFFFFFF) with static offset=
immediates, some only on odd iterations, some loads dropped, and mixes in
memory.grow (inline or in a called function), memory.fill/copy/init,
data.drop, table operations and data-dependent early exits. The
loop-carried checksum is returned.

Most modules also get "fault" exports (class FaultingState): globals,
table slots and memory changed before and after an access that may fault.
About half the modules also get multi-value functions (class MultiValues):
2..8 results, mostly floats with NaN payloads, called directly, through
call_indirect and in a multi-value block.

Every loop is bounded: ne loops reach end exactly (end = p0 + k*step mod 2^32
and p changes only by step), lt/gt loops cannot wrap, counted loops run at
most 64 times, nested loops at most 3 times.

Exports take no parameters (wasm-interp --run-all-exports calls only those):
each calls a kernel with constant arguments, with arguments from mutable
globals (so inlining cannot fold them), or through call_indirect. The last
export, "zz_hash", hashes all of memory, for wasm-interp cannot dump it.
"""
import os
import random
import shutil
import subprocess
import sys

PAGE = 65536
LOADS = [  # (instruction, bytes, how to widen the result to i64)
    ("i32.load", 4, "i64.extend_i32_u"), ("i64.load", 8, None),
    ("i32.load8_s", 1, "i64.extend_i32_s"), ("i32.load8_u", 1, "i64.extend_i32_u"),
    ("i32.load16_s", 2, "i64.extend_i32_s"), ("i32.load16_u", 2, "i64.extend_i32_u"),
    ("i64.load8_u", 1, None), ("i64.load16_s", 2, None), ("i64.load32_s", 4, None),
    ("i64.load32_u", 4, None), ("f32.load", 4, "f32"), ("f64.load", 8, "f64"),
    ("v128.load", 16, "v128"), ("v128.load64_splat", 8, "v128"), ("v128.load32_zero", 4, "v128"),
]
STORES = [  # (instruction, bytes, how to narrow the i64 checksum to the operand)
    ("i32.store", 4, "i32.wrap_i64"), ("i64.store", 8, None), ("i32.store8", 1, "i32.wrap_i64"),
    ("i32.store16", 2, "i32.wrap_i64"), ("i64.store8", 1, None), ("i64.store16", 2, None),
    ("i64.store32", 4, None), ("f64.store", 8, "f64.reinterpret_i64"),
    ("f32.store", 4, "f32"), ("v128.store", 16, "i64x2.splat"),
]
NEAR_ZERO_NEG = [-1, -2, -4, -8, -12, -16, -24, -32, -64, -128, -256, -4096, -65536, -65537]
FAR_NEG = [-(1 << 20), -(1 << 24), -(1 << 30), -(1 << 31) + 1, -(1 << 31)]
NEAR_TOP_POS = [0xFFFFFFF0, 0xFFFFFFF8, 0xFFFFFFFC, 0xFFFFFFFF, 0xFFFF0000, 0x80000000, 0x7FFFFFFF]
SMALL_POS = [0, 0, 0, 1, 2, 4, 8, 12, 16, 32, 63, 64, 100, 4096, 65535, 65536]
OFFSETS = [0] * 12 + [1, 4, 8, 16, 100, 4096, 65535, 65536, 1 << 20, 0x7FFFFFFF, 0xFFFFFFF0, 0xFFFFFFFF]
STEPS = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64, 128, 256, 1024, 4096, 4100, 16384, 65536]


def u32(x):
    return x & 0xFFFFFFFF


def s32(x):
    x = u32(x)
    return x - (1 << 32) if x >= (1 << 31) else x


class Module:
    def __init__(self, seed):
        self.seed_name = f"loops-{seed}"
        self.r = random.Random(self.seed_name)
        r = self.r
        self.pages = r.choice([1, 1, 1, 2, 3, 4])
        self.max_pages = min(24, self.pages + r.choice([0, 0, 1, 2, 4, 8, 16]))
        self.table_size = r.randint(2, 8)
        self.table_max = self.table_size + r.choice([0, 2, 8])
        self.n_data = r.randint(1, 3)        # passive data segments $d0..
        self.n_tf = 4                         # table functions $tf0..$tf3
        self.globals = []                     # (name, init) of mutable i32 globals
        self.funcs = []
        self.exports = []                     # (export name, wat body of a () -> i64 function)
        self.kernel_slots = []                # table slots holding kernels (after the $tf)

    # ---- small pieces -------------------------------------------------

    def const_offset(self):
        r = self.r
        pick = r.random()
        if pick < 0.35:
            return r.choice(SMALL_POS)
        if pick < 0.65:
            return r.choice(NEAR_ZERO_NEG)
        if pick < 0.8:
            return r.choice(NEAR_TOP_POS)
        if pick < 0.9:
            return r.choice(FAR_NEG)
        return r.randint(-70000, 70000)

    def memarg(self, size):
        r = self.r
        text = ""
        off = r.choice(OFFSETS) if r.random() < 0.3 else 0
        if off:
            text += f" offset={off}"
        if r.random() < 0.2 and size > 1:
            text += f" align={r.choice([a for a in (1, 2, 4, 8) if a < size])}"
        return text

    def address(self, base, j, stride):
        """p + j*stride + c, as wasm computes it (i32.add wraps)."""
        c = s32(j * stride + self.const_offset())
        if c == 0:
            return f"(local.get {base})"
        return f"(i32.add (local.get {base}) (i32.const {c}))"

    def load(self, addr):
        op, size, widen = self.r.choice(LOADS)
        value = f"({op}{self.memarg(size)} {addr})"
        if widen == "f32":
            return f"(i64.extend_i32_u (i32.reinterpret_f32 {value}))"
        if widen == "f64":
            return f"(i64.reinterpret_f64 {value})"
        if widen == "v128":
            return f"(i64x2.extract_lane {self.r.randint(0, 1)} {value})"
        return f"({widen} {value})" if widen else value

    def store(self, addr, value):
        op, size, narrow = self.r.choice(STORES)
        if narrow == "f32":
            value = f"(f32.reinterpret_i32 (i32.wrap_i64 {value}))"
        elif narrow:
            value = f"({narrow} {value})"
        return f"({op}{self.memarg(size)} {addr} {value})"

    def mix(self, value):
        return (f"(local.set $s (i64.add (i64.mul (local.get $s) (i64.const 1099511628211)) {value}))")

    def access(self, j, stride, conditional):
        r = self.r
        addr = self.address("$p", j, stride)
        kind = r.random()
        if kind < 0.45:
            code = self.mix(self.load(addr))
        elif kind < 0.55:
            code = f"(drop {self.load(addr)})"
        elif kind < 0.9:
            code = self.store(addr, "(i64.xor (local.get $s) (i64.extend_i32_u (local.get $p)))")
        elif kind < 0.95:
            code = (f"(memory.fill {addr} (i32.wrap_i64 (local.get $s)) "
                    f"(i32.const {r.choice([0, 1, 7, 16, 64, 300])}))")
        else:
            code = (f"(memory.copy {addr} {self.address('$p', j, stride)} "
                    f"(i32.const {r.choice([0, 1, 8, 33, 256])}))")
        if conditional:
            cond = r.choice(["(i32.and (local.get $i) (i32.const 1))",
                             "(i32.eqz (i32.and (local.get $i) (i32.const 3)))",
                             "(i64.lt_u (local.get $s) (i64.const 0x8000000000000000))",
                             "(i32.gt_u (local.get $p) (i32.const 65536))"])
            code = f"(if {cond} (then {code}))"
        return code

    def table_op(self):
        r = self.r
        idx = r.choice(["(local.get $i)", f"(i32.const {r.randint(0, self.table_max + 2)})",
                        "(i32.and (local.get $p) (i32.const 15))"])
        kind = r.randint(0, 9)
        if kind == 0:
            return self.mix(f"(i64.extend_i32_u (call_indirect (type $tf_t) {idx}))")
        if kind == 1:
            return self.mix(f"(i64.extend_i32_u (call_indirect (type $tf_t2) (local.get $i) {idx}))")
        if kind == 2:
            value = r.choice([f"(ref.func $tf{r.randrange(self.n_tf)})", "(ref.null func)"])
            return f"(table.set $t {idx} {value})"
        if kind == 3:
            return self.mix(f"(i64.extend_i32_u (ref.is_null (table.get $t {idx})))")
        if kind == 4:
            return self.mix(f"(i64.extend_i32_s (table.grow $t (ref.func $tf{r.randrange(self.n_tf)}) "
                            f"(i32.const {r.choice([0, 1, 2, 100])})))")
        if kind == 5:
            return self.mix("(i64.extend_i32_u (table.size $t))")
        if kind == 6:
            return (f"(table.fill $t {idx} (ref.func $tf{r.randrange(self.n_tf)}) "
                    f"(i32.const {r.choice([0, 1, 3])}))")
        if kind == 7:
            return f"(table.init $e0 {idx} (i32.const {r.randint(0, 2)}) (i32.const {r.randint(0, 3)}))"
        if kind == 8:
            return "(elem.drop $e0)"
        return f"(table.copy {idx} (i32.const {r.randint(0, 4)}) (i32.const {r.randint(0, 4)}))"

    def bulk_op(self):
        r = self.r
        d = r.randrange(self.n_data)
        dst = r.choice(["(local.get $p)", f"(i32.const {r.randint(0, self.pages * PAGE)})",
                        f"(i32.const {u32(r.choice(NEAR_ZERO_NEG))})"])
        kind = r.randint(0, 5)
        if kind == 0:
            return f"(memory.init $d{d} {dst} (i32.const {r.randint(0, 4)}) (i32.const {r.randint(0, 12)}))"
        if kind == 1:
            return f"(data.drop $d{d})"
        if kind == 2:
            return self.mix(f"(i64.extend_i32_s (memory.grow (i32.const {r.choice([0, 1, 1, 2, 30])})))")
        if kind == 3:
            return self.mix("(i64.extend_i32_u (memory.size))")
        if kind == 4:
            return f"(memory.fill {dst} (i32.const {r.randint(0, 255)}) (i32.const {r.choice([0, 8, 4096, 65536])}))"
        return f"(memory.copy {dst} (i32.const {r.randint(0, 256)}) (i32.const {r.choice([0, 16, 1000])}))"

    def global_op(self):
        r = self.r
        if not self.globals:
            return ""
        g = r.choice(self.globals)[0]
        if r.random() < 0.5:
            return self.mix(f"(i64.extend_i32_u (global.get {g}))")
        return f"(global.set {g} (i32.add (global.get {g}) (local.get $p)))"

    # ---- kernels ------------------------------------------------------

    def body(self, stride, unroll):
        r = self.r
        lines = []
        for j in range(unroll):
            for _ in range(r.randint(1, 4)):
                lines.append(self.access(j, stride, r.random() < 0.2))
        extra = r.random()
        if extra < 0.15:
            lines.insert(r.randint(0, len(lines)),
                         f"(if (i32.eq (local.get $i) (i32.const {r.randint(0, 4)})) "
                         f"(then {self.mix('(i64.extend_i32_s (memory.grow (i32.const 1)))')}))")
        elif extra < 0.3:
            lines.insert(r.randint(0, len(lines)), self.table_op())
        elif extra < 0.4:
            lines.insert(r.randint(0, len(lines)), self.bulk_op())
        elif extra < 0.5:
            lines.insert(r.randint(0, len(lines)), self.global_op())
        return lines

    def kernel(self, index):
        """Returns (wat of the function, list of (p0, end) argument pairs)."""
        r = self.r
        shape = r.choice(["ne", "ne", "ne", "while", "lt", "gt", "count", "index"])
        unroll = r.choice([1, 1, 2, 3, 4])
        stride = r.choice([1, 2, 4, 8, 16, 16, 32, 64, 4096])
        step = unroll * stride if r.random() < 0.7 else r.choice(STEPS)
        down = shape == "gt" or (shape in ("ne", "while", "count") and r.random() < 0.35)
        delta = -step if down else step
        name = f"$k{index}"
        pre = [self.bulk_op()] if r.random() < 0.3 else []
        if r.random() < 0.2:
            pre.append(self.table_op())
        body = self.body(stride, unroll)
        advance = f"(local.set $p (i32.add (local.get $p) (i32.const {s32(delta)})))"
        count = "(local.set $i (i32.add (local.get $i) (i32.const 1)))"
        if shape == "ne":
            tail = [count, f"(br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) "
                           f"(i32.const {s32(delta)}))) (local.get $end)))"]
        elif shape == "lt":
            tail = [count, advance, "(br_if $next (i32.lt_u (local.get $p) (local.get $end)))"]
        elif shape == "gt":
            tail = [count, advance, "(br_if $next (i32.gt_u (local.get $p) (local.get $end)))"]
        elif shape == "count":
            tail = [advance, count, "(br_if $next (i32.lt_u (local.get $i) (local.get $end)))"]
        elif shape == "while":  # tested at the top, as LLVM sees it before rotating
            body.insert(0, "(br_if $exit (i32.eq (local.get $p) (local.get $end)))")
            tail = [count, advance, "(br $next)"]
        else:  # index: p stays, addresses p + (i << shift) + c
            shift = r.choice([0, 2, 3, 4, 12, 16])
            body = [b.replace("(local.get $p)", f"(i32.add (local.get $p) (i32.shl (local.get $i) "
                                                f"(i32.const {shift})))") for b in body]
            tail = [count, "(br_if $next (i32.lt_u (local.get $i) (local.get $end)))"]
        if r.random() < 0.2:  # a data-dependent early exit
            body.insert(r.randint(0, len(body)),
                        f"(br_if $exit (i64.eq (i64.and (local.get $s) (i64.const 7)) (i64.const {r.randint(0, 7)})))")
        if r.random() < 0.1:  # a call that returns: memory could grow behind the loop's back
            body.insert(r.randint(0, len(body)), self.mix("(i64.extend_i32_u (call $grow))"))
        loop = "(block $exit (loop $next\n      " + "\n      ".join(body + tail) + "))"
        if r.random() < 0.2:  # nested: rerun the loop from the same start, at most 3 times
            loop = ("(local.set $p0 (local.get $p))\n"
                    "    (loop $outer\n    (local.set $p (local.get $p0))\n    (local.set $i (i32.const 0))\n"
                    f"    {loop}\n    (local.set $o (i32.add (local.get $o) (i32.const 1)))\n"
                    f"    (br_if $outer (i32.lt_u (local.get $o) (i32.const {r.randint(2, 3)}))))")
        func = (f"(func {name} (type $kernel_t) (param $p i32) (param $end i32) (result i64)\n"
                "    (local $s i64) (local $i i32) (local $o i32) (local $p0 i32)\n"
                + "".join(f"    {line}\n" for line in pre)
                + f"    {loop}\n    (local.get $s))")
        return func, [self.arguments(shape, delta) for _ in range(r.randint(1, 3))]

    def start_pointer(self):
        r = self.r
        size = self.pages * PAGE
        pick = r.random()
        if pick < 0.3:
            return r.choice([0, 4, 8, 12, 16, 24, 32, 64, 100, 4096])
        if pick < 0.6:
            return r.randrange(0, size, r.choice([1, 4, 8, 16]))
        if pick < 0.8:
            return size - r.choice([1, 4, 8, 16, 64, 4096, 0])
        if pick < 0.95:
            return u32(-r.choice([1, 4, 8, 16, 32, 64, 4096]))
        return r.getrandbits(32)

    def arguments(self, shape, delta):
        r = self.r
        k = r.choice([1, 2, 3, 4, 8, 16, 33, 64])
        p0 = self.start_pointer()
        if shape in ("ne", "while"):
            return p0, u32(p0 + k * delta)
        if shape == "lt":  # p0 + k*step must not wrap, or the loop could run on
            p0 = min(p0, (1 << 32) - 1 - k * delta)
            return p0, p0 + k * delta - r.choice([0, 0, 1])
        if shape == "gt":
            p0 = max(p0, -k * delta)
            return p0, p0 + k * delta + r.choice([0, 0, 1])
        return p0, k  # count, index

    # ---- the module ---------------------------------------------------

    def argument(self, value):
        if self.r.random() < 0.4:
            name = f"$g{len(self.globals)}"
            self.globals.append((name, s32(value)))
            return f"(global.get {name})"
        return f"(i32.const {s32(value)})"

    def build(self):
        r = self.r
        n_kernels = r.randint(3, 8)
        kernels = []
        for index in range(n_kernels):
            func, calls = self.kernel(index)
            self.funcs.append(func)
            kernels.append(calls)
        # Kernels also sit in the table, after the table functions, for call_indirect.
        first_slot = self.n_tf
        self.table_size = max(self.table_size, first_slot + n_kernels)
        self.table_max = max(self.table_max, self.table_size)
        entries = []
        for index, calls in enumerate(kernels):
            for n, (p0, end) in enumerate(calls):
                args = f"{self.argument(p0)} {self.argument(end)}"
                if r.random() < 0.2:
                    call = f"(call_indirect (type $kernel_t) {args} (i32.const {first_slot + index}))"
                else:
                    call = f"(call $k{index} {args})"
                entries.append((f"k{index}_{n}", call))
        # Multi-value functions come last, from their own random stream, so
        # the kernels of a seed are the same with or without them.
        mv_slot = first_slot + n_kernels
        self.multi_values = MultiValues(self, random.Random(f"{self.seed_name}-mv"), mv_slot)
        entries += self.multi_values.exports
        self.faults = FaultingState(self, random.Random(f"{self.seed_name}-fault"))
        entries += self.faults.exports
        self.table_size = max(self.table_size, mv_slot + len(self.multi_values.funcs))
        self.table_max = max(self.table_max, self.table_size)
        r.shuffle(entries)
        self.exports = entries
        return self.text(first_slot, n_kernels)

    def text(self, first_slot, n_kernels):
        r = self.r
        out = ["(module",
               "  (type $kernel_t (func (param i32 i32) (result i64)))",
               "  (type $tf_t (func (result i32)))",
               "  (type $tf_t2 (func (param i32) (result i32)))",
               f"  (memory (export \"mem\") {self.pages} {self.max_pages})",
               f"  (table $t {self.table_size} {self.table_max} funcref)"]
        out += ["  " + line for line in self.multi_values.types()]
        for name, init in self.globals:
            out.append(f"  (global {name} (mut i32) (i32.const {init}))")
        for d in range(self.n_data):
            data = "".join(f"\\{r.getrandbits(8):02x}" for _ in range(r.randint(0, 24)))
            out.append(f"  (data $d{d} \"{data}\")")
        for _ in range(r.randint(1, 3)):
            data = "".join(f"\\{r.getrandbits(8):02x}" for _ in range(r.randint(1, 64)))
            out.append(f"  (data (i32.const {r.randrange(0, self.pages * PAGE - 64)}) \"{data}\")")
        # $tf0 and $tf1 return constants, $tf2 and $tf3 take a parameter:
        # call_indirect of the wrong one is a signature mismatch.
        out.append("  (func $tf0 (type $tf_t) (i32.const 11))")
        out.append("  (func $tf1 (type $tf_t) (i32.const 22))")
        out.append("  (func $tf2 (type $tf_t2) (i32.add (local.get 0) (i32.const 33)))")
        out.append("  (func $tf3 (type $tf_t2) (i32.mul (local.get 0) (i32.const 44)))")
        out.append("  (func $grow (result i32) (memory.grow (i32.const 1)))")
        slots = ["$tf0", "$tf1", "$tf2", "$tf3"]
        # Some slots stay empty (uninitialized element) when the table is bigger.
        out.append(f"  (elem (i32.const 0) func {' '.join(slots)})")
        out.append(f"  (elem (i32.const {first_slot}) func "
                   + " ".join(f"$k{k}" for k in range(n_kernels)) + ")")
        out.append("  (elem $e0 func $tf1 $tf3 $tf0)")
        out += ["  " + line for line in self.multi_values.declarations()]
        for func in self.funcs:
            out.append("  " + func)
        for name, call in self.exports:
            out.append(f"  (func (export \"{name}\") (result i64) {call})")
        out.append("""  (func (export "zz_hash") (result i64) (local $a i32) (local $n i32) (local $h i64)
    (local.set $n (i32.shl (memory.size) (i32.const 16)))
    (local.set $h (i64.const 0xcbf29ce484222325))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $a) (local.get $n)))
      (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $a))) (i64.const 0x100000001b3)))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (br $l)))
    (i64.xor (local.get $h) (i64.extend_i32_u (memory.size))))""")
        out.append(")")
        return "\n".join(out) + "\n"


class FaultingState:
    """Exports that change globals, the table and memory, then make an
    access that may fault (near and past the end of memory), then change the
    same state again: after a trap the next exports must see exactly what
    was written before it. (L1 and L2: LLVM deleted a global.set before a
    faulting load or store as dead, since it saw no reader before the next
    set or the function's end.) Some accesses sit in loops that only a trap
    can leave."""

    def __init__(self, module, r):
        self.r = r
        self.module = module
        self.exports = []
        for i in range(r.choice([0, 1, 1, 2, 3])):
            self.exports.append((f"fault{i}", self.body()))

    def target(self):
        """A piece of state: ("global", name), ("table", slot) or ("memory", address)."""
        r, m = self.r, self.module
        kind = r.randrange(3)
        if kind == 0 and m.globals:
            return ("global", r.choice(m.globals)[0])
        if kind == 1:
            return ("table", r.randrange(m.n_tf))
        return ("memory", r.randrange(0, 4096, 4))

    def state_change(self, target):
        r, m = self.r, self.module
        kind, where = target
        if kind == "global":
            return f"(global.set {where} (i32.const {s32(r.getrandbits(32))}))"
        if kind == "table":
            return f"(table.set $t (i32.const {where}) (ref.func $tf{r.randrange(m.n_tf)}))"
        return f"(i32.store (i32.const {where}) (i32.const {s32(r.getrandbits(32))}))"

    def faulting_access(self):
        r, m = self.r, self.module
        # Around the initial or the largest end of memory (kernels may have
        # grown it): in bounds, straddling or past. A constant: reading
        # memory.size would call the runtime, which LLVM must assume reads
        # every global, and hide the bug class.
        end = PAGE * r.choice([m.pages, m.max_pages])
        delta = r.choice([-8, -4, -2, 0, 4, 8, 4096, 65536, -65536 * 4])
        address = f"(i32.const {s32(end + delta)})"
        if r.random() < 0.5:
            return f"(drop (i32.load {address}))"
        return f"(i32.store {address} (i32.const 1))"

    def body(self):
        r = self.r
        targets = [self.target() for _ in range(r.randint(1, 3))]
        parts = [self.state_change(t) for t in targets]
        if r.random() < 0.3:
            # A loop whose only way out is the trap (or the bound, 4 rounds).
            parts.append("(local.set $n (i32.const 0))")
            parts.append("(loop $spin " + self.state_change(r.choice(targets)) + " " + self.faulting_access()
                         + " (local.set $n (i32.add (local.get $n) (i32.const 1)))"
                         + " (br_if $spin (i32.lt_u (local.get $n) (i32.const 4))))")
        else:
            parts.append(self.faulting_access())
        # Mostly the same state again: what a dead-store elimination that
        # forgets the fault would drop.
        parts += [self.state_change(r.choice(targets) if r.random() < 0.7 else self.target())
                  for _ in range(r.randint(1, 3))]
        return "(local $n i32) " + " ".join(parts) + " (i64.const 0)"


class MultiValues:
    """Functions returning 2..8 results of f32, f64, i32, i64 and v128 with
    signalling and quiet NaN payloads of both signs (issue 20: a third float
    result came back through the x87 stack, which quiets signalling NaNs).
    Each is called directly, through call_indirect and inside a multi-value
    block; the export stores every result in memory (stores keep bits) and
    returns all their bits folded into an i64, compared exactly."""

    TYPES = ["f32", "f64", "i32", "i64", "v128"]

    def __init__(self, module, r, first_slot):
        self.r = r
        self.module = module
        self.first_slot = first_slot
        self.funcs = []       # (name, result types, body)
        self.exports = []     # (export name, body), as Module.exports
        count = r.choice([0, 0, 1, 1, 2, 3])
        for i in range(count):
            results = [r.choice(self.TYPES) for _ in range(r.randint(2, 8))]
            if r.random() < 0.5:  # many floats: the shape that used the x87 stack
                results = [r.choice(["f32", "f64"]) for _ in results]
            name = f"$mv{i}"
            self.funcs.append((name, results, " ".join(self.value(t) for t in results)))
            base = 256 * (i + 1)
            calls = {"direct": f"(call {name})",
                     "indirect": f"(call_indirect (type $mv{i}_t) (i32.const {first_slot + i}))",
                     "block": f"(block (type $mv{i}_t) (call {name}))"}
            for route, call in calls.items():
                self.exports.append((f"mv{i}_{route}", self.consume(results, call, base)))

    def nan_payload(self, bits, signalling):
        quiet = 1 << (bits - 1)
        payload = self.r.randrange(1, quiet)
        return payload if signalling else quiet | self.r.randrange(0, quiet)

    def value(self, t):
        r = self.r
        if t in ("f32", "f64"):
            mantissa = 23 if t == "f32" else 52
            kind = r.randrange(4)
            sign = "-" if r.random() < 0.5 else ""
            if kind == 0:
                return f"({t}.const {sign}nan:0x{self.nan_payload(mantissa, True):x})"
            if kind == 1:
                return f"({t}.const {sign}nan:0x{self.nan_payload(mantissa, False):x})"
            if kind == 2:
                return f"({t}.const {sign}{r.choice(['0', '1.5', '1e-40', 'inf', '3.4e38'])})"
            # From a mutable global, so it cannot be folded: any bits.
            width = 32 if t == "f32" else 64
            exponent = (1 << (width - 1 - mantissa)) - 1
            bits = (exponent << mantissa) | self.nan_payload(mantissa, r.random() < 0.7)
            if r.random() < 0.5:
                bits |= 1 << (width - 1)
            name = f"$mvg{len(self.module.globals)}"
            if width == 32:
                self.module.globals.append((name, s32(bits)))
                return f"(f32.reinterpret_i32 (global.get {name}))"
            # An i64 global built from an i32 one keeps Module.globals i32.
            self.module.globals.append((name, s32(bits >> 32)))
            return (f"(f64.reinterpret_i64 (i64.or (i64.shl (i64.extend_i32_u (global.get {name})) "
                    f"(i64.const 32)) (i64.const {bits & 0xFFFFFFFF})))")
        if t == "i32":
            return f"(i32.const {s32(r.getrandbits(32))})"
        if t == "i64":
            return f"(i64.const {r.getrandbits(64) - (1 << 63)})"
        lanes = [0x7F800000 | self.nan_payload(23, r.random() < 0.5) | (r.getrandbits(1) << 31)
                 for _ in range(4)]
        return "(v128.const i32x4 " + " ".join(f"0x{lane:08x}" for lane in lanes) + ")"

    @staticmethod
    def consume(results, call, base):
        locals_ = " ".join(f"(local $r{k} {t})" for k, t in enumerate(results))
        sets = " ".join(f"(local.set $r{k})" for k in reversed(range(len(results))))
        stores, folds = [], []
        for k, t in enumerate(results):
            stores.append(f"({t}.store (i32.const {base + 16 * k}) (local.get $r{k}))")
            bits = {"f32": f"(i64.extend_i32_u (i32.reinterpret_f32 (local.get $r{k})))",
                    "f64": f"(i64.reinterpret_f64 (local.get $r{k}))",
                    "i32": f"(i64.extend_i32_u (local.get $r{k}))",
                    "i64": f"(local.get $r{k})",
                    "v128": f"(i64.xor (i64x2.extract_lane 0 (local.get $r{k})) "
                            f"(i64x2.extract_lane 1 (local.get $r{k})))"}[t]
            folds.append(f"(i64.rotl {bits} (i64.const {7 * k}))")
        folded = folds[0]
        for fold in folds[1:]:
            folded = f"(i64.xor {folded} {fold})"
        return f"{locals_} {call} {sets} {' '.join(stores)} {folded}"

    def types(self):
        return [f"(type $mv{i}_t (func (result {' '.join(results)})))"
                for i, (_, results, _) in enumerate(self.funcs)]

    def declarations(self):
        lines = [f"(func {name} (type $mv{i}_t) {body})" for i, (name, _, body) in enumerate(self.funcs)]
        if self.funcs:
            lines.append(f"(elem (i32.const {self.first_slot}) func "
                         + " ".join(name for name, _, _ in self.funcs) + ")")
        return lines


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: gen-loops.py OUTDIR FIRST_SEED [COUNT]")
    if shutil.which("wat2wasm") is None:
        sys.exit("gen-loops.py: wat2wasm not found on PATH (Debian: apt-get install wabt)")
    out_dir, first = sys.argv[1], int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) == 4 else 1
    os.makedirs(out_dir, exist_ok=True)
    for seed in range(first, first + count):
        base = os.path.join(out_dir, f"loops-{seed}")
        with open(base + ".wat", "w") as f:
            f.write(Module(seed).build())
        subprocess.run(["wat2wasm", base + ".wat", "-o", base + ".wasm"], check=True)
        print(base + ".wasm", flush=True)


if __name__ == "__main__":
    main()
