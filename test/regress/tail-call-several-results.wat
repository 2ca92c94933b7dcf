;; A tail call to a function with several results (LLVM returns them
;; through memory the caller provides): as a musttail call, x86's -O0 code
;; generator aborted the process ("failed to perform tail call elimination
;; on a call site marked musttail"). Found by the differential fuzzer in its
;; first modules with tail calls (ttf seed 23); now an ordinary call there.
(module
  (global $n (mut i32) (i32.const 3))
  (func $f (result i64 i64 f32 f64 i64)
    (if (i32.eqz (global.get $n))
      (then (return (i64.const 1) (i64.const 2) (f32.const 3) (f64.const 4) (i64.const 5))))
    (global.set $n (i32.sub (global.get $n) (i32.const 1)))
    (return_call $f))
  (func (export "run") (result i64)
    (call $f)
    (drop) (drop) (drop) (drop)))
