#!/usr/bin/env python3
"""Shrinks a diverging .wat (a gen-loops module, or any text module with one
statement per line) while wasmc-fuzz-diff still reports a divergence.

    reduce.py [--diff WASMC_FUZZ_DIFF] [--configs O2,aot] IN.wat OUT.wat

Deletes chunks of lines, halving the chunk size down to single lines, and
keeps a deletion when the text still assembles (wat2wasm) and the differ
still reports the same divergences for the given configurations (default:
all): the same configurations, exports and kinds of difference (numbers
ignored), unless --any, which takes any divergence. Greedy and slow
(one differ run per try; pass only the diverging configurations to speed it
up), but the gen-loops text puts every statement, segment and export on its
own line, so the result is usually a handful of lines. Check by hand that
the reduced module still shows the same divergence, not another one.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--diff", default=os.path.join(HERE, "../../build/test/fuzz/wasmc-fuzz-diff"))
    parser.add_argument("--configs", default="O0,O2,O3,lazy,aot")
    parser.add_argument("--any", action="store_true", help="any divergence will do")
    parser.add_argument("input")
    parser.add_argument("output")
    args = parser.parse_args()
    lines = open(args.input).read().split("\n")
    tmp = tempfile.mkdtemp(prefix="wasmc-reduce-")
    tries = 0

    def diverges(candidate):
        nonlocal tries
        tries += 1
        path = os.path.join(tmp, "c.wat")
        with open(path, "w") as f:
            f.write("\n".join(candidate))
        if subprocess.run(["wat2wasm", path, "-o", os.devnull], capture_output=True).returncode:
            return False
        run = subprocess.run([args.diff, "--configs", args.configs, "--timeout", "20", path],
                             capture_output=True, text=True)
        if run.returncode != 1:
            return False
        return args.any or signature(run.stdout) == wanted

    def signature(output):
        found = set()
        for line in output.split("\n"):
            m = re.match(r"  (\S+ vs \S+): (.*)", line)
            if m:
                text = re.sub(r"; stderr: .*", "", m.group(2))
                text = re.sub(r"\(call \d+\)", "", text)
                found.add(m.group(1) + ": " + re.sub(r"\d+", "N", text))
        return found

    wanted = None
    args.any, wanted_any = True, args.any
    if not diverges(lines):
        sys.exit("reduce.py: the input does not diverge")
    path = os.path.join(tmp, "c.wat")
    wanted = signature(subprocess.run([args.diff, "--configs", args.configs, path],
                                      capture_output=True, text=True).stdout)
    args.any = wanted_any
    print("keeping:", *sorted(wanted), sep="\n  ")
    chunk = max(1, len(lines) // 2)
    while True:
        i = 0
        changed = False
        while i < len(lines):
            candidate = lines[:i] + lines[i + chunk:]
            if candidate and diverges(candidate):
                lines = candidate
                changed = True
                print(f"  {len(lines)} lines ({tries} tries)", flush=True)
            else:
                i += chunk
        if chunk == 1 and not changed:
            break
        chunk = max(1, chunk // 2)
    with open(args.output, "w") as f:
        f.write("\n".join(lines))
    print(f"{args.output}: {len(lines)} lines after {tries} tries")


if __name__ == "__main__":
    main()
