#!/usr/bin/env python3
"""Execute-time ratios of the instrumented engines to plain wasmc-aot, from
the results.json files `wasmc bench --engine wasmc-aot,wasmc-aot-epoch,
wasmc-aot-fuel` writes: one Markdown row per benchmark (medians of the
run's samples) and the geometric mean and maximum per suite
(docs/BENCHMARKS.md, "Interruption and fuel").

  tools/bench-ratios.py [--min-ms=MS] RESULTS.json...

--min-ms leaves out benchmarks whose wasmc-aot execute median is shorter
(sub-millisecond sightglass kernels are timer noise)."""
import json, math, sys
rows = []
args = sys.argv[1:]
min_ms = 0.0
if args and args[0].startswith('--min-ms='):
    min_ms = float(args.pop(0).split('=')[1])
for path in args:
    d = json.load(open(path))
    for b in d['benchmarks']:
        r = b['results']
        if any(r.get(e, {}).get('status') != 'ok' for e in ('wasmc-aot', 'wasmc-aot-epoch', 'wasmc-aot-fuel')):
            continue
        base = r['wasmc-aot']['execute_ns']['median']
        if base < min_ms * 1e6:
            continue
        ep = r['wasmc-aot-epoch']['execute_ns']['median'] / base
        fu = r['wasmc-aot-fuel']['execute_ns']['median'] / base
        rows.append((b['suite'], b['name'], base / 1e6, ep, fu))
print('| benchmark | wasmc-aot (ms) | epoch | fuel |')
print('|---|---:|---:|---:|')
for s, n, base, ep, fu in rows:
    print(f'| {n} | {base:.0f} | {ep:.2f}x | {fu:.2f}x |')
def gm(xs): return math.exp(sum(map(math.log, xs)) / len(xs))
for suite in sorted(set(r[0] for r in rows)) + ['all']:
    sel = [r for r in rows if suite == 'all' or r[0] == suite]
    eps = [r[3] for r in sel]; fus = [r[4] for r in sel]
    print(f'| **{suite} geomean ({len(sel)})** | | **{gm(eps):.3f}x** (max {max(eps):.2f}) | **{gm(fus):.3f}x** (max {max(fus):.2f}) |')
