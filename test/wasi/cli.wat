;; A reactor for the `wasmc run` command-line tests: _initialize prints a line,
;; then --invoke calls add, wide (every number type) or boom (a trap).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "initialized\n")
  (global $init (mut i32) (i32.const 0))
  (func (export "_initialize")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 12))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (global.set $init (i32.const 1)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "wide") (param i64 f32 f64) (result i64 f32 f64 i32) (local.get 0) (local.get 1) (local.get 2) (global.get $init))
  (func $inner (unreachable))
  (func (export "boom") (call $inner)))
