;; Modules for JitTest.cpp: out-of-bounds accesses that must trap in order,
;; loops stepping addresses that may wrap, and recursion that must exhaust
;; the stack cleanly.
(module
  (memory (export "memory") 1)
  ;; The largest effective address wasm can form: 0xFFFFFFFF + 0xFFFFFFFF.
  (func (export "store_max") (param $addr i32) (param $value i32)
    (i32.store offset=4294967295 (local.get $addr) (local.get $value)))
  (func (export "store_max64") (param $addr i32)
    (i64.store offset=4294967295 (local.get $addr) (i64.const -1)))
  ;; A load whose result is unused must still trap.
  (func (export "unused_load") (param $addr i32)
    (drop (i32.load (local.get $addr))))
  ;; A store before a trapping access must stay visible after the trap.
  (func (export "store_then_trap") (param $addr i32) (result i32)
    (i32.store (i32.const 0) (i32.const 42))
    (i32.load (local.get $addr)))
  (func (export "read") (param $addr i32) (result i32)
    (i32.load (local.get $addr)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (i32.const 1) (call $recurse (local.get 0))))
  (func (export "divide") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  ;; Addresses that are an i32.add: a sum that wraps must reach the wrapped
  ;; address (so the add cannot simply be done in 64 bits), one that does not
  ;; must trap past the size.
  (func (export "store_sum") (param $a i32) (param $b i32) (param $value i32)
    (i32.store (i32.add (local.get $a) (local.get $b)) (local.get $value)))
  (func (export "load_sum") (param $a i32) (param $b i32) (result i32)
    (i32.load (i32.add (local.get $a) (local.get $b))))
  (func (export "load_sum_v128") (param $a i32) (param $b i32) (result i32)
    (i32x4.extract_lane 3 (v128.load (i32.add (local.get $a) (local.get $b)))))
  ;; Loops stepping three addresses with i32.add (WidenLoopAddresses.cpp gives
  ;; such loops 64-bit addresses when a check proves they cannot wrap). A run
  ;; that wraps must still reach the wrapped addresses, and one that runs
  ;; below 0 or past the size must still trap. JitTest.cpp models each.
  ;; Sums the words at p, p+16 and p+32 that are below 64, n times, p += 4.
  (func (export "sum_low3") (param $p i32) (param $n i32) (result i32)
    (local $sum i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (if (i32.lt_u (local.get $p) (i32.const 64))
          (then (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 16)) (i32.const 64))
          (then (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 16)))))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 32)) (i32.const 64))
          (then (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 32)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $sum))
  ;; The same with an i64 count, so the loop's trip count is 64 bits wide.
  (func (export "sum_low3_64") (param $p i32) (param $n i64) (result i32)
    (local $sum i32)
    (block $done
      (br_if $done (i64.eqz (local.get $n)))
      (loop $next
        (if (i32.lt_u (local.get $p) (i32.const 64))
          (then (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 16)) (i32.const 64))
          (then (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 16)))))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 32)) (i32.const 64))
          (then (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 32)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $next (i64.ne (local.tee $n (i64.sub (local.get $n) (i64.const 1))) (i64.const 0)))))
    (local.get $sum))
  ;; The same at p, p-8 and p-16, whose starts wrap below 0 when p < 16.
  (func (export "sum_low3_back") (param $p i32) (param $n i32) (result i32)
    (local $sum i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (if (i32.lt_u (local.get $p) (i32.const 64))
          (then (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const -8)) (i32.const 64))
          (then (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const -8)))))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const -16)) (i32.const 64))
          (then (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const -16)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $sum))
  ;; Stores `value` to the words at p, p+16 and p+32 below 64, n times, p += 4.
  (func (export "fill_low3") (param $p i32) (param $n i32) (param $value i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (if (i32.lt_u (local.get $p) (i32.const 64))
          (then (i32.store (local.get $p) (local.get $value))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 16)) (i32.const 64))
          (then (i32.store (i32.add (local.get $p) (i32.const 16)) (local.get $value))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 32)) (i32.const 64))
          (then (i32.store (i32.add (local.get $p) (i32.const 32)) (local.get $value))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
  ;; Sums the words at p, p+4, p+8, n times, p += 4; and at p, p-4, p-8, p -= 4.
  (func (export "sum_up3") (param $p i32) (param $n i32) (result i32)
    (local $sum i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))
        (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 4)))))
        (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 8)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $sum))
  (func (export "sum_down3") (param $p i32) (param $n i32) (result i32)
    (local $sum i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))
        (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const -4)))))
        (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const -8)))))
        (local.set $p (i32.add (local.get $p) (i32.const -4)))
        (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $sum))
  ;; Sums the words at p, p+4 and p+8 and steps p by 16 until it equals end:
  ;; scalar evolution cannot count these iterations (p may pass end and
  ;; wrap), so WidenLoopAddresses.cpp's guard proof applies. Every
  ;; iteration loads all three words.
  (func (export "sum_until3") (param $p i32) (param $end i32) (result i32)
    (local $sum i32)
    (loop $next
      (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 4)))))
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 8)))))
      (br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 16))) (local.get $end))))
    (local.get $sum))
