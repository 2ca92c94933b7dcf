;; test/embed/interrupt.c: code that runs until interrupted.
(module
  (global $calls (mut i64) (i64.const 0))
  (func (export "spin") (loop (br 0)))
  ;; A call tree of 2^(n+1) - 1 calls and no loop; the global keeps LLVM
  ;; from merging the two calls into one.
  (func $tree (param $n i32) (result i32)
    (global.set $calls (i64.add (global.get $calls) (i64.const 1)))
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (i32.add (call $tree (i32.sub (local.get $n) (i32.const 1)))
                     (call $tree (i32.sub (local.get $n) (i32.const 1)))))))
  (func (export "tree") (param i32) (result i32) (call $tree (local.get 0)))
  (func (export "answer") (result i32) (i32.const 42))
  ;; The premises of leaving short loops unpolled (InsertInterruptPolls.cpp).
  (memory 1)
  ;; A 64-iteration loop inside an endless one: only the outer loop polls.
  (func (export "short_in_spin") (local $i i32)
    (loop $outer
      (local.set $i (i32.const 0))
      (loop $inner
        (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $i))
        (br_if $inner (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 64))))
      (br $outer)))
  ;; 2^31 iterations, a constant count: far over the budget, it polls.
  (func (export "long_counted") (local $i i32)
    (loop $l
      (i32.store (i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 0xfffc)) (local.get $i))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 0x80000000))))))
