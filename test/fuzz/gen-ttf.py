#!/usr/bin/env python3
"""Generator (a): binaryen's translate-to-fuzz, restricted to what wasmc runs.

    gen-ttf.py OUTDIR FIRST_SEED [COUNT]

writes OUTDIR/ttf-SEED.wasm for COUNT seeds (default 1) and prints each path.

SEED picks 1..16 KiB of pseudo-random bytes (Python's random, so the same
seed makes the same module anywhere); `wasm-opt -ttf` (binaryen 108) turns
them into a valid module. Features: WebAssembly 2.0 without reference types
(binaryen 108 still treats funcref as a subtype of externref, which the spec
and wabt reject). --denan makes every float that would be a NaN a 0, because
NaN payloads are legally nondeterministic and -ttf modules reinterpret floats
as integers, log them and hash memory holding them.

-ttf bounds every loop and call with a global "hang limit" (10, restored by
the export hangLimitInitializer), so a module never runs long and never
recurses deep. Its imports are fuzzing-support.log-* functions, which
wasmc-fuzz-diff's dummies handle. It exports hashMemory first; we export it a
second time as the last export, "hashMemory_end", so that wasm-interp (which
cannot dump memory) reports the final memory through it. That edit goes
through wasm2wat and wat2wasm.
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

FEATURES = [
    "--mvp-features", "--enable-sign-ext", "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int", "--enable-simd", "--enable-bulk-memory",
    "--enable-multivalue",
    # 3.0 features wasmc implements and wabt's wasm-interp (the reference)
    # runs; relaxed SIMD is left out: the reference picks other allowed
    # results than wasmc (docs/WASM-3.0.md), which is no divergence.
    "--enable-tail-call", "--enable-extended-const",
]
# The same two for wabt's wasm2wat and wat2wasm.
WABT_FEATURES = ["--enable-tail-call", "--enable-extended-const"]


def need(tool):
    if shutil.which(tool) is None:
        sys.exit(f"gen-ttf.py: {tool} not found on PATH (Debian: apt-get install "
                 f"{'binaryen' if tool == 'wasm-opt' else 'wabt'})")


def generate(seed, out, tmp):
    rng = random.Random(f"ttf-{seed}")
    data = rng.randbytes(rng.randint(1024, 16384))
    raw, fuzzed = os.path.join(tmp, "in.bin"), os.path.join(tmp, "ttf.wasm")
    with open(raw, "wb") as f:
        f.write(data)
    subprocess.run(["wasm-opt", "-ttf", raw, *FEATURES, "--denan", "-o", fuzzed],
                   check=True, stderr=subprocess.DEVNULL)
    wat = subprocess.run(["wasm2wat", *WABT_FEATURES, fuzzed], check=True, capture_output=True, text=True).stdout
    lines = wat.rstrip().split("\n")
    hash_line = next((l for l in lines if l.strip().startswith('(export "hashMemory"')), None)
    last_export = max((i for i, l in enumerate(lines) if l.strip().startswith("(export ")), default=None)
    if hash_line is not None:
        lines.insert(last_export + 1, hash_line.replace('"hashMemory"', '"hashMemory_end"'))
    wat_path = os.path.join(tmp, "ttf.wat")
    with open(wat_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    subprocess.run(["wat2wasm", *WABT_FEATURES, wat_path, "-o", out], check=True)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: gen-ttf.py OUTDIR FIRST_SEED [COUNT]")
    for tool in ("wasm-opt", "wasm2wat", "wat2wasm"):
        need(tool)
    out_dir, first = sys.argv[1], int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) == 4 else 1
    os.makedirs(out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wasmc-ttf-") as tmp:
        for seed in range(first, first + count):
            out = os.path.join(out_dir, f"ttf-{seed}.wasm")
            generate(seed, out, tmp)
            print(out, flush=True)


if __name__ == "__main__":
    main()
