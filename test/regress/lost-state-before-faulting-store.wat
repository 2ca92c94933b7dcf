;; L2 (found while reviewing L1's fix): a faulting *store* is a way out of
;; the function too, after which globals, tables and memory are visible. The
;; TBAA fix for L1 makes memory accesses possibly read globals, but a store
;; only writes: LLVM deleted `global.set 43` as dead, since `global.set 44`
;; overwrites it and the store between does not read the global. "geth"
;; returned 7 instead of 43 at -O2, -O3, lazy and AOT. Each export below sets
;; some state, faults on a store (memory is one page), and would overwrite
;; the state after it; the getters read what the trap left.
(module
  (memory 1)
  (global $h (mut i32) (i32.const 7))
  (global $g (mut i32) (i32.const 1))
  (table $t 2 funcref)
  (type $r (func (result i32)))
  (func $a (type $r) (i32.const 100))
  (func $b (type $r) (i32.const 200))
  (elem declare func $a $b)
  (func (export "global_then_fault")
    (global.set $h (i32.const 42))
    (i32.store (i32.const 0) (global.get $h))
    (global.set $h (i32.const 43))
    (i32.store (i32.const 70000) (i32.const 1))
    (global.set $h (i32.const 44)))
  (func (export "geth") (result i32) (global.get $h))
  (func (export "memory_then_fault")
    (i32.store (i32.const 8) (i32.const 1))
    (i32.store (i32.const 70000) (i32.const 1))
    (i32.store (i32.const 8) (i32.const 2)))
  (func (export "getm") (result i32) (i32.load (i32.const 8)))
  (func (export "table_then_fault")
    (table.set $t (i32.const 0) (ref.func $a))
    (i32.store (i32.const 70000) (i32.const 1))
    (table.set $t (i32.const 0) (ref.func $b)))
  (func (export "gett") (result i32) (call_indirect $t (type $r) (i32.const 0)))
  (func (export "loop_global_then_fault") (local $i i32)
    (loop $l
      (global.set $g (i32.const -1))
      (i32.store offset=4 (i32.sub (i32.const -254) (local.get $i)) (i32.const 5))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
  (func (export "getg") (result i32) (global.get $g)))
