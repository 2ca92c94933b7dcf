"""ctypes declarations of the parts of wasm.h and wasmc.h the package uses.

libwasmc.so is loaded from this package's folder (the wheel bundles it,
with its code generator next to it), else from $WASMC_LIBRARY.
"""

import ctypes
import os
import pathlib

_here = pathlib.Path(__file__).resolve().parent
_path = os.environ.get("WASMC_LIBRARY") or str(_here / "libwasmc.so")
lib = ctypes.CDLL(_path)

c_void_p = ctypes.c_void_p
c_size_t = ctypes.c_size_t
c_bool = ctypes.c_bool
c_uint8 = ctypes.c_uint8
c_uint32 = ctypes.c_uint32
c_int32 = ctypes.c_int32
c_char_p = ctypes.c_char_p


class ByteVec(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("data", ctypes.POINTER(ctypes.c_char))]

    def bytes(self):
        return ctypes.string_at(self.data, self.size) if self.size else b""


class PointerVec(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("data", ctypes.POINTER(c_void_p))]


class Limits(ctypes.Structure):
    _fields_ = [("min", c_uint32), ("max", c_uint32)]


class _Of(ctypes.Union):
    _fields_ = [("i32", ctypes.c_int32), ("i64", ctypes.c_int64), ("f32", ctypes.c_float),
                ("f64", ctypes.c_double), ("ref", c_void_p)]


class Val(ctypes.Structure):
    _fields_ = [("kind", c_uint8), ("of", _Of)]


class ValVec(ctypes.Structure):
    _fields_ = [("size", c_size_t), ("data", ctypes.POINTER(Val))]


# wasmc_epoch_deadline_callback_t: ticks to extend by (env); also
# wasmc_refuel_callback_t: fuel to add (env)
EpochCallback = ctypes.CFUNCTYPE(ctypes.c_uint64, c_void_p)

# wasmc_func_callback_t: trap (env, caller, args, results)
Callback = ctypes.CFUNCTYPE(c_void_p, c_void_p, c_void_p, ctypes.POINTER(ValVec), ctypes.POINTER(ValVec))


def _declare(name, restype, *argtypes):
    function = getattr(lib, name)
    function.restype = restype
    function.argtypes = list(argtypes)
    globals()[name] = function


