;; Resource limits (test/limits/resources.sh, test/embed/limits.c): grows, a memory
;; and a table to count, and a recursion whose frames fill the stack.
(module
  (memory 1)
  (table 1 funcref)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "table_grow") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0)))
  ;; Not a tail call: the store after the call keeps every frame alive.
  (func $recurse (export "recurse") (param i32) (result i32)
    (if (local.get 0)
      (then (i32.store (i32.const 0) (call $recurse (i32.sub (local.get 0) (i32.const 1))))))
    (local.get 0)))
