"""The wasmc package, class by class."""
import pathlib
import threading
import time

import pytest

import wasmc
from conftest import wat

ADD = """(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"""


def test_engine_store_module_instance_call():
    for tier in ("llvm", "baseline", "tiered"):
        store = wasmc.Store(wasmc.Engine(tier=tier, opt_level=1))
        module = wasmc.Module(store, wat(ADD))
        assert module.exports == [("add", "func")] and module.imports == []
        instance = wasmc.Instance(store, module)
        assert instance.exports["add"](40, 2) == 42
        assert instance.exports["add"](-1, 0) == -1


def test_engine_rejects_bad_settings():
    with pytest.raises(wasmc.Error):
        wasmc.Engine(opt_level=7)
    with pytest.raises(wasmc.Error, match="unknown wasm feature 'threads'"):
        wasmc.Engine(wasm_features={"threads": True})


def test_wasm_features_switch_off():
    # (func $f (return_call $f)): a tail call, refused with tail-call off.
    tail_call = b"\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0\x0a\6\1\4\0\x12\0\x0b"
    wasmc.Module(wasmc.Store(wasmc.Engine()), tail_call)
    with pytest.raises(wasmc.Error, match="tail-call"):
        wasmc.Module(wasmc.Store(wasmc.Engine(wasm_features={"tail-call": False})), tail_call)


def test_module_from_file_and_errors(tmp_path):
    path = tmp_path / "add.wasm"
    path.write_bytes(wat(ADD))
    store = wasmc.Store()
    assert wasmc.Instance(store, wasmc.Module.from_file(store, path)).exports["add"](1, 2) == 3
    with pytest.raises(wasmc.Error) as error:
        wasmc.Module(store, b"\0asm\1\0\0\0\1\5\1\x60")
    assert error.value.kind == "malformed"
    with pytest.raises(wasmc.Error) as error:
        wasmc.Module.validate(wat("(module (func (result i32) i64.const 1))", validate=False))
    assert error.value.kind == "invalid" and "type mismatch" in str(error.value)


