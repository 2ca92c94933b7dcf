;; F1 as a write: the same loop shape with stores. wasm traps on the first store
;; (p-16 wraps); the lazy JIT stored 8 bytes below the memory, outside the
;; sandbox, and returned normally; -O2/-O3/AOT faulted outside any memory.
(module
  (memory (export "mem") 1)
  (global $gp (mut i32) (i32.const 8))
  (global $gend (mut i32) (i32.const 72))
  (func $fill (param $p i32) (param $end i32)
    (loop $next
      (i32.store (i32.add (local.get $p) (i32.const -16)) (i32.const 0x41414141))
      (i32.store (i32.add (local.get $p) (i32.const -8)) (i32.const 0x42424242))
      (i32.store (local.get $p) (i32.const 0x43434343))
      (br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 16))) (local.get $end)))))
  (func (export "fill_globals") (call $fill (global.get $gp) (global.get $gend)))
  (func (export "first_word") (result i32) (i32.load (i32.const 8))))
