;; L1 (found by gen-ttf.py seed 154, reduced with wasm-reduce): a loop whose
;; only way out is a trap. wasm sets $g to -1, then traps on the load at
;; 0xFFFFFF02+4; "get" must then see -1. At -O2/-O3, lazy and AOT, LLVM sees
;; a loop that never exits (x | 15 is never 0) and nothing that could read
;; $g afterwards (the fault is not a call, and the volatile load is of
;; linear memory, which TBAA says is not a global), so it deletes the store
;; as dead: "get" returns 1.
(module
  (memory 1)
  (global $g (mut i32) (i32.const 1))
  (func (export "loop_global")
    (loop $l
      (global.set $g (i32.const -1))
      (br_if $l (i32.or (i32.load8_u offset=4 (i32.const -254)) (i32.const 15)))))
  (func (export "get") (result i32) (global.get $g)))
