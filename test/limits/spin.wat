;; A WASI command whose _start never returns.
(module (func (export "_start") (loop (br 0))))
