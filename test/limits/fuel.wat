;; Fuel counts (compiler/wasm/Fuel.h), checked by test/embed/fuel.c in every
;; tier, at -O0 and -O3, and from a .cwasm. Each `;; fuel` line is
;;   ;; fuel EXPORT ARGS... [with FUEL] -> CONSUMED [trap MESSAGE]
;; run with FUEL (default 1,000,000,000) in a fresh store: CONSUMED is the
;; fuel it started with less what is left. Instructions cost 1; nop, block,
;; loop, else and end 0. A stretch ends after control instructions (block,
;; loop, if, else, end, br*, return, call*, unreachable) and is paid for on
;; entry; function entries and loop headers check.
(module
  (type $binary (func (param i32 i32) (result i32)))
  (memory 1)
  (table funcref (elem $add $sub))

  ;; One stretch: local.get, local.get, i32.add.
  ;; fuel add 1 2 -> 3
  (func $add (export "add") (type $binary) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binary) (i32.sub (local.get 0) (local.get 1)))

  ;; nop and the structure cost nothing.
  ;; fuel nops -> 1
  (func (export "nops") (result i32) (nop) (block (nop) (loop (nop))) (nop) (i32.const 7))

  ;; The header stretch (6) per iteration, then local.get after the loop: 6n + 1.
  ;; fuel count 1 -> 7
  ;; fuel count 100 -> 601
  ;; fuel count 12345 -> 74071
  ;; fuel count 3000000 -> 18000001
  (func (export "count") (param $n i32) (result i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $n))

  ;; Calls: the caller's stretch up to and including the call (3), the
  ;; callee (3), nothing after (end): 6. Through the table: 4 + 3.
  ;; fuel call_add -> 6
  ;; fuel call_indirect 0 -> 7
  ;; fuel call_indirect 1 -> 7
  (func (export "call_add") (result i32) (call $add (i32.const 1) (i32.const 2)))
  (func (export "call_indirect") (param i32) (result i32)
    (call_indirect (type $binary) (i32.const 9) (i32.const 4) (local.get 0)))

  ;; Branches: `if` arms are stretches of their own.
  ;; local.get, if (2) + then: i32.const (1) + after: nothing = 3;
  ;; else: i32.const, i32.const, i32.add (3) = 5.
  ;; fuel choose 1 -> 3
  ;; fuel choose 0 -> 5
  (func (export "choose") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.const 1))
      (else (i32.add (i32.const 2) (i32.const 3)))))

  ;; br_table to three targets: (local.get, br_table) 2, then
  ;; case 0: i32.const, return (2); case 1: i32.const, return (2);
  ;; default: i32.const (1).
  ;; fuel switch 0 -> 4
  ;; fuel switch 1 -> 4
  ;; fuel switch 7 -> 3
  (func (export "switch") (param i32) (result i32)
    (block $default
      (block $one
        (block $zero
          (br_table $zero $one $default (local.get 0)))
        (return (i32.const 10)))
      (return (i32.const 11)))
    (i32.const 12))

  ;; Recursion: fib(n) = n < 2 ? n : fib(n-1) + fib(n-2).
  ;; Per call: (local.get, i32.const, i32.lt_u, if) 4; then-arm
  ;; (local.get, return) 2; else path (local.get, i32.const, i32.sub,
  ;; call) 4 + (local.get, i32.const, i32.sub, call) 4 + i32.add 1 = 9.
  ;; calls(n) = 2 fib(n+1) - 1; leaves (n < 2) = fib(n+1).
  ;; fib 10: calls 177, leaves 89, inner 88: 177*4 + 89*2 + 88*9 = 1678.
  ;; fuel fib 10 -> 1678
  ;; fib 20 (long enough for the tiered configuration to tier up during the
  ;; run): calls 21891, leaves 10946, inner 10945.
  ;; fuel fib 20 -> 207961
  (func $fib (export "fib") (param i32) (result i32)
    (if (i32.lt_u (local.get 0) (i32.const 2)) (then (return (local.get 0))))
    (i32.add
      (call $fib (i32.sub (local.get 0) (i32.const 1)))
      (call $fib (i32.sub (local.get 0) (i32.const 2)))))

  ;; Traps pay for their whole stretch: local.get, local.get, i32.div_s,
  ;; i32.const, i32.add = 5, whether the division traps or not.
  ;; fuel divide 7 1 -> 5
  ;; fuel divide 7 0 -> 5 trap integer divide by zero
  (func (export "divide") (param i32 i32) (result i32)
    (i32.add (i32.div_s (local.get 0) (local.get 1)) (i32.const 5)))

  ;; A fault in linear memory likewise: local.get, i32.load, i32.const, i32.add.
  ;; fuel load 0 -> 4
  ;; fuel load 65536 -> 4 trap out of bounds memory access
  (func (export "load") (param i32) (result i32)
    (i32.add (i32.load (local.get 0)) (i32.const 1)))

  ;; unreachable ends its stretch: i32.const, drop, unreachable = 3.
  ;; fuel crash -> 3 trap unreachable
  (func (export "crash") (i32.const 1) (drop) (unreachable))

  ;; Exhaustion: the loop header's stretch (br 0) costs 1 and checks; with
  ;; 10 fuel the 11th charge leaves -1 and traps.
  ;; fuel spin with 10 -> 11 trap all fuel consumed
  ;; fuel spin with 0 -> 1 trap all fuel consumed
  (func (export "spin") (loop (br 0)))

  ;; The entry check comes after the entry stretch is paid: add needs 3.
  ;; fuel add 1 2 with 3 -> 3
  ;; fuel add 1 2 with 2 -> 3 trap all fuel consumed
  ;; A stretch without a check can overdraw: count's last stretch
  ;; (local.get) runs on 0 fuel and returns with -1 left.
  ;; fuel count 1 with 6 -> 7

  ;; Float locals, which the baseline tier keeps in caller-saved xmm
  ;; registers, live across the loop header's check: refuelling there
  ;; (test/embed/fuel.c's dripped runs) must keep them. The entry stretch
  ;; (6), 13 per iteration, then 8.
  ;; fuel floats 50 -> 664
  (func (export "floats") (param $n i32) (result i32) (local $a f64) (local $b f64) (local $c f32)
    (local.set $a (f64.const 1.5))
    (local.set $b (f64.const 0.25))
    (local.set $c (f32.const 3))
    (loop $next
      (local.set $a (f64.add (local.get $a) (local.get $b)))
      (local.set $c (f32.add (local.get $c) (f32.const 0.5)))
      (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get $a)) (i64.const 20)))
             (i32.reinterpret_f32 (local.get $c))))
)
