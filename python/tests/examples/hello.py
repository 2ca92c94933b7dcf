"""wasm-c-api's hello example in Python (prints what hello.expected holds)."""
import sys

import wasmc

print("Initializing...")
store = wasmc.Store()
print("Loading binary...")
binary = open("hello.wasm", "rb").read()
print("Validating module...")
wasmc.Module.validate(binary)
print("Compiling module...")
module = wasmc.Module(store, binary)
print("Creating callback...")


def hello():
    print("Calling back...")
    print("> Hello World!")


callback = wasmc.Func(store, [], [], hello)
print("Instantiating module...")
instance = wasmc.Instance(store, module, [callback])
print("Extracting export...")
run = instance.exports["run"]
print("Calling export...")
run()
print("Shutting down...")
del instance, run, callback, module, store
print("Done.")
sys.exit(0)
