"""wasm-c-api's callback example in Python: a host function and a closure."""
import wasmc

print("Initializing...")
store = wasmc.Store()
print("Loading binary...")
module_bytes = open("callback.wasm", "rb").read()
print("Compiling module...")
module = wasmc.Module(store, module_bytes)
print("Creating callback...")


def print_callback(value):
    print("Calling back...")
    print(f"> {value}")
    return value


print_func = wasmc.Func(store, ["i32"], ["i32"], print_callback)
i = 42


def closure_callback():
    print("Calling back closure...")
    print(f"> {i}")
    return i


closure_func = wasmc.Func(store, [], ["i32"], closure_callback)
print("Instantiating module...")
instance = wasmc.Instance(store, module, [print_func, closure_func])
print("Extracting export...")
run = instance.exports["run"]
print("Calling export...")
result = run(3, 4)
print("Printing result...")
print(f"> {result}")
print("Shutting down...")
print("Done.")
