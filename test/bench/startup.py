#!/usr/bin/env python3
# Start-up of hello world side by side: native, wasmc run on a .cwasm, a
# standalone executable, and wasmc run on the .wasm with a warm cache, a cold
# cache and no cache (tiered, and the whole module on LLVM's JIT). Medians of 20 (9 for the compiling runs), one run.
# usage: test/bench/startup.py build/tools/wasmc/wasmc build/test/programs/hello.wasm test/programs/hello.c
import subprocess,time,os,shutil,statistics,sys
w=sys.argv[1]; hw=sys.argv[2]; d='/tmp/st'
os.makedirs(d,exist_ok=True)
subprocess.run([w,'compile',hw,'-o',d+'/hello.cwasm'],check=True)
subprocess.run([w,'compile','--exe',hw,'-o',d+'/hello-exe'],check=True)
subprocess.run(['clang-19','-O2',sys.argv[3],'-o',d+'/hello-native'],check=True)
env=dict(os.environ,XDG_CACHE_HOME=d+'/cache')
def t(cmd,env=None,prep=None):
    if prep: prep()
    s=time.perf_counter(); subprocess.run(cmd,stdout=subprocess.DEVNULL,env=env); return (time.perf_counter()-s)*1000
cold=lambda: shutil.rmtree(d+'/cache',ignore_errors=True)
res={k:[] for k in ['native hello','wasmc run hello.cwasm','standalone exe','wasmc run hello.wasm (warm cache)','wasmc run hello.wasm (cold cache)','wasmc run --no-cache hello.wasm','wasmc run --tier llvm --no-cache hello.wasm']}
# A cold run leaves a background cache fill behind: stopped before the next
# measurement, which it would slow down on a 2-core machine.
stopFill=lambda: subprocess.run(['pkill','-f','wasmc cache-fill'])
# --tier llvm fills the cache before it returns (the default fills it in the background)
subprocess.run([w,'run','--tier','llvm',hw],stdout=subprocess.DEVNULL,env=env)
for i in range(20):
    res['native hello'].append(t([d+'/hello-native']))
    res['wasmc run hello.cwasm'].append(t([w,'run',d+'/hello.cwasm']))
    res['standalone exe'].append(t([d+'/hello-exe']))
    res['wasmc run hello.wasm (warm cache)'].append(t([w,'run',hw],env))
for i in range(9):
    res['wasmc run hello.wasm (cold cache)'].append(t([w,'run',hw],env,cold))
    stopFill()
    res['wasmc run --no-cache hello.wasm'].append(t([w,'run','--no-cache',hw],env))
    res['wasmc run --tier llvm --no-cache hello.wasm'].append(t([w,'run','--tier','llvm','--no-cache',hw],env))
print("| command | median | min | max | runs |\n|---|---:|---:|---:|---:|")
for k,v in res.items(): print("| `%s` | %.2f ms | %.2f ms | %.2f ms | %d |"%(k,statistics.median(v),min(v),max(v),len(v)))
