;; Issue 20: a third f32 result came back through the x87 stack, whose load
;; quieted the signalling NaN (0x7fa00000 read as 0x7fe00000).
(module
  (func $three (result f32 f32 f32) (f32.const 1) (f32.const 2) (f32.const nan:0x200000))
  (table funcref (elem $three))
  (func (export "direct") (result i32) (call $three) (i32.reinterpret_f32) (return))
  (func (export "indirect") (result i32)
    (call_indirect (result f32 f32 f32) (i32.const 0)) (i32.reinterpret_f32) (return))
  (func (export "host") (result f32 f32 f32) (f32.const 1) (f32.const 2) (f32.const nan:0x200000)))
