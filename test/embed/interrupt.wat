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
  (func (export "answer") (result i32) (i32.const 42)))
