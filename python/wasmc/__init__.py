"""Run WebAssembly from Python with wasmc.

    import wasmc
    store = wasmc.Store()
    module = wasmc.Module(store, open("add.wasm", "rb").read())
    instance = wasmc.Instance(store, module)
    print(instance.exports["add"](40, 2))

Value types are the strings "i32", "i64", "f32", "f64", "externref" and
"funcref". A trap raises wasmc.Trap (with the wasm frames), a module or
link error raises wasmc.Error. Any Python object can be passed as an
externref; a Func as a funcref.
"""

import ctypes
import weakref

from . import _ffi
from ._ffi import ByteVec, Limits, PointerVec, Val, ValVec

__all__ = ["Engine", "Store", "Module", "Instance", "Func", "Memory", "Global", "Table", "Trap", "Frame",
           "Error", "WasiConfig", "Linker", "Caller"]

_KINDS = {"i32": 0, "i64": 1, "f32": 2, "f64": 3, "externref": 128, "funcref": 129}
_KIND_NAMES = {kind: name for name, kind in _KINDS.items()}
_TIERS = {"llvm": 0, "baseline": 1, "tiered": 2}
_EXTERN_KINDS = ["func", "global", "table", "memory"]


class Error(Exception):
    """A module that does not decode, validate or link, or a refused artifact."""

    KINDS = ["malformed", "invalid", "unsupported", "unlinkable", "uninstantiable", "artifact", "io", "usage"]

    def __init__(self, message, kind="usage"):
        super().__init__(message)
        self.kind = kind


def _check(error):
    """Raises the Error for an owned wasmc_error_t* (does nothing for NULL)."""
    if not error:
        return
    message = ByteVec()
    _ffi.wasmc_error_message(error, ctypes.byref(message))
    text = message.bytes().rstrip(b"\0").decode(errors="replace")
    kind = Error.KINDS[_ffi.wasmc_error_kind(error)]
    _ffi.wasm_byte_vec_delete(ctypes.byref(message))
    _ffi.wasmc_error_delete(error)
    raise Error(text, kind)


def _bytes(data):
    vec = ByteVec()
    _ffi.wasm_byte_vec_new(ctypes.byref(vec), len(data), bytes(data))
    return vec


class Frame:
    """One wasm frame of a trap, innermost first."""

    def __init__(self, func_index, func_name, func_offset, module_offset):
        self.func_index = func_index
        self.func_name = func_name
        self.func_offset = func_offset
        self.module_offset = module_offset

    def __repr__(self):
        name = f" {self.func_name}" if self.func_name else ""
        return f"<Frame wasm function {self.func_index}{name}>"