;; Like sum_low3 (loads only below 64), stepping p by 4096 until it equals
  ;; end: a run can wrap past 2^32 without loading anything on the way, so
  ;; the guard proof must not widen it.
  (func (export "sum_low3_until") (param $p i32) (param $end i32) (result i32)
    (local $sum i32)
    (loop $next
      (if (i32.lt_u (local.get $p) (i32.const 64))
        (then (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))))
      (if (i32.lt_u (i32.add (local.get $p) (i32.const 16)) (i32.const 64))
        (then (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 16)))))))
      (if (i32.lt_u (i32.add (local.get $p) (i32.const 32)) (i32.const 64))
        (then (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 32)))))))
      (br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 4096))) (local.get $end))))
    (local.get $sum))
;; Like sum_until3 stepping by 64 KiB, and growing the memory by a page
  ;; when p reaches $at: the size the guard proof's check read before the
  ;; loop no longer bounds it, so the proof must not apply to a loop that
  ;; calls memory.grow.
  (func (export "sum_until3_growing") (param $p i32) (param $end i32) (param $at i32) (result i32)
    (local $sum i32)
    (loop $next
      (if (i32.eq (local.get $p) (local.get $at))
        (then (drop (memory.grow (i32.const 1)))))
      (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $p))))
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 4)))))
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 8)))))
      (br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 65536))) (local.get $end))))
    (local.get $sum))
  ;; fill_low3 with an i64 count and a load at p + 64 on every iteration,
  ;; which ends the loop with a trap once p passes the memory. A count near
  ;; 2^62 makes step * count wrap in 64 bits, so the trip-count proof's
  ;; corners alone would look safe; its "wasmc.long" check must send the
  ;; loop to the unchanged copy, which stores to the wrapped low words.
  (func (export "fill_low3_64") (param $p i32) (param $n i64) (param $value i32) (result i32)
    (local $sum i32)
    (block $done
      (br_if $done (i64.eqz (local.get $n)))
      (loop $next
        (if (i32.lt_u (local.get $p) (i32.const 64))
          (then (i32.store (local.get $p) (local.get $value))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 16)) (i32.const 64))
          (then (i32.store (i32.add (local.get $p) (i32.const 16)) (local.get $value))))
        (if (i32.lt_u (i32.add (local.get $p) (i32.const 32)) (i32.const 64))
          (then (i32.store (i32.add (local.get $p) (i32.const 32)) (local.get $value))))
        (local.set $sum (i32.add (local.get $sum) (i32.load (i32.add (local.get $p) (i32.const 64)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $next (i64.ne (local.tee $n (i64.sub (local.get $n) (i64.const 1))) (i64.const 0)))))
    (local.get $sum))
  (func (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))
)
