"""wasm-c-api's multi example in Python: several parameters and results."""
import wasmc

print("Initializing...")
store = wasmc.Store()
print("Loading binary...")
binary = open("multi.wasm", "rb").read()
print("Compiling module...")
module = wasmc.Module(store, binary)
print("Creating callback...")


def callback(a, b, c, d):
    print("Calling back...")
    print(f"> > {a} {b} {c} {d}")
    print()
    return d, b, c, a


func = wasmc.Func(store, ["i32", "i64", "i64", "i32"], ["i32", "i64", "i64", "i32"], callback)
print("Instantiating module...")
instance = wasmc.Instance(store, module, [func])
print("Extracting export...")
g = instance.exports["g"]
print("Calling export...")
results = g(1, 2, 3, 4)
print("Printing result...")
print(f"> {results[0]} {results[1]} {results[2]} {results[3]}")
assert results == (4, 3, 2, 1)
print("Shutting down...")
print("Done.")
