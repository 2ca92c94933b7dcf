;; Neither a WASI command nor a reactor: no _start, no _initialize.
(module (func (export "f")))
