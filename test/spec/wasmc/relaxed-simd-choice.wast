;; wasmc's one result for each relaxed SIMD instruction (compiler/codegen/
;; LowerSimdRelaxed.cpp, docs/WASM-3.0.md): the spec allows several; these
;; are the inputs where the choices differ, so a lowering that picks another
;; (fused multiply-add, x86's unsaturated truncation, an unsigned operand in
;; the dot products, pmin instead of min) fails here, on every tier.

(module
  (func (export "madd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "nmadd") (param v128 v128 v128) (result v128)
    (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "madd64") (param v128 v128 v128) (result v128)
    (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "trunc_s") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func (export "trunc_u") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
  (func (export "trunc64_s") (param v128) (result v128) (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
  (func (export "swizzle") (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func (export "laneselect") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "min") (param v128 v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "max") (param v128 v128) (result v128) (f64x2.relaxed_max (local.get 0) (local.get 1)))
  (func (export "q15") (param v128 v128) (result v128) (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
  (func (export "dot") (param v128 v128) (result v128) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "dot_add") (param v128 v128 v128) (result v128)
    (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
)

;; (1 + 2^-12)^2 - (1 + 2^-11): 2^-24 fused, 0 with the product rounded first.
(assert_return (invoke "madd" (v128.const i32x4 0x3f800800 0x3f800800 0x3f800000 0)
                              (v128.const i32x4 0x3f800800 0x3f800800 0x3f800000 0)
                              (v128.const i32x4 0xbf801000 0xbf801000 0xbf800000 0))
               (v128.const i32x4 0 0 0 0))
(assert_return (invoke "nmadd" (v128.const i32x4 0x3f800800 0 0 0)
                               (v128.const i32x4 0x3f800800 0 0 0)
                               (v128.const i32x4 0x3f801000 0 0 0))
               (v128.const i32x4 0 0 0 0))
;; (1 + 2^-27)^2 - (1 + 2^-26) in f64: 2^-54 fused, 0 unfused.
(assert_return (invoke "madd64" (v128.const i64x2 0x3ff0000002000000 0)
                                (v128.const i64x2 0x3ff0000002000000 0)
                                (v128.const i64x2 0xbff0000004000000 0))
               (v128.const i64x2 0 0))

;; Saturating, NaN to 0 (x86's cvttps2dq gives 0x80000000 for all three).
(assert_return (invoke "trunc_s" (v128.const f32x4 nan 3e9 -3e9 -1.5))
               (v128.const i32x4 0 0x7fffffff 0x80000000 -1))
(assert_return (invoke "trunc_u" (v128.const f32x4 nan 5e9 -1 1.5))
               (v128.const i32x4 0 0xffffffff 0 1))
(assert_return (invoke "trunc64_s" (v128.const f64x2 nan -3e9))
               (v128.const i32x4 0 0x80000000 0 0))

;; An index of 16 or more selects 0 (not lane index mod 16).
(assert_return (invoke "swizzle" (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
                                 (v128.const i8x16 16 17 0x80 0xff 0 1 2 3 4 5 6 7 8 9 10 11))
               (v128.const i8x16 0 0 0 0 1 2 3 4 5 6 7 8 9 10 11 12))

;; Bit by bit, as bitselect (not by each lane's top bit).
(assert_return (invoke "laneselect" (v128.const i32x4 0xffffffff 0xffffffff 0 0)
                                    (v128.const i32x4 0 0 0xffffffff 0xffffffff)
                                    (v128.const i32x4 0x0000ffff 0x80000000 0x7fffffff 0))
               (v128.const i32x4 0x0000ffff 0x80000000 0x80000000 0xffffffff))

;; NaN propagates and -0 < +0 (pmin/pmax would return an operand as is).
(assert_return (invoke "min" (v128.const f32x4 nan 1 -0 0) (v128.const f32x4 1 nan 0 -0))
               (v128.const f32x4 nan:canonical nan:canonical -0 -0))
(assert_return (invoke "max" (v128.const f64x2 -0 1) (v128.const f64x2 0 nan))
               (v128.const f64x2 0 nan:canonical))

;; -32768 * -32768 saturates to 32767.
(assert_return (invoke "q15" (v128.const i16x8 -32768 16384 0 0 0 0 0 0) (v128.const i16x8 -32768 16384 0 0 0 0 0 0))
               (v128.const i16x8 32767 8192 0 0 0 0 0 0))

;; Both operands signed, sums wrapping: (-128 * -128) * 2 = 32768 -> -32768,
;; and -1 is -1 (not 255).
(assert_return (invoke "dot" (v128.const i8x16 -128 -128 -1 2 0 0 0 0 0 0 0 0 0 0 0 0)
                             (v128.const i8x16 -128 -128 -1 -1 0 0 0 0 0 0 0 0 0 0 0 0))
               (v128.const i16x8 -32768 -1 0 0 0 0 0 0))
(assert_return (invoke "dot_add" (v128.const i8x16 -128 -128 -128 -128 -1 0 0 0 0 0 0 0 0 0 0 0)
                                 (v128.const i8x16 -128 -128 -128 -128 -1 0 0 0 0 0 0 0 0 0 0 0)
                                 (v128.const i32x4 1 2 3 4))
               (v128.const i32x4 65537 3 3 4))
