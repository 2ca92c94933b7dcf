;; The module test/embed/cxx_api.cpp uses through wasmc.hh.
(module
  (import "host" "scale" (func $scale (param i32 f64) (result f64)))
  (import "host" "peek" (func $peek (param i32) (result i32)))
  (import "host" "pair" (func $pair (param i64) (result i64 i32)))
  (memory (export "memory") 1)
  (global (export "counter") (mut i64) (i64.const 10))
  (data (i32.const 100) "\2a")
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "scaled") (param i32) (result f64) (call $scale (local.get 0) (f64.const 0.5)))
  (func (export "peek") (param i32) (result i32) (call $peek (local.get 0)))
  (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
  (func (export "pair") (param i64) (result i64 i32) (call $pair (local.get 0)))
  (func (export "boom") (unreachable)))
