;; A module for PartitionTest.cpp: compiled in as many partitions as it has
;; functions (10), every call below crosses from one partition to another,
;; directly or through the table, forwards and backwards.
(module
  (type $unary (func (param i32) (result i32)))
  (memory 1)
  (table funcref (elem $double $triple $chain $divide_100 $load))

  ;; 0: calls forwards into a later partition.
  (func (export "entry") (param i32) (result i32)
    (call $chain (local.get 0)))
  ;; 1
  (func $double (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2)))
  ;; 2: call_indirect table[slot](x).
  (func (export "indirect") (param $slot i32) (param $x i32) (result i32)
    (call_indirect (type $unary) (local.get $x) (local.get $slot)))
  ;; 3
  (func $triple (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 3)))
  ;; 4: calls backwards: double(triple(x)) + 1.
  (func $chain (param i32) (result i32)
    (i32.add (call $double (call $triple (local.get 0))) (i32.const 1)))
  ;; 5: traps (integer divide by zero) for x = 0.
  (func $divide_100 (param i32) (result i32)
    (i32.div_u (i32.const 100) (local.get 0)))
  ;; 6: traps (out of bounds) for addresses past the one page.
  (func $load (param i32) (result i32)
    (i32.load (local.get 0)))
  ;; 7: from the last partition into a trap in an earlier one, and on.
  (func (export "divide_then_load") (param $divisor i32) (param $addr i32) (result i32)
    (i32.add (call $divide_100 (local.get $divisor)) (call $load (local.get $addr))))
  ;; 8, 9: $leaf is first called deep in a recursion (the lazy JIT compiles
  ;; it there), with float and vector arguments the stub must pass on.
  (func $deep (export "deep") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $leaf (f64.const 1.5) (v128.const i32x4 1 2 3 4) (i32.const 7)))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1)))))))
  (func $leaf (param f64 v128 i32) (result i32)
    (i32.add (i32.add (i32.trunc_f64_s (f64.mul (local.get 0) (f64.const 2)))
                      (i32x4.extract_lane 3 (local.get 1)))
             (local.get 2)))
)
