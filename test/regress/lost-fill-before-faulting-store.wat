;; L3 (gen-loops seed 10191, reduced): memory.fill and memory.copy were
;; non-volatile llvm.memset/memmove. A one-byte fill, then a store that
;; faults, then a store that would cover the filled byte: LLVM deleted the
;; fill as overwritten (-O2, -O3, AOT), so the trap left memory without it.
;; The same shape with a memory.copy, and inside a loop (as found).
(module
  (memory (export "mem") 1 5)
  (func (export "fill_then_fault") (param) (local $p i32)
    (local.set $p (i32.const 45352))
    (memory.fill (i32.add (local.get $p) (i32.const -12)) (i32.const 0xFF) (i32.const 1))
    (i32.store (i32.add (local.get $p) (i32.const 63452)) (i32.const 1))
    (i32.store (i32.add (local.get $p) (i32.const -14)) (i32.const 0)))
  (func (export "copy_then_fault")
    (i32.store (i32.const 200) (i32.const 0x11223344))
    (memory.copy (i32.const 100) (i32.const 200) (i32.const 4))
    (i32.store (i32.const 65536) (i32.const 1))
    (i32.store (i32.const 100) (i32.const 0)))
  (func (export "loop_fill_then_fault") (param) (local $p i32)
    (local.set $p (i32.const 45352))
    (loop $next
      (memory.fill (i32.add (local.get $p) (i32.const -12)) (i32.const 0xAB) (i32.const 1))
      (i32.store (i32.add (local.get $p) (i32.const 63452)) (local.get $p))
      (i32.store (i32.add (local.get $p) (i32.const -14)) (local.get $p))
      (br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 4))) (i32.const 45356)))))
  (func (export "zz_hash") (result i64) (local $a i32) (local $n i32) (local $h i64)
    (local.set $n (i32.shl (memory.size) (i32.const 16)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $a) (local.get $n)))
      (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $a))) (i64.const 0x100000001b3)))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (br $l)))
    (i64.xor (local.get $h) (i64.extend_i32_u (memory.size)))))
