;; F1: at -O2 a loop stepping p by 16 with loads at p-16 and p-8 read below
;; the memory (SIGSEGV or garbage) instead of trapping: called with p=8 the
;; first load's address p-16 wraps to 0xFFFFFFF8, out of bounds.
(module
  (memory 1)
  (func $back (param $p i32) (param $end i32) (result i32) (local $s i32)
    (loop $next
      (local.set $s (i32.add (local.get $s) (i32.load (i32.add (local.get $p) (i32.const -16)))))
      (local.set $s (i32.add (local.get $s) (i32.load (i32.add (local.get $p) (i32.const -8)))))
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
      (br_if $next (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 16))) (local.get $end))))
    (local.get $s))
  (func (export "back_8_72") (result i32) (call $back (i32.const 8) (i32.const 72)))
  (func (export "back_16_80") (result i32) (call $back (i32.const 16) (i32.const 80)))
  ;; Arguments from mutable globals and through call_indirect, so that
  ;; inlining and constant folding cannot hide the loop at -O2/-O3.
  (global $gp (mut i32) (i32.const 8))
  (global $gend (mut i32) (i32.const 72))
  (type $sig (func (param i32 i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $back)
  (func (export "back_globals") (result i32) (call $back (global.get $gp) (global.get $gend)))
  (func (export "back_indirect") (result i32)
    (call_indirect (type $sig) (global.get $gp) (global.get $gend) (i32.const 0)))
  (func (export "back_65528_8") (result i32) (call $back (i32.const 65528) (i32.const 8))))
