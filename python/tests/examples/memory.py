"""wasm-c-api's memory example in Python: an exported memory read, written,
grown, and accessed out of bounds from wasm."""
import wasmc


def check_trap(function, *args):
    try:
        function(*args)
    except wasmc.Trap:
        return
    raise SystemExit(f"> Error on result, expected trap from {args}")


print("Initializing...")
store = wasmc.Store()
print("Loading binary...")
binary = open("memory.wasm", "rb").read()
print("Compiling module...")
module = wasmc.Module(store, binary)
print("Instantiating module...")
instance = wasmc.Instance(store, module)
print("Extracting exports...")
memory = instance.exports["memory"]
size, load, store_ = instance.exports["size"], instance.exports["load"], instance.exports["store"]

print("Checking memory...")
assert memory.size == 2 and memory.data_size == 0x20000
assert memory.read(0, 1) == b"\0" and memory.read(0x1000, 1) == b"\1" and memory.read(0x1003, 1) == b"\4"
assert size() == 2 and load(0) == 0 and load(0x1000) == 1 and load(0x1003) == 4 and load(0x1ffff) == 0
check_trap(load, 0x20000)

print("Mutating memory...")
memory.write(0x1003, b"\5")
store_(0x1002, 6)
check_trap(store_, 0x20000, 0)
assert memory.read(0x1002, 2) == b"\6\5" and load(0x1002) == 6 and load(0x1003) == 5

print("Growing memory...")
assert memory.grow(1) and memory.size == 3 and memory.data_size == 0x30000
assert load(0x20000) == 0
store_(0x20000, 0)
check_trap(load, 0x30000)
check_trap(store_, 0x30000, 0)
assert not memory.grow(1) and memory.grow(0)

print("Creating stand-alone memory...")
standalone = wasmc.Memory(store, 5, 5)
assert standalone.size == 5 and not standalone.grow(1) and standalone.grow(0)

print("Shutting down...")
print("Done.")
