;; A module for LaneWebTest.cpp: i64x2 arithmetic around 64-bit lane
;; multiplies, the shape clang -msimd128 gives 64-bit hash rounds
;; (ScalarizeI64VectorWebs.cpp computes such webs as two scalar chains).
(module
  (memory (export "memory") 1)

  ;; acc = rotl(acc + in * P2, 31) * P1 on both lanes.
  (func $round (param $acc v128) (param $in v128) (result v128)
    (local $x v128)
    (local.set $x (i64x2.add (local.get $acc)
                             (i64x2.mul (local.get $in) (i64x2.splat (i64.const 0xC2B2AE3D27D4EB4F)))))
    (i64x2.mul (v128.or (i64x2.shl (local.get $x) (i32.const 31)) (i64x2.shr_u (local.get $x) (i32.const 33)))
               (i64x2.splat (i64.const 0x9E3779B185EBCA87))))

  ;; Two accumulators over $n 32-byte stripes at $p. Each stripe also
  ;; mixes $b with itself shifted right by $shift (a shift amount from
  ;; outside the web) and sends $a through a br_table whose cases 0, 2 and
  ;; the default reach the same block ($n & 3 picks). After the loop $b is
  ;; stored at $out (a use outside the web) and the lanes are combined.
  (func (export "rounds") (param $p i32) (param $n i32) (param $seed i64) (param $shift i32) (param $out i32)
                          (result i64)
    (local $a v128) (local $b v128)
    (local.set $a (i64x2.splat (local.get $seed)))
    (local.set $b (i64x2.replace_lane 1 (i64x2.splat (local.get $seed)) (i64.const 77)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $a (call $round (local.get $a) (v128.load (local.get $p))))
        (local.set $b (call $round (local.get $b) (v128.load offset=16 (local.get $p))))
        (local.set $b (v128.xor (local.get $b) (i64x2.shr_u (local.get $b) (local.get $shift))))
        (local.set $a
          (block $join (result v128)
            (block $odd (result v128)
              (br_table $join $odd $join
                (i64x2.sub (local.get $a) (local.get $b))
                (i32.and (local.get $n) (i32.const 3))))
            (i64x2.add (i64x2.splat (i64.const 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (v128.store (local.get $out) (local.get $b))
    (i64.xor
      (i64.xor (i64x2.extract_lane 0 (local.get $a))
               (i64.mul (i64x2.extract_lane 1 (local.get $a)) (i64.const 3)))
      (i64.add (i64x2.extract_lane 0 (local.get $b)) (i64x2.extract_lane 1 (local.get $b)))))

  ;; The same rounds in scalars: four i64 accumulators over $n 32-byte
  ;; stripes, combined with rotations. LLVM's SLP vectoriser makes vector
  ;; multiplies of the four rounds; the pass turns them back into scalars.
  (func $round64 (param $acc i64) (param $in i64) (result i64)
    (i64.mul (i64.rotl (i64.add (local.get $acc) (i64.mul (local.get $in) (i64.const 0xC2B2AE3D27D4EB4F)))
                       (i64.const 31))
             (i64.const 0x9E3779B185EBCA87)))
  (func (export "scalar_rounds") (param $p i32) (param $n i32) (param $seed i64) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64)
    (local.set $a (local.get $seed))
    (local.set $b (i64.add (local.get $seed) (i64.const 1)))
    (local.set $c (i64.add (local.get $seed) (i64.const 2)))
    (local.set $d (i64.add (local.get $seed) (i64.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $a (call $round64 (local.get $a) (i64.load (local.get $p))))
        (local.set $b (call $round64 (local.get $b) (i64.load offset=8 (local.get $p))))
        (local.set $c (call $round64 (local.get $c) (i64.load offset=16 (local.get $p))))
        (local.set $d (call $round64 (local.get $d) (i64.load offset=24 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i64.add (i64.add (i64.rotl (local.get $a) (i64.const 1)) (i64.rotl (local.get $b) (i64.const 7)))
             (i64.add (i64.rotl (local.get $c) (i64.const 12)) (i64.rotl (local.get $d) (i64.const 18))))))
