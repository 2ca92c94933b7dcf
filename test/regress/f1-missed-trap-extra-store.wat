;; F1, seen only in memory: the lazy JIT (and -O2 with other layouts) did not
;; trap on the f64.load at p-1048564 (which wraps: p is 46704), so the loop
;; ran a second iteration, stored at p+16+4402 and only then trapped on the
;; odd-iteration load. The export's result (a trap) matched; the store did
;; not happen in wasm-interp, so "c1" and the memory hash differ.
;; Reduced from gen-loops.py seed 9.
(module
  (type $kernel_t (func (param i32 i32) (result i64)))
  (memory (export "mem") 1 5)
  (global $g4 (mut i32) (i32.const 46704))
  (func $k4 (type $kernel_t) (param $p i32) (param $end i32) (result i64)
    (local $s i64) (local $i i32)
    (loop $next
      (i64.store (i32.add (local.get $p) (i32.const 4402)) (i64.xor (local.get $s) (i64.extend_i32_u (local.get $p))))
      (if (i32.and (local.get $i) (i32.const 1))
        (then (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 1099511628211))
                                     (i64.extend_i32_u (i32.load (i32.add (local.get $p) (i32.const -65532))))))))
      (local.set $s (i64.add (i64.mul (local.get $s) (i64.const 1099511628211))
                             (i64.reinterpret_f64 (f64.load align=2 (i32.add (local.get $p) (i32.const -1048564))))))
      (drop (i64.extend_i32_u (i32.load8_u (i32.add (local.get $p) (i32.const 12)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 16))) (local.get $end))))
    (local.get $s))
  (func (export "k4_0") (result i64) (call $k4 (global.get $g4) (i32.const 46736)))
  (func (export "c0") (result i64) (i64.load (i32.const 51106)))
  (func (export "c1") (result i64) (i64.load (i32.const 51122)))
  (func (export "zz_hash") (result i64) (local $a i32) (local $n i32) (local $h i64)
    (local.set $n (i32.shl (memory.size) (i32.const 16)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $a) (local.get $n)))
      (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $a))) (i64.const 0x100000001b3)))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (br $l)))
    (i64.xor (local.get $h) (i64.extend_i32_u (memory.size)))))
