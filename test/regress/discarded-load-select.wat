;; D1 reduced: the select picks 7, but its other operand, an out-of-bounds
;; load, must still trap. The x86 back end folded the load into a cmov and
;; then turned the cmov into a branch around it (and, for floats, into a
;; masked AVX-512 load, which suppresses the fault). The addresses come
;; from mutable globals, so that no configuration can fold the select.
(module
  (import "fuzzing-support" "log-i32" (func $log (param i32)))
  (import "fuzzing-support" "log-f32" (func $logf (param f32)))
  (memory 16 17)
  (global $wrapped (mut i32) (i32.const -2147483647))
  (global $past (mut i32) (i32.const 1048576))
  (func (export "int")
    (call $log (select (i32.const 7) (i32.load offset=22 (global.get $wrapped)) (global.get $wrapped))))
  (func (export "float")
    (call $logf (select (f32.const 7) (f32.load (global.get $past)) (global.get $past))))
  (func (export "splat")
    (call $log (i32x4.extract_lane 0 (select (v128.const i32x4 7 7 7 7) (v128.load32_splat (global.get $past))
                                             (global.get $past))))))
