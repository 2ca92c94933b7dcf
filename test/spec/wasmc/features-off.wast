;; With 3.0's features switched off (as 2.0: --wasm extended-const=n,gc=n,
;; relaxed-simd=n,tail-call=n), their instructions are refused, each error
;; naming the feature that would allow it.
(assert_invalid
  (module (func (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1))))
  "i8x16.relaxed_swizzle needs --wasm relaxed-simd=y")
(assert_invalid
  (module (func (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2))))
  "i32x4.relaxed_dot_i8x16_i7x16_add_s needs --wasm relaxed-simd=y")
(module (func (param v128 v128) (result v128) (i8x16.swizzle (local.get 0) (local.get 1))))
(assert_invalid
  (module (func $f (result i32) (return_call $f)))
  "return_call needs --wasm tail-call=y")
(assert_invalid
  (module (type $t (func)) (table 1 funcref) (func (return_call_indirect (type $t) (i32.const 0))))
  "return_call_indirect needs --wasm tail-call=y")
(assert_invalid
  (module (global i32 (i32.add (i32.const 1) (i32.const 2))))
  "constant expression required (arithmetic in one needs --wasm extended-const=y)")
(assert_invalid
  (module (global i32 (i32.const 1)) (global i32 (global.get 0)))
  "unknown global 0 (global.get of a global the module defines needs --wasm gc=y)")