def test_serialize_round_trip_and_refusal():
    store = wasmc.Store()
    serialized = wasmc.Module(store, wat(ADD)).serialize()
    loaded = wasmc.Module.deserialize(store, serialized)
    assert wasmc.Instance(store, loaded).exports["add"](2, 3) == 5
    corrupted = bytearray(serialized)
    corrupted[len(corrupted) // 2] ^= 1
    with pytest.raises(wasmc.Error) as error:
        wasmc.Module.deserialize(store, bytes(corrupted))
    assert error.value.kind == "artifact"
    with pytest.raises(wasmc.Error):
        wasmc.Module.deserialize(store, pathlib.Path("/bin/true").read_bytes())


def test_host_functions_values_and_multiple_results():
    store = wasmc.Store()
    module = wasmc.Module(store, wat("""(module
      (import "" "f" (func $f (param i32 i64 f32 f64) (result f64 f32 i64 i32)))
      (func (export "g") (param i32 i64 f32 f64) (result f64 f32 i64 i32)
        (call $f (local.get 0) (local.get 1) (local.get 2) (local.get 3))))"""))
    seen = []

    def f(a, b, c, d):
        seen.append((a, b, c, d))
        return d * 2, c * 2, b * 2, a * 2

    host = wasmc.Func(store, ["i32", "i64", "f32", "f64"], ["f64", "f32", "i64", "i32"], f)
    g = wasmc.Instance(store, module, [host]).exports["g"]
    assert g(1, 2**40, 1.5, 2.25) == (4.5, 3.0, 2**41, 2)
    assert seen == [(1, 2**40, 1.5, 2.25)]
    assert host(1, 2, 3.0, 4.0) == (8.0, 6.0, 4, 2)  # called directly


def test_trap_has_message_code_and_frames():
    # -O0: LLVM inlines $inner at -O2, and a trap's frames do not show
    # inlined functions yet.
    store = wasmc.Store(wasmc.Engine(opt_level=0))
    module = wasmc.Module(store, wat("""(module
      (func $inner (unreachable))
      (func (export "outer") (call $inner))
      (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))"""))
    instance = wasmc.Instance(store, module)
    with pytest.raises(wasmc.Trap) as trap:
        instance.exports["outer"]()
    assert trap.value.code == "unreachable" and "unreachable" in trap.value.message
    assert [frame.func_index for frame in trap.value.frames] == [0, 1]
    # Each frame names its instruction: unreachable (0x00) in $inner, the
    # call (0x10) in "outer", one byte after their bodies' local counts.
    binary = wat("""(module
      (func $inner (unreachable))
      (func (export "outer") (call $inner))
      (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))""")
    inner, outer = trap.value.frames
    assert binary[inner.module_offset] == 0x00 and inner.func_offset == 1
    assert binary[outer.module_offset] == 0x10 and outer.func_offset == 1
    assert outer.module_offset > inner.module_offset
    with pytest.raises(wasmc.Trap) as trap:
        instance.exports["div"](0)
    assert trap.value.code == "integer_divide_by_zero"
    assert binary[trap.value.frames[0].module_offset] == 0x6d  # i32.div_s
    assert instance.exports["div"](1) == 1  # the store is usable after a trap


def test_exception_in_host_function_becomes_trap():
    store = wasmc.Store()
    module = wasmc.Module(store, wat("""(module (import "" "f" (func $f))
      (func (export "run") (call $f)))"""))

    def fail():
        raise ValueError("no thanks")

    instance = wasmc.Instance(store, module, [wasmc.Func(store, [], [], fail)])
    with pytest.raises(wasmc.Trap) as trap:
        instance.exports["run"]()
    assert trap.value.code == "host" and "ValueError: no thanks" in trap.value.message
    assert [frame.func_index for frame in trap.value.frames] == [1]


def test_memory_global_table():
    store = wasmc.Store()
    module = wasmc.Module(store, wat("""(module
      (memory (export "memory") 1 2)
      (global (export "counter") (mut i64) (i64.const 5))
      (global (export "pi") f64 (f64.const 3.5))
      (table (export "table") 2 funcref)
      (func $seven (result i32) (i32.const 7))
      (elem (i32.const 1) $seven)
      (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))"""))
    instance = wasmc.Instance(store, module)
    memory = instance.exports["memory"]
    memory.write(10, b"\x2a")
    assert instance.exports["load"](10) == 42 and memory.read(10, 1) == b"\x2a"
    assert memory.size == 1 and memory.grow(1) and memory.size == 2 and not memory.grow(1)
    with pytest.raises(IndexError):
        memory.read(memory.data_size - 1, 2)

    counter, pi = instance.exports["counter"], instance.exports["pi"]
    assert counter.value == 5 and counter.kind == "i64" and counter.mutable
    counter.value = 9
    assert counter.value == 9
    assert pi.value == 3.5 and not pi.mutable
    with pytest.raises(wasmc.Error):
        pi.value = 1.0

    table = instance.exports["table"]
    assert table.size == 2 and table[0] is None and table[1]() == 7
    table[0] = wasmc.Func(store, [], ["i32"], lambda: 11)
    assert instance.exports["call"](0) == 11
    assert table.grow(1) and table.size == 3


def test_standalone_objects_as_imports():
    store = wasmc.Store()
    module = wasmc.Module(store, wat("""(module
      (import "env" "memory" (memory 1))
      (import "env" "base" (global i32))
      (import "env" "table" (table 1 funcref))
      (func (export "peek") (result i32) (i32.load (global.get 0))))"""))
    memory = wasmc.Memory(store, 1, 4)
    base = wasmc.Global(store, "i32", 64)
    table = wasmc.Table(store, 1)
    memory.write(64, (1234).to_bytes(4, "little"))
    instance = wasmc.Instance(store, module, [memory, base, table])
    assert instance.exports["peek"]() == 1234


def test_externref_and_funcref_values_round_trip():
    store = wasmc.Store()
    module = wasmc.Module(store, wat("""(module
      (func (export "id") (param externref) (result externref) (local.get 0))
      (func (export "fid") (param funcref) (result funcref) (local.get 0)))"""))
    instance = wasmc.Instance(store, module)
    payload = {"any": "python object"}
    assert instance.exports["id"](payload) is payload
    assert instance.exports["id"](None) is None
    add_one = wasmc.Func(store, ["i32"], ["i32"], lambda x: x + 1)
    assert instance.exports["fid"](add_one)(1) == 2


def test_linker_wasi_and_caller(tmp_path):
    store = wasmc.Store()
    module = wasmc.Module(store, wat("""(module
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (import "host" "peek" (func $peek (param i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "hello, wasi\\n")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 12))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (call $exit (call $peek (i32.const 16)))))"""))
    config = wasmc.WasiConfig()
    config.argv = ["guest"]
    config.stdout = "buffer"
    (tmp_path / "dir").mkdir()
    config.preopen_dir(str(tmp_path / "dir"), "/dir", read_only=True)
    linker = wasmc.Linker(store)
    linker.define_wasi(config)
    linker.define("host", "peek",
                  wasmc.Func(store, ["i32"], ["i32"], lambda caller, at: caller.memory.read(at, 1)[0], caller=True))
    instance = linker.instantiate(module)
    assert linker.run_wasi_command(instance) == ord("h")
    assert linker.wasi_output(1) == b"hello, wasi\n"
    with pytest.raises(wasmc.Error) as error:
        wasmc.Linker(store).instantiate(module)
    assert error.value.kind == "unlinkable" and "fd_write" in str(error.value)


def test_instance_pre_in_many_stores():
    engine = wasmc.Engine()
    store = wasmc.Store(engine)
    module = wasmc.Module(store, wat("""(module
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "pre-linked\\n")
      (func (export "_start")
        (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 11))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"""))
    linker = wasmc.Linker(store)
    linker.define_wasi()
    pre = linker.instantiate_pre(module)
    for _ in range(3):
        fresh = wasmc.Store(engine)
        config = wasmc.WasiConfig()
        config.stdout = "buffer"
        instance = pre.instantiate(fresh, config)
        assert linker.run_wasi_command(instance) == 0
        assert fresh.wasi_output(1) == b"pre-linked\n"
    # A host function defined for every store: each call sees its own store.
    module2 = wasmc.Module(store, wat("""(module
      (import "host" "twice" (func $twice (param i32) (result i32)))
      (func (export "run") (result i32) (call $twice (i32.const 21))))"""))
    seen = []
    linker.define_func("host", "twice", ["i32"], ["i32"],
                       lambda caller, x: seen.append(caller.store) or x * 2, caller=True)
    pre2 = linker.instantiate_pre(module2)
    stores = [wasmc.Store(engine) for _ in range(2)]
    for fresh in stores:
        assert pre2.instantiate(fresh).exports["run"]() == 42
    assert seen == stores
    # A function of one store is refused, naming the import.
    linker.define("host", "f", wasmc.Func(store, [], [], lambda: None))
    other = wasmc.Module(store, wat('(module (import "host" "f" (func)))'))
    with pytest.raises(wasmc.Error) as error:
        linker.instantiate_pre(other)
    assert error.value.kind == "unlinkable" and "host.f" in str(error.value)


def test_linker_define_instance():
    store = wasmc.Store()
    provider = wasmc.Instance(store, wasmc.Module(store, wat(ADD)))
    linker = wasmc.Linker(store)
    linker.define_instance("math", provider)
    user = linker.instantiate(wasmc.Module(store, wat("""(module
      (import "math" "add" (func $add (param i32 i32) (result i32)))
      (func (export "twice") (param i32) (result i32) (call $add (local.get 0) (local.get 0))))""")))
    assert user.exports["twice"](21) == 42


def test_start_trap_raises():
    store = wasmc.Store()
    module = wasmc.Module(store, wat("(module (func $s unreachable) (start $s))"))
    with pytest.raises(wasmc.Trap) as trap:
        wasmc.Instance(store, module)
    assert trap.value.code == "unreachable" and trap.value.frames[0].func_index == 0


def test_epoch_deadline_with_a_callback_that_extends_it_twice():
    engine = wasmc.Engine(interruptible=True)
    store = wasmc.Store(engine)
    spin = wat("""(module (func (export "spin") (loop (br 0))))""")
    instance = wasmc.Instance(store, wasmc.Module(store, spin))
    calls = []

    def extend():
        calls.append(engine.epoch)
        return 2 if len(calls) <= 2 else 0

    store.set_epoch_deadline_callback(extend)
    store.set_epoch_deadline(3)
    start = engine.epoch
    running = [True]

    def tick():
        while running[0]:
            time.sleep(0.002)
            engine.increment_epoch()

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        with pytest.raises(wasmc.Trap) as trapped:
            instance.exports["spin"]()
    finally:
        running[0] = False
        ticker.join()
    assert trapped.value.code == "interrupt"
    assert len(calls) == 3 and engine.epoch >= start + 3 + 2 + 2
    store.set_epoch_deadline_callback(None)


def test_fuel_interrupt_and_limits():
    for tier in ("llvm", "baseline"):
        store = wasmc.Store(wasmc.Engine(tier=tier, consume_fuel=True, interruptible=True))
        spin = wat("""(module (memory 1) (func (export "spin") (loop (br 0)))
                      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))""")
        instance = wasmc.Instance(store, wasmc.Module(store, spin))
        store.fuel = 10
        with pytest.raises(wasmc.Trap) as trapped:
            instance.exports["spin"]()
        assert trapped.value.code == "out_of_fuel" and store.fuel == -1
        refills = []
        store.set_refuel_callback(lambda: refills.append(1) or (5 if len(refills) <= 4 else 0))
        store.fuel = 0
        with pytest.raises(wasmc.Trap) as trapped:
            instance.exports["spin"]()  # 1 fuel per iteration: 20 in all, then refused
        assert trapped.value.code == "out_of_fuel" and len(refills) == 5 and store.fuel == -1
        store.set_refuel_callback(None)
        store.fuel = 2**62
        store.set_timeout(0.01)
        with pytest.raises(wasmc.Trap) as trapped:
            instance.exports["spin"]()
        assert trapped.value.code == "interrupt"
        store.limit(memory_size=2 * 65536)
        assert instance.exports["grow"](1) == 1 and instance.exports["grow"](1) == -1
        store.limit(memory_size=2 * 65536, trap_on_grow_failure=True)
        with pytest.raises(wasmc.Trap) as trapped:
            instance.exports["grow"](1)
        assert trapped.value.code == "grow_failed"
        store.limit(instances=1)
        with pytest.raises(wasmc.Error, match="limit of 1 instances"):
            wasmc.Instance(store, wasmc.Module(store, spin))
        with pytest.raises(wasmc.Error):
            store.fuel = -1
