;; With relaxed SIMD switched off (--wasm relaxed-simd=n, as 2.0), its
;; instructions are refused, naming the feature.
(assert_invalid
  (module (func (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1))))
  "i8x16.relaxed_swizzle needs --wasm relaxed-simd=y")
(assert_invalid
  (module (func (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2))))
  "i32x4.relaxed_dot_i8x16_i7x16_add_s needs --wasm relaxed-simd=y")
(module (func (param v128 v128) (result v128) (i8x16.swizzle (local.get 0) (local.get 1))))