P = c_void_p
PB = ctypes.POINTER(ByteVec)
PP = ctypes.POINTER(PointerVec)
for _name, _res, _args in [
    ("wasm_config_new", P, []), ("wasm_config_delete", None, [P]), ("wasm_engine_new_with_config", P, [P]),
    ("wasm_engine_delete", None, [P]),
    ("wasm_store_new", P, [P]), ("wasm_store_delete", None, [P]),
    ("wasm_byte_vec_new", None, [PB, c_size_t, c_char_p]), ("wasm_byte_vec_delete", None, [PB]),
    ("wasm_valtype_new", P, [c_uint8]), ("wasm_valtype_kind", c_uint8, [P]),
    ("wasm_valtype_vec_new", None, [PP, c_size_t, ctypes.POINTER(c_void_p)]),
    ("wasm_functype_new", P, [PP, PP]), ("wasm_functype_delete", None, [P]),
    ("wasm_functype_params", PP, [P]), ("wasm_functype_results", PP, [P]),
    ("wasm_func_type", P, [P]), ("wasm_func_call", P, [P, ctypes.POINTER(ValVec), ctypes.POINTER(ValVec)]),
    ("wasm_func_delete", None, [P]), ("wasm_func_as_extern", P, [P]),
    ("wasm_globaltype_new", P, [P, c_uint8]), ("wasm_globaltype_delete", None, [P]),
    ("wasm_globaltype_content", P, [P]), ("wasm_globaltype_mutability", c_uint8, [P]),
    ("wasm_global_new", P, [P, P, ctypes.POINTER(Val)]), ("wasm_global_type", P, [P]),
    ("wasm_global_get", None, [P, ctypes.POINTER(Val)]), ("wasm_global_set", None, [P, ctypes.POINTER(Val)]),
    ("wasm_global_delete", None, [P]), ("wasm_global_as_extern", P, [P]),
    ("wasm_tabletype_new", P, [P, ctypes.POINTER(Limits)]), ("wasm_tabletype_delete", None, [P]),
    ("wasm_table_new", P, [P, P, P]), ("wasm_table_size", c_uint32, [P]), ("wasm_table_get", P, [P, c_uint32]),
    ("wasm_table_set", c_bool, [P, c_uint32, P]), ("wasm_table_grow", c_bool, [P, c_uint32, P]),
    ("wasm_table_delete", None, [P]), ("wasm_table_as_extern", P, [P]),
    ("wasm_memorytype_new", P, [ctypes.POINTER(Limits)]), ("wasm_memorytype_delete", None, [P]),
    ("wasm_memory_new", P, [P, P]), ("wasm_memory_data", c_void_p, [P]), ("wasm_memory_data_size", c_size_t, [P]),
    ("wasm_memory_size", c_uint32, [P]), ("wasm_memory_grow", c_bool, [P, c_uint32]),
    ("wasm_memory_delete", None, [P]), ("wasm_memory_as_extern", P, [P]),
    ("wasm_extern_kind", c_uint8, [P]), ("wasm_extern_delete", None, [P]),
    ("wasm_extern_as_func", P, [P]), ("wasm_extern_as_global", P, [P]), ("wasm_extern_as_table", P, [P]),
    ("wasm_extern_as_memory", P, [P]), ("wasm_extern_vec_delete", None, [PP]),
    ("wasm_module_delete", None, [P]), ("wasm_module_exports", None, [P, PP]),
    ("wasm_module_imports", None, [P, PP]), ("wasm_exporttype_vec_delete", None, [PP]),
    ("wasm_importtype_vec_delete", None, [PP]), ("wasm_exporttype_name", PB, [P]),
    ("wasm_exporttype_type", P, [P]), ("wasm_importtype_module", PB, [P]), ("wasm_importtype_name", PB, [P]),
    ("wasm_importtype_type", P, [P]), ("wasm_externtype_kind", c_uint8, [P]),
    ("wasm_instance_new", P, [P, P, PP, ctypes.POINTER(c_void_p)]), ("wasm_instance_exports", None, [P, PP]),
    ("wasm_instance_delete", None, [P]),
    ("wasm_trap_new", P, [P, PB]), ("wasm_trap_message", None, [P, PB]), ("wasm_trap_trace", None, [P, PP]),
    ("wasm_trap_delete", None, [P]), ("wasm_frame_vec_delete", None, [PP]),
    ("wasm_frame_func_index", c_uint32, [P]), ("wasm_frame_func_offset", c_size_t, [P]),
    ("wasm_frame_module_offset", c_size_t, [P]),
    ("wasm_foreign_new", P, [P]), ("wasm_foreign_as_ref", P, [P]), ("wasm_ref_get_host_info", P, [P]),
    ("wasm_ref_set_host_info", None, [P, P]), ("wasm_ref_delete", None, [P]), ("wasm_ref_as_func", P, [P]),
    ("wasm_ref_copy", P, [P]), ("wasm_func_as_ref", P, [P]), ("wasm_func_copy", P, [P]),
    ("wasm_val_delete", None, [ctypes.POINTER(Val)]),
    ("wasmc_error_delete", None, [P]), ("wasmc_error_message", None, [P, PB]), ("wasmc_error_kind", c_uint8, [P]),
    ("wasmc_config_tier_set", None, [P, c_uint8]), ("wasmc_config_opt_level_set", c_bool, [P, c_uint32]),
    ("wasmc_config_cache_set", None, [P, c_bool]), ("wasmc_config_target_cpu_set", None, [P, c_char_p]),
    ("wasmc_config_interruptible_set", None, [P, c_bool]),
    ("wasmc_config_wasm_feature_set", c_bool, [P, c_char_p, c_bool]), ("wasmc_config_consume_fuel_set", None, [P, c_bool]),
    ("wasmc_config_memory_pool_set", None, [P, c_uint32]),
    ("wasmc_store_interrupt", None, [P]), ("wasmc_store_set_timeout", None, [P, ctypes.c_uint64]),
    ("wasmc_engine_increment_epoch", None, [P]), ("wasmc_engine_epoch", ctypes.c_uint64, [P]),
    ("wasmc_store_set_epoch_deadline", None, [P, ctypes.c_uint64]),
    ("wasmc_store_set_epoch_deadline_callback", None, [P, EpochCallback, P, P]),
    ("wasmc_store_set_fuel", c_bool, [P, ctypes.c_uint64]), ("wasmc_store_fuel", ctypes.c_int64, [P]),
    ("wasmc_store_set_refuel_callback", None, [P, EpochCallback, P, P]),
    ("wasmc_store_limiter", None, [P] + [ctypes.c_int64] * 5),
    ("wasmc_store_trap_on_grow_failure", None, [P, c_bool]), ("wasmc_store_max_wasm_stack", None, [P, c_size_t]),
    ("wasmc_module_new", P, [P, c_char_p, c_size_t, ctypes.POINTER(c_void_p)]),
    ("wasmc_module_validate", P, [c_char_p, c_size_t]),
    ("wasmc_module_serialize", P, [P, PB]),
    ("wasmc_module_deserialize", P, [P, c_char_p, c_size_t, ctypes.POINTER(c_void_p)]),
    ("wasmc_trap_code", c_uint8, [P]), ("wasmc_trap_exit_status", c_bool, [P, ctypes.POINTER(c_int32)]),
    ("wasmc_frame_func_name", None, [P, PB]),
    ("wasmc_wasi_config_new", P, []), ("wasmc_wasi_config_delete", None, [P]),
    ("wasmc_wasi_config_set_argv", None, [P, c_size_t, ctypes.POINTER(c_char_p)]),
    ("wasmc_wasi_config_set_env", None, [P, c_size_t, ctypes.POINTER(c_char_p), ctypes.POINTER(c_char_p)]),
    ("wasmc_wasi_config_inherit_env", None, [P]),
    ("wasmc_wasi_config_preopen_dir", c_bool, [P, c_char_p, c_char_p, c_bool]),
    ("wasmc_wasi_config_set_stdin_bytes", None, [P, PB]),
    ("wasmc_wasi_config_set_stdin_file", c_bool, [P, c_char_p]),
    ("wasmc_wasi_config_set_stdout_file", c_bool, [P, c_char_p]),
    ("wasmc_wasi_config_set_stdout_buffer", None, [P]),
    ("wasmc_wasi_config_set_stderr_file", c_bool, [P, c_char_p]),
    ("wasmc_wasi_config_set_stderr_buffer", None, [P]),
    ("wasmc_linker_new", P, [P]), ("wasmc_linker_delete", None, [P]),
    ("wasmc_linker_define", P, [P, c_char_p, c_char_p, P]),
    ("wasmc_linker_define_instance", P, [P, c_char_p, P]), ("wasmc_linker_define_wasi", P, [P, P]),
    ("wasmc_linker_instantiate_pre", P, [P, P, P]), ("wasmc_instance_pre_instantiate", P, [P, P, P, P, P]),
    ("wasmc_instance_pre_delete", None, [P]), ("wasmc_store_wasi_output", c_bool, [P, ctypes.c_int, P]),
    ("wasmc_linker_instantiate", P, [P, P, ctypes.POINTER(c_void_p), ctypes.POINTER(c_void_p)]),
    ("wasmc_linker_wasi_output", c_bool, [P, ctypes.c_int, PB]),
    ("wasmc_instance_run_wasi_command", c_int32, [P, ctypes.POINTER(c_void_p)]),
    ("wasmc_func_new", P, [P, P, Callback, P, P]),
    ("wasmc_caller_memory", P, [P]), ("wasmc_caller_export_get", P, [P, c_char_p]),
    ("wasmc_caller_store", P, [P]), ("wasmc_linker_define_func", P, [P, c_char_p, c_char_p, P, Callback, P, P]),
]:
    _declare(_name, _res, *_args)