class Trap(Exception):
    """A trap: its message, code name, frames, and proc_exit's status."""

    CODES = [None, "unreachable", "memory_out_of_bounds", "integer_divide_by_zero", "integer_overflow",
             "bad_conversion_to_integer", "indirect_call_to_null", "bad_signature", "table_out_of_bounds",
             "stack_overflow", "host", "exit", "interrupt", "grow_failed", "out_of_fuel", "other"]

    def __init__(self, message, code="host", frames=(), exit_status=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.frames = list(frames)
        self.exit_status = exit_status

    @classmethod
    def _take(cls, trap):
        """The Trap for an owned wasm_trap_t* (deleted here)."""
        message = ByteVec()
        _ffi.wasm_trap_message(trap, ctypes.byref(message))
        text = message.bytes().rstrip(b"\0").decode(errors="replace")
        _ffi.wasm_byte_vec_delete(ctypes.byref(message))
        frames = []
        trace = PointerVec()
        _ffi.wasm_trap_trace(trap, ctypes.byref(trace))
        for i in range(trace.size):
            frame = trace.data[i]
            name = ByteVec()
            _ffi.wasmc_frame_func_name(frame, ctypes.byref(name))
            frames.append(Frame(_ffi.wasm_frame_func_index(frame), name.bytes().decode(errors="replace"),
                                _ffi.wasm_frame_func_offset(frame), _ffi.wasm_frame_module_offset(frame)))
            _ffi.wasm_byte_vec_delete(ctypes.byref(name))
        _ffi.wasm_frame_vec_delete(ctypes.byref(trace))
        status = ctypes.c_int32()
        exit_status = status.value if _ffi.wasmc_trap_exit_status(trap, ctypes.byref(status)) else None
        code = cls.CODES[_ffi.wasmc_trap_code(trap)]
        _ffi.wasm_trap_delete(trap)
        return cls(text, code, frames, exit_status)


class Engine:
    """How modules are compiled: tier ("llvm", "baseline", "tiered"), LLVM's
    opt_level (0..3), target_cpu, whether to use the user's cache, whether
    loops check for interrupts (interruptible), whether the code consumes
    fuel (consume_fuel), how many memories each module keeps, reset, for
    its next instances (memory_pool), and the features past 2.0 switched by
    name (wasm_features={"tail-call": False}; all on by default)."""

    def __init__(self, tier="llvm", opt_level=2, target_cpu="native", cache=False, interruptible=False,
                 consume_fuel=False, memory_pool=0, wasm_features=None):
        config = _ffi.wasm_config_new()
        _ffi.wasmc_config_tier_set(config, _TIERS[tier])
        if not _ffi.wasmc_config_opt_level_set(config, opt_level):
            raise Error(f"opt_level must be 0..3, not {opt_level}")
        _ffi.wasmc_config_target_cpu_set(config, target_cpu.encode())
        _ffi.wasmc_config_cache_set(config, cache)
        _ffi.wasmc_config_interruptible_set(config, interruptible)
        _ffi.wasmc_config_consume_fuel_set(config, consume_fuel)
        _ffi.wasmc_config_memory_pool_set(config, memory_pool)
        for name, enabled in (wasm_features or {}).items():
            if not _ffi.wasmc_config_wasm_feature_set(config, name.encode(), enabled):
                _ffi.wasm_config_delete(config)
                raise Error(f"unknown wasm feature {name!r} (known: extended-const, gc, relaxed-simd, tail-call)")
        self._ptr = _ffi.wasm_engine_new_with_config(config)

    def __del__(self):
        if getattr(self, "_ptr", None):
            _ffi.wasm_engine_delete(self._ptr)
            self._ptr = None

    def increment_epoch(self):
        """Advances the engine's epoch (any thread; lock-free). Stores whose
        epoch deadline it reaches are interrupted."""
        _ffi.wasmc_engine_increment_epoch(self._ptr)

    @property
    def epoch(self):
        return _ffi.wasmc_engine_epoch(self._ptr)


_stores = weakref.WeakValueDictionary()  # wasm_store_t* -> Store


class Store:
    """Owns every instance, function, memory, table and global made in it;
    they stay alive as long as the store does."""

    def __init__(self, engine=None):
        self.engine = engine or Engine()
        self._ptr = _ffi.wasm_store_new(self.engine._ptr)
        _stores[self._ptr] = self  # for host functions defined for every store (Linker.define_func)
        self._keep = []     # callbacks and objects the native side refers to
        self._objects = {}  # externref host info -> Python object
        self._foreigns = {}  # id(object) -> foreign handle

    def __del__(self):
        if getattr(self, "_ptr", None):
            for foreign in self._foreigns.values():
                _ffi.wasm_ref_delete(foreign)
            _ffi.wasm_store_delete(self._ptr)
            self._ptr = None

    # --- limits ----------------------------------------------------------
    def wasi_output(self, fd=1):
        """What the store's own WASI guest (InstancePre.instantiate) wrote to
        a buffered stdout (1) or stderr (2)."""
        return _wasi_output(_ffi.wasmc_store_wasi_output, self._ptr, fd)

    def interrupt(self):
        """Stops the running wasm with Trap code "interrupt" (any thread)."""
        _ffi.wasmc_store_interrupt(self._ptr)

    def set_timeout(self, seconds):
        """Interrupts the store `seconds` from now (0 cancels)."""
        _ffi.wasmc_store_set_timeout(self._ptr, int(seconds * 1e9))

    def set_epoch_deadline(self, ticks):
        """Interrupts the store once the engine's epoch has advanced `ticks`
        from now (0 cancels)."""
        _ffi.wasmc_store_set_epoch_deadline(self._ptr, ticks)

    def set_refuel_callback(self, callback):
        """Where the fuel runs out, calls callback() for the fuel to add (again
        while it is still below zero); 0 (or an exception) traps "out_of_fuel".
        Runs inside the call, on its thread. None removes it."""
        self._refuel_callback = self._set_count_callback(_ffi.wasmc_store_set_refuel_callback, callback)

    def set_epoch_deadline_callback(self, callback):
        """When the epoch deadline falls due, calls callback() instead of
        interrupting at once: it returns the ticks to extend the deadline by,
        or 0 to interrupt (as does an exception). It runs on the engine's
        epoch thread while the wasm runs on: it must not touch this store.
        None removes it."""
        self._epoch_callback = self._set_count_callback(_ffi.wasmc_store_set_epoch_deadline_callback, callback)

    def _set_count_callback(self, setter, callback):
        """Gives `setter` (a wasmc.h uint64_t(env) callback setter) callback,
        or removes it (None); returns what must stay alive while it is set."""
        if callback is None:
            setter(self._ptr, _ffi.EpochCallback(), None, None)
            return None

        def call(env):
            try:
                return max(0, int(callback()))
            except BaseException:  # an exception cannot cross into C: 0
                return 0

        native = _ffi.EpochCallback(call)
        setter(self._ptr, native, None, None)
        return native

    @property
    def fuel(self):
        """Fuel left for code compiled with consume_fuel (negative: overdrawn)."""
        return _ffi.wasmc_store_fuel(self._ptr)

    @fuel.setter
    def fuel(self, value):
        if value < 0 or not _ffi.wasmc_store_set_fuel(self._ptr, value):
            raise Error(f"fuel must be 0..2**63-1, not {value}")

    def limit(self, memory_size=None, table_elements=None, instances=None, tables=None, memories=None,
              trap_on_grow_failure=None, max_wasm_stack=None):
        """Resource limits; None keeps the default (see wasmc.h)."""
        given = [memory_size, table_elements, instances, tables, memories]
        _ffi.wasmc_store_limiter(self._ptr, *[-1 if value is None else value for value in given])
        if trap_on_grow_failure is not None:
            _ffi.wasmc_store_trap_on_grow_failure(self._ptr, trap_on_grow_failure)
        if max_wasm_stack is not None:
            _ffi.wasmc_store_max_wasm_stack(self._ptr, max_wasm_stack)

    # --- values --------------------------------------------------------
    def _to_val(self, value, kind):
        val = Val()
        val.kind = _KINDS[kind]
        if kind == "i32":
            val.of.i32 = ctypes.c_int32(value).value
        elif kind == "i64":
            val.of.i64 = ctypes.c_int64(value).value
        elif kind == "f32":
            val.of.f32 = value
        elif kind == "f64":
            val.of.f64 = value
        elif value is None:
            val.of.ref = None
        elif kind == "funcref":
            if not isinstance(value, Func):
                raise TypeError("a funcref argument must be a wasmc.Func or None")
            val.of.ref = _ffi.wasm_func_as_ref(value._ptr)
        else:
            val.of.ref = self._foreign_for(value)
        return val

    def _foreign_for(self, value):
        key = id(value)
        if key not in self._foreigns:
            foreign = _ffi.wasm_foreign_as_ref(_ffi.wasm_foreign_new(self._ptr))
            _ffi.wasm_ref_set_host_info(foreign, key)
            self._objects[key] = value
            self._foreigns[key] = foreign
        return self._foreigns[key]

    def _from_val(self, val, owner=True):
        kind = _KIND_NAMES.get(val.kind)
        if kind == "i32":
            return val.of.i32
        if kind == "i64":
            return val.of.i64
        if kind == "f32":
            return val.of.f32
        if kind == "f64":
            return val.of.f64
        if not val.of.ref:
            return None
        if kind == "funcref":
            func = _ffi.wasm_ref_as_func(_ffi.wasm_ref_copy(val.of.ref))
            result = Func._wrap(self, func)
        else:
            result = self._objects.get(_ffi.wasm_ref_get_host_info(val.of.ref))
        if owner:
            _ffi.wasm_val_delete(ctypes.byref(val))
        return result


class Module:
    """A compiled module (from wasm bytes; Module.from_file reads a file)."""

    def __init__(self, store, wasm):
        self.store = store
        out = ctypes.c_void_p()
        data = bytes(wasm)
        _check(_ffi.wasmc_module_new(store._ptr, data, len(data), ctypes.byref(out)))
        self._ptr = out.value

    @classmethod
    def from_file(cls, store, path):
        with open(path, "rb") as file:
            return cls(store, file.read())

    @classmethod
    def deserialize(cls, store, serialized):
        """Loads what serialize() made; anything else raises Error."""
        module = cls.__new__(cls)
        module.store = store
        out = ctypes.c_void_p()
        data = bytes(serialized)
        _check(_ffi.wasmc_module_deserialize(store._ptr, data, len(data), ctypes.byref(out)))
        module._ptr = out.value
        return module

    @staticmethod
    def validate(wasm):
        """Raises Error when `wasm` is not a valid module."""
        data = bytes(wasm)
        _check(_ffi.wasmc_module_validate(data, len(data)))

    def serialize(self):
        out = ByteVec()
        _check(_ffi.wasmc_module_serialize(self._ptr, ctypes.byref(out)))
        data = out.bytes()
        _ffi.wasm_byte_vec_delete(ctypes.byref(out))
        return data

    @property
    def imports(self):
        """[(module, name, kind)] with kind "func", "global", "table" or "memory"."""
        vec = PointerVec()
        _ffi.wasm_module_imports(self._ptr, ctypes.byref(vec))
        result = [(_ffi.wasm_importtype_module(vec.data[i]).contents.bytes().decode(),
                   _ffi.wasm_importtype_name(vec.data[i]).contents.bytes().decode(),
                   _EXTERN_KINDS[_ffi.wasm_externtype_kind(_ffi.wasm_importtype_type(vec.data[i]))])
                  for i in range(vec.size)]
        _ffi.wasm_importtype_vec_delete(ctypes.byref(vec))
        return result

    @property
    def exports(self):
        """[(name, kind)]."""
        vec = PointerVec()
        _ffi.wasm_module_exports(self._ptr, ctypes.byref(vec))
        result = [(_ffi.wasm_exporttype_name(vec.data[i]).contents.bytes().decode(),
                   _EXTERN_KINDS[_ffi.wasm_externtype_kind(_ffi.wasm_exporttype_type(vec.data[i]))])
                  for i in range(vec.size)]
        _ffi.wasm_exporttype_vec_delete(ctypes.byref(vec))
        return result

    def __del__(self):
        if getattr(self, "_ptr", None):
            _ffi.wasm_module_delete(self._ptr)
            self._ptr = None


def _functype(params, results):
    def vec(kinds):
        out = PointerVec()
        items = (ctypes.c_void_p * max(1, len(kinds)))(*[_ffi.wasm_valtype_new(_KINDS[k]) for k in kinds])
        _ffi.wasm_valtype_vec_new(ctypes.byref(out), len(kinds), items)
        return out
    p, r = vec(params), vec(results)
    return _ffi.wasm_functype_new(ctypes.byref(p), ctypes.byref(r))


def _kinds(vec_pointer):
    vec = vec_pointer.contents
    return [_KIND_NAMES[_ffi.wasm_valtype_kind(vec.data[i])] for i in range(vec.size)]


class Caller:
    """The instance a host function is called from (during the call only)."""

    def __init__(self, store, ptr):
        self.store = store
        self._ptr = ptr

    @property
    def memory(self):
        handle = _ffi.wasmc_caller_memory(self._ptr)
        return Memory._wrap(self.store, handle) if handle else None

    def get_export(self, name):
        handle = _ffi.wasmc_caller_export_get(self._ptr, name.encode())
        return _wrap_extern(self.store, handle) if handle else None


def _host_trampoline(store_of, results, function, caller):
    """The C callback of a host function: wasm.h values to `function` (with
    a Caller first when `caller`), its results (or a trap) back. `store_of`
    gives the Python Store of a call from its wasmc_caller_t."""

    def trampoline(env, caller_ptr, args, out):
        store = store_of(caller_ptr)
        try:
            values = [store._from_val(args.contents.data[i], owner=False) for i in range(args.contents.size)]
            if caller:
                values.insert(0, Caller(store, caller_ptr))
            result = function(*values)
            if len(results) == 0:
                result = ()
            elif len(results) == 1:
                result = (result,)
            for i, kind in enumerate(results):
                out.contents.data[i] = store._to_val(result[i], kind)
                if kind in ("funcref", "externref") and out.contents.data[i].of.ref:
                    out.contents.data[i].of.ref = _ffi.wasm_ref_copy(out.contents.data[i].of.ref)
            return None
        except Exception as exception:  # a trap for wasm, never an unwind through it
            message = _bytes(f"{type(exception).__name__}: {exception}".encode() + b"\0")
            trap = _ffi.wasm_trap_new(store._ptr, ctypes.byref(message))
            _ffi.wasm_byte_vec_delete(ctypes.byref(message))
            return trap

    return trampoline


class Func:
    """A function: Func(store, params, results, callable) makes a host
    function (`callable(*args)`, or `callable(caller, *args)` with
    caller=True); exported ones come from Instance.exports. Calling one
    returns None, a value, or a tuple of values."""

    def __init__(self, store, params, results, function, caller=False):
        self.store = store
        self.params, self.results = list(params), list(results)

        trampoline = _host_trampoline(lambda caller_ptr: store, self.results, function, caller)
        callback = _ffi.Callback(trampoline)
        store._keep.append(callback)
        functype = _functype(self.params, self.results)
        self._ptr = _ffi.wasmc_func_new(store._ptr, functype, callback, None, None)
        _ffi.wasm_functype_delete(functype)

    @classmethod
    def _wrap(cls, store, ptr):
        func = cls.__new__(cls)
        func.store = store
        func._ptr = ptr
        functype = _ffi.wasm_func_type(ptr)
        func.params = _kinds(_ffi.wasm_functype_params(functype))
        func.results = _kinds(_ffi.wasm_functype_results(functype))
        _ffi.wasm_functype_delete(functype)
        return func

    def __call__(self, *args):
        if len(args) != len(self.params):
            raise TypeError(f"expected {len(self.params)} arguments, got {len(args)}")
        arg_array = (Val * max(1, len(args)))(*[self.store._to_val(a, k) for a, k in zip(args, self.params)])
        result_array = (Val * max(1, len(self.results)))()
        arg_vec = ValVec(len(args), arg_array)
        result_vec = ValVec(len(self.results), result_array)
        trap = _ffi.wasm_func_call(self._ptr, ctypes.byref(arg_vec), ctypes.byref(result_vec))
        if trap:
            raise Trap._take(trap)
        values = [self.store._from_val(result_array[i]) for i in range(len(self.results))]
        if not values:
            return None
        return values[0] if len(values) == 1 else tuple(values)

    def _extern(self):
        return _ffi.wasm_func_as_extern(self._ptr)

    def __del__(self):
        if getattr(self, "_ptr", None):
            _ffi.wasm_func_delete(self._ptr)
            self._ptr = None


class Memory:
    """A linear memory: Memory(store, min_pages, max_pages=None), or exported."""

    def __init__(self, store, min_pages, max_pages=None):
        self.store = store
        limits = Limits(min_pages, 0xFFFFFFFF if max_pages is None else max_pages)
        memorytype = _ffi.wasm_memorytype_new(ctypes.byref(limits))
        self._ptr = _ffi.wasm_memory_new(store._ptr, memorytype)
        _ffi.wasm_memorytype_delete(memorytype)
        if not self._ptr:
            raise Error("cannot create the memory")

    @classmethod
    def _wrap(cls, store, ptr):
        memory = cls.__new__(cls)
        memory.store, memory._ptr = store, ptr
        return memory

    @property
    def size(self):
        """Pages of 64 KiB."""
        return _ffi.wasm_memory_size(self._ptr)

    @property
    def data_size(self):
        return _ffi.wasm_memory_data_size(self._ptr)

    def grow(self, pages):
        """True when the memory grew, False past its maximum."""
        return _ffi.wasm_memory_grow(self._ptr, pages)

    def _check_range(self, offset, length):
        if offset < 0 or length < 0 or offset + length > self.data_size:
            raise IndexError(f"[{offset}, {offset + length}) is outside the memory's {self.data_size} bytes")

    def read(self, offset, length):
        self._check_range(offset, length)
        return ctypes.string_at(_ffi.wasm_memory_data(self._ptr) + offset, length)

    def write(self, offset, data):
        data = bytes(data)
        self._check_range(offset, len(data))
        ctypes.memmove(_ffi.wasm_memory_data(self._ptr) + offset, data, len(data))

    def _extern(self):
        return _ffi.wasm_memory_as_extern(self._ptr)

    def __del__(self):
        if getattr(self, "_ptr", None):
            _ffi.wasm_memory_delete(self._ptr)
            self._ptr = None


class Global:
    """A global: Global(store, kind, value, mutable=False), or exported."""

    def __init__(self, store, kind, value, mutable=False):
        self.store = store
        globaltype = _ffi.wasm_globaltype_new(_ffi.wasm_valtype_new(_KINDS[kind]), 1 if mutable else 0)
        val = store._to_val(value, kind)
        self._ptr = _ffi.wasm_global_new(store._ptr, globaltype, ctypes.byref(val))
        _ffi.wasm_globaltype_delete(globaltype)
        if not self._ptr:
            raise Error("cannot create the global")

    @classmethod
    def _wrap(cls, store, ptr):
        global_ = cls.__new__(cls)
        global_.store, global_._ptr = store, ptr
        return global_

    @property
    def kind(self):
        globaltype = _ffi.wasm_global_type(self._ptr)
        kind = _KIND_NAMES[_ffi.wasm_valtype_kind(_ffi.wasm_globaltype_content(globaltype))]
        _ffi.wasm_globaltype_delete(globaltype)
        return kind

    @property
    def mutable(self):
        globaltype = _ffi.wasm_global_type(self._ptr)
        mutable = _ffi.wasm_globaltype_mutability(globaltype) == 1
        _ffi.wasm_globaltype_delete(globaltype)
        return mutable

    @property
    def value(self):
        val = Val()
        _ffi.wasm_global_get(self._ptr, ctypes.byref(val))
        return self.store._from_val(val)

    @value.setter
    def value(self, value):
        if not self.mutable:
            raise Error("the global is immutable")
        val = self.store._to_val(value, self.kind)
        _ffi.wasm_global_set(self._ptr, ctypes.byref(val))

    def _extern(self):
        return _ffi.wasm_global_as_extern(self._ptr)

    def __del__(self):
        if getattr(self, "_ptr", None):
            _ffi.wasm_global_delete(self._ptr)
            self._ptr = None


class Table:
    """A table of funcref (Func or None): Table(store, min, max=None), or exported."""

    def __init__(self, store, min_size, max_size=None, kind="funcref"):
        self.store = store
        limits = Limits(min_size, 0xFFFFFFFF if max_size is None else max_size)
        tabletype = _ffi.wasm_tabletype_new(_ffi.wasm_valtype_new(_KINDS[kind]), ctypes.byref(limits))
        self._ptr = _ffi.wasm_table_new(store._ptr, tabletype, None)
        _ffi.wasm_tabletype_delete(tabletype)
        if not self._ptr:
            raise Error("cannot create the table")

    @classmethod
    def _wrap(cls, store, ptr):
        table = cls.__new__(cls)
        table.store, table._ptr = store, ptr
        return table

    @property
    def size(self):
        return _ffi.wasm_table_size(self._ptr)

    def __getitem__(self, index):
        if not 0 <= index < self.size:
            raise IndexError(index)
        ref = _ffi.wasm_table_get(self._ptr, index)
        if not ref:
            return None
        func = _ffi.wasm_ref_as_func(ref)
        if func:
            return Func._wrap(self.store, func)
        value = self.store._objects.get(_ffi.wasm_ref_get_host_info(ref))
        _ffi.wasm_ref_delete(ref)
        return value

    def __setitem__(self, index, value):
        ref = _ffi.wasm_func_as_ref(value._ptr) if isinstance(value, Func) else (
            None if value is None else self.store._foreign_for(value))
        if not _ffi.wasm_table_set(self._ptr, index, ref):
            raise IndexError(f"cannot set element {index} of a table of {self.size}")

    def grow(self, delta, init=None):
        ref = _ffi.wasm_func_as_ref(init._ptr) if isinstance(init, Func) else None
        return _ffi.wasm_table_grow(self._ptr, delta, ref)

    def _extern(self):
        return _ffi.wasm_table_as_extern(self._ptr)

    def __del__(self):
        if getattr(self, "_ptr", None):
            _ffi.wasm_table_delete(self._ptr)
            self._ptr = None


def _wrap_extern(store, handle):
    """The Python object for an owned wasm_extern_t*."""
    kind = _EXTERN_KINDS[_ffi.wasm_extern_kind(handle)]
    if kind == "func":
        return Func._wrap(store, _ffi.wasm_extern_as_func(handle))
    if kind == "memory":
        return Memory._wrap(store, _ffi.wasm_extern_as_memory(handle))
    if kind == "global":
        return Global._wrap(store, _ffi.wasm_extern_as_global(handle))
    return Table._wrap(store, _ffi.wasm_extern_as_table(handle))


class Instance:
    """Instance(store, module, imports=[...]) with imports in the module's
    order; Linker.instantiate resolves them by name. `exports` maps names
    to Func, Memory, Global and Table objects."""

    def __init__(self, store, module, imports=()):
        self.store, self.module = store, module
        externs = (ctypes.c_void_p * max(1, len(imports)))(*[item._extern() for item in imports])
        vec = PointerVec(len(imports), ctypes.cast(externs, ctypes.POINTER(ctypes.c_void_p)))
        trap = ctypes.c_void_p()
        self._ptr = _ffi.wasm_instance_new(store._ptr, module._ptr, ctypes.byref(vec), ctypes.byref(trap))
        if not self._ptr:
            taken = Trap._take(trap.value)
            if taken.frames:
                raise taken
            raise Error(taken.message, "unlinkable")
        self._load_exports()

    @classmethod
    def _wrap(cls, store, module, ptr):
        instance = cls.__new__(cls)
        instance.store, instance.module, instance._ptr = store, module, ptr
        instance._load_exports()
        return instance

    def _load_exports(self):
        vec = PointerVec()
        _ffi.wasm_instance_exports(self._ptr, ctypes.byref(vec))
        names = [name for name, _ in self.module.exports]
        self.exports = {}
        for i in range(vec.size):
            self.exports[names[i]] = _wrap_extern(self.store, vec.data[i])
        # The handles now belong to the Python objects: free only the array.
        vec.size = 0
        _ffi.wasm_extern_vec_delete(ctypes.byref(vec))

    def __del__(self):
        if getattr(self, "_ptr", None):
            _ffi.wasm_instance_delete(self._ptr)
            self._ptr = None


class WasiConfig:
    """What a WASI guest sees: argv, env, preopened directories, stdio."""

    def __init__(self):
        self.argv = []
        self.env = {}
        self.inherit_env = False
        self.preopens = []  # (host path, guest path, read only)
        self.stdin = None   # None: the host's; bytes; or a file path (str)
        self.stdout = None  # None: the host's; "buffer"; or a file path
        self.stderr = None

    def preopen_dir(self, host_path, guest_path, read_only=False):
        self.preopens.append((host_path, guest_path, read_only))

    def _build(self):
        config = _ffi.wasmc_wasi_config_new()
        argv = (ctypes.c_char_p * max(1, len(self.argv)))(*[a.encode() for a in self.argv])
        _ffi.wasmc_wasi_config_set_argv(config, len(self.argv), argv)
        if self.inherit_env:
            _ffi.wasmc_wasi_config_inherit_env(config)
        else:
            names = (ctypes.c_char_p * max(1, len(self.env)))(*[k.encode() for k in self.env])
            values = (ctypes.c_char_p * max(1, len(self.env)))(*[v.encode() for v in self.env.values()])
            _ffi.wasmc_wasi_config_set_env(config, len(self.env), names, values)
        for host, guest, read_only in self.preopens:
            if not _ffi.wasmc_wasi_config_preopen_dir(config, host.encode(), guest.encode(), read_only):
                _ffi.wasmc_wasi_config_delete(config)
                raise Error(f"cannot preopen {host}: not a directory", "io")
        if isinstance(self.stdin, (bytes, bytearray)):
            data = _bytes(self.stdin)
            _ffi.wasmc_wasi_config_set_stdin_bytes(config, ctypes.byref(data))
            _ffi.wasm_byte_vec_delete(ctypes.byref(data))
        elif isinstance(self.stdin, str) and not _ffi.wasmc_wasi_config_set_stdin_file(config, self.stdin.encode()):
            raise Error(f"cannot read {self.stdin}", "io")
        for stream, buffer, to_file in ((self.stdout, _ffi.wasmc_wasi_config_set_stdout_buffer,
                                         _ffi.wasmc_wasi_config_set_stdout_file),
                                        (self.stderr, _ffi.wasmc_wasi_config_set_stderr_buffer,
                                         _ffi.wasmc_wasi_config_set_stderr_file)):
            if stream == "buffer":
                buffer(config)
            elif stream is not None and not to_file(config, stream.encode()):
                raise Error(f"cannot write {stream}", "io")
        return config


def _wasi_output(read, owner, fd):
    out = ByteVec()
    if not read(owner, fd, ctypes.byref(out)):
        raise Error(f"fd {fd} is not a buffer")
    data = out.bytes()
    _ffi.wasm_byte_vec_delete(ctypes.byref(out))
    return data


class InstancePre:
    """A pre-linked module (Linker.instantiate_pre)."""

    def __init__(self, ptr, module, callbacks):
        self._ptr, self.module, self._callbacks = ptr, module, callbacks

    def instantiate(self, store, wasi=None):
        """An instance in `store`; its WASI calls use the store's own
        context, made from `wasi` (a WasiConfig) when given. Read its
        buffered output with store.wasi_output."""
        out, trap = ctypes.c_void_p(), ctypes.c_void_p()
        config = wasi._build() if wasi is not None else None
        _check(_ffi.wasmc_instance_pre_instantiate(self._ptr, store._ptr, config, ctypes.byref(out),
                                                   ctypes.byref(trap)))
        if trap.value:
            raise Trap._take(trap.value)
        store._keep.extend(self._callbacks)  # its functions call them as long as it lives
        return Instance._wrap(store, self.module, out.value)

    def __del__(self):
        if getattr(self, "_ptr", None):
            _ffi.wasmc_instance_pre_delete(self._ptr)
            self._ptr = None


class Linker:
    """Resolves imports by (module, name): define items, whole instances, WASI."""

    def __init__(self, store):
        self.store = store
        self._ptr = _ffi.wasmc_linker_new(store._ptr)
        self._items = []
        self._callbacks = []  # define_func's: kept by every store instantiated from a pre-linked module

    def define(self, module, name, item):
        _check(_ffi.wasmc_linker_define(self._ptr, module.encode(), name.encode(), item._extern()))
        self._items.append(item)

    def define_instance(self, module, instance):
        _check(_ffi.wasmc_linker_define_instance(self._ptr, module.encode(), instance._ptr))
        self._items.append(instance)

    def define_func(self, module, name, params, results, function, caller=False):
        """A host function for every store (callable(*args), or
        callable(caller, *args) with caller=True): modules importing it
        can be pre-linked (instantiate_pre); each call sees the store it
        runs in as caller.store."""
        trampoline = _host_trampoline(lambda caller_ptr: _stores[_ffi.wasmc_caller_store(caller_ptr)],
                                      list(results), function, caller)
        callback = _ffi.Callback(trampoline)
        self._callbacks.append(callback)
        self.store._keep.append(callback)
        functype = _functype(list(params), list(results))
        try:
            _check(_ffi.wasmc_linker_define_func(self._ptr, module.encode(), name.encode(), functype, callback,
                                                 None, None))
        finally:
            _ffi.wasm_functype_delete(functype)

    def define_wasi(self, config=None):
        _check(_ffi.wasmc_linker_define_wasi(self._ptr, (config or WasiConfig())._build()))

    def instantiate(self, module):
        out, trap = ctypes.c_void_p(), ctypes.c_void_p()
        _check(_ffi.wasmc_linker_instantiate(self._ptr, module._ptr, ctypes.byref(out), ctypes.byref(trap)))
        if trap.value:
            raise Trap._take(trap.value)
        return Instance._wrap(self.store, module, out.value)

    def instantiate_pre(self, module):
        """The module with its imports resolved once (InstancePre), to
        instantiate in many stores of this engine. Its imports must be
        define_func functions or WASI (define_wasi); a Func of one store
        cannot be shared."""
        out = ctypes.c_void_p()
        _check(_ffi.wasmc_linker_instantiate_pre(self._ptr, module._ptr, ctypes.byref(out)))
        return InstancePre(out.value, module, list(self._callbacks))

    def run_wasi_command(self, instance):
        """Runs _start; returns the exit status. A trap other than exit raises."""
        trap = ctypes.c_void_p()
        status = _ffi.wasmc_instance_run_wasi_command(instance._ptr, ctypes.byref(trap))
        if trap.value:
            raise Trap._take(trap.value)
        return status

    def wasi_output(self, fd=1):
        """What the guest wrote to a buffered stdout (1) or stderr (2)."""
        return _wasi_output(_ffi.wasmc_linker_wasi_output, self._ptr, fd)

    def __del__(self):
        if getattr(self, "_ptr", None):
            _ffi.wasmc_linker_delete(self._ptr)
            self._ptr = None
