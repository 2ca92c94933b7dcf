"""wasm-c-api's trap example in Python: a trap raised by a host function and
an unreachable, with their frames."""
import wasmc

print("Initializing...")
store = wasmc.Store()
print("Loading binary...")
binary = open("trap.wasm", "rb").read()
print("Compiling module...")
module = wasmc.Module(store, binary)
print("Creating callback...")


def fail():
    print("Calling back...")
    raise RuntimeError("callback abort")


fail_func = wasmc.Func(store, [], ["i32"], fail)
print("Instantiating module...")
instance = wasmc.Instance(store, module, [fail_func])
print("Extracting exports...")
exports = [instance.exports[name] for name, kind in module.exports if kind == "func"]
for i, function in enumerate(exports):
    print(f"Calling export {i}...")
    try:
        function()
        raise SystemExit("> Error calling function, expected trap!")
    except wasmc.Trap as trap:
        print("Printing message...")
        print(f"> {trap.message}")
        print("Printing origin...")
        frame = trap.frames[0]
        print(f"> (nil) @ {frame.module_offset:#x} = {frame.func_index}.{frame.func_offset:#x}")
        print("Printing trace...")
        for frame in trap.frames:
            print(f"> (nil) @ {frame.module_offset:#x} = {frame.func_index}.{frame.func_offset:#x}")
print("Shutting down...")
print("Done.")
