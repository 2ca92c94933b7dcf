;; Issue 20, f64 form: the third f64 result lost its signalling NaN payload
;; through the x87 stack.
(module
  (func $three (result f64 f64 f64) (f64.const 1) (f64.const 2) (f64.const nan:0x4000000000000))
  (table funcref (elem $three))
  (func (export "direct") (result i64) (call $three) (i64.reinterpret_f64) (return))
  (func (export "indirect") (result i64)
    (call_indirect (result f64 f64 f64) (i32.const 0)) (i64.reinterpret_f64) (return))
  (func (export "host") (result f64 f64 f64) (f64.const 1) (f64.const 2) (f64.const nan:0x4000000000000)))
