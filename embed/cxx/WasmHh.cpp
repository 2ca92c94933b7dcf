// wasm.hh, the standard C++ API, over the C API of embed/capi.
//
// wasm.hh's classes are empty and never constructed by the embedder: a
// wasm::Func* is the C API's wasm_func_t*, a wasm::FuncType* its
// wasm_functype_t*, and so on (single inheritance of empty classes keeps the
// address). Values, names and limits have the C structs' layout (checked
// below), so they are viewed in place. Arrays handed between the two sides
// are moved element by element: C++ arrays of own<T> carry an array cookie
// that the C side's arrays do not.

#include "wasm.hh"

#include "embed/capi/Handles.h"

#include <type_traits>

namespace {

static_assert(sizeof(wasm::Val) == sizeof(wasm_val_t) && alignof(wasm::Val) == alignof(wasm_val_t));
static_assert(sizeof(wasm::vec<wasm::Val>) == sizeof(wasm_val_vec_t));
static_assert(sizeof(wasm::Name) == sizeof(wasm_name_t));
static_assert(sizeof(wasm::ownvec<wasm::ValType>) == sizeof(wasm_valtype_vec_t));
static_assert(sizeof(wasm::own<wasm::ValType>) == sizeof(wasm_valtype_t*));
static_assert(sizeof(wasm::Limits) == sizeof(wasm_limits_t));
static_assert(static_cast<uint8_t>(wasm::ValKind::FUNCREF) == WASM_FUNCREF);
static_assert(static_cast<uint8_t>(wasm::ExternKind::MEMORY) == WASM_EXTERN_MEMORY);

// The C handle behind a C++ object, and back.
template <class C, class Cxx>
C* c(Cxx* object) {
  return reinterpret_cast<C*>(const_cast<std::remove_const_t<Cxx>*>(object));
}
template <class Cxx, class C>
wasm::own<Cxx> owned(C* handle) {
  return wasm::own<Cxx>(reinterpret_cast<Cxx*>(handle));
}

const wasm_val_vec_t* cValues(const wasm::vec<wasm::Val>& values) {
  return reinterpret_cast<const wasm_val_vec_t*>(&values);
}
wasm_val_vec_t* cValues(wasm::vec<wasm::Val>& values) { return reinterpret_cast<wasm_val_vec_t*>(&values); }
const wasm_val_t* cValue(const wasm::Val& value) { return reinterpret_cast<const wasm_val_t*>(&value); }

wasm::Val cxxValue(const wasm_val_t& value) {
  wasm::Val out;
  std::memcpy(static_cast<void*>(&out), &value, sizeof value); // takes the reference over
  return out;
}

/// A C vector of owned pointers, moved into a C++ ownvec.
template <class Cxx, class CVec>
wasm::ownvec<Cxx> toOwnVec(CVec& source) {
  auto out = wasm::ownvec<Cxx>::make_uninitialized(source.size);
  for (size_t i = 0; i < source.size; ++i)
    out[i] = owned<Cxx>(source.data[i]);
  delete[] source.data;
  source = {0, nullptr};
  return out;
}

/// A C++ ownvec moved into a C vector of owned pointers.
template <class CVec, class CElem, class Cxx>
CVec toCVec(wasm::ownvec<Cxx>& source) {
  CVec out{source.size(), source.size() ? new CElem*[source.size()] : nullptr};
  for (size_t i = 0; i < source.size(); ++i)
    out.data[i] = c<CElem>(source[i].release());
  source.reset();
  return out;
}

/// A C byte vector as a C++ one (both allocate with new[] of char).
wasm::vec<byte_t> toBytes(wasm_byte_vec_t& bytes) {
  auto out = bytes.size ? wasm::vec<byte_t>::adopt(bytes.size, bytes.data) : wasm::vec<byte_t>::make();
  if (!bytes.size)
    delete[] bytes.data;
  bytes = {0, nullptr};
  return out;
}

wasm_byte_vec_t viewBytes(const wasm::vec<byte_t>& bytes) {
  return {bytes.size(), const_cast<byte_t*>(bytes.get())};
}

/// A C++ callback and its environment, for the C API's callback with env.
struct Callback {
  wasm::Func::callback plain = nullptr;
  wasm::Func::callback_with_env withEnv = nullptr;
  void* env = nullptr;
  void (*finalizer)(void*) = nullptr;
};

wasm_trap_t* callCallback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  auto* callback = static_cast<Callback*>(env);
  const auto& cxxArgs = *reinterpret_cast<const wasm::vec<wasm::Val>*>(args);
  auto& cxxResults = *reinterpret_cast<wasm::vec<wasm::Val>*>(results);
  wasm::own<wasm::Trap> trap =
      callback->plain ? callback->plain(cxxArgs, cxxResults) : callback->withEnv(callback->env, cxxArgs, cxxResults);
  return c<wasm_trap_t>(trap.release());
}

void finalizeCallback(void* env) {
  auto* callback = static_cast<Callback*>(env);
  if (callback->finalizer)
    callback->finalizer(callback->env);
  delete callback;
}

wasm::own<wasm::Func> makeFunc(wasm::Store* store, const wasm::FuncType* type, Callback* callback) {
  return owned<wasm::Func>(wasm_func_new_with_env(c<wasm_store_t>(store), c<const wasm_functype_t>(type),
                                                  callCallback, callback, finalizeCallback));
}

} // namespace

namespace wasm {

// --- runtime environment -------------------------------------------------------

void Config::destroy() { wasm_config_delete(c<wasm_config_t>(this)); }
auto Config::make() -> own<Config> { return owned<Config>(wasm_config_new()); }

void Engine::destroy() { wasm_engine_delete(c<wasm_engine_t>(this)); }
auto Engine::make(own<Config>&& config) -> own<Engine> {
  return owned<Engine>(wasm_engine_new_with_config(c<wasm_config_t>(config.release())));
}

void Store::destroy() { wasm_store_delete(c<wasm_store_t>(this)); }
auto Store::make(Engine* engine) -> own<Store> { return owned<Store>(wasm_store_new(c<wasm_engine_t>(engine))); }

// --- types -----------------------------------------------------------------------

void ValType::destroy() { wasm_valtype_delete(c<wasm_valtype_t>(this)); }
auto ValType::make(ValKind kind) -> own<ValType> {
  return owned<ValType>(wasm_valtype_new(static_cast<wasm_valkind_t>(kind)));
}
auto ValType::copy() const -> own<ValType> { return owned<ValType>(wasm_valtype_copy(c<const wasm_valtype_t>(this))); }
auto ValType::kind() const -> ValKind { return static_cast<ValKind>(wasm_valtype_kind(c<const wasm_valtype_t>(this))); }

void ExternType::destroy() { wasm_externtype_delete(c<wasm_externtype_t>(this)); }
auto ExternType::copy() const -> own<ExternType> {
  return owned<ExternType>(wasm_externtype_copy(c<const wasm_externtype_t>(this)));
}
auto ExternType::kind() const -> ExternKind {
  return static_cast<ExternKind>(wasm_externtype_kind(c<const wasm_externtype_t>(this)));
}
auto ExternType::func() -> FuncType* { return kind() == ExternKind::FUNC ? static_cast<FuncType*>(this) : nullptr; }
auto ExternType::global() -> GlobalType* {
  return kind() == ExternKind::GLOBAL ? static_cast<GlobalType*>(this) : nullptr;
}
auto ExternType::table() -> TableType* { return kind() == ExternKind::TABLE ? static_cast<TableType*>(this) : nullptr; }
auto ExternType::memory() -> MemoryType* {
  return kind() == ExternKind::MEMORY ? static_cast<MemoryType*>(this) : nullptr;
}
auto ExternType::func() const -> const FuncType* { return const_cast<ExternType*>(this)->func(); }
auto ExternType::global() const -> const GlobalType* { return const_cast<ExternType*>(this)->global(); }
auto ExternType::table() const -> const TableType* { return const_cast<ExternType*>(this)->table(); }
auto ExternType::memory() const -> const MemoryType* { return const_cast<ExternType*>(this)->memory(); }

void FuncType::destroy() { wasm_functype_delete(c<wasm_functype_t>(this)); }
auto FuncType::make(ownvec<ValType>&& params, ownvec<ValType>&& results) -> own<FuncType> {
  auto cParams = toCVec<wasm_valtype_vec_t, wasm_valtype_t>(params);
  auto cResults = toCVec<wasm_valtype_vec_t, wasm_valtype_t>(results);
  return owned<FuncType>(wasm_functype_new(&cParams, &cResults));
}
auto FuncType::copy() const -> own<FuncType> { return owned<FuncType>(wasm_functype_copy(c<const wasm_functype_t>(this))); }
auto FuncType::params() const -> const ownvec<ValType>& {
  return *reinterpret_cast<const ownvec<ValType>*>(wasm_functype_params(c<const wasm_functype_t>(this)));
}
auto FuncType::results() const -> const ownvec<ValType>& {
  return *reinterpret_cast<const ownvec<ValType>*>(wasm_functype_results(c<const wasm_functype_t>(this)));
}

void GlobalType::destroy() { wasm_globaltype_delete(c<wasm_globaltype_t>(this)); }
auto GlobalType::make(own<ValType>&& content, Mutability mutability) -> own<GlobalType> {
  return owned<GlobalType>(
      wasm_globaltype_new(c<wasm_valtype_t>(content.release()), static_cast<wasm_mutability_t>(mutability)));
}
auto GlobalType::copy() const -> own<GlobalType> {
  return owned<GlobalType>(wasm_globaltype_copy(c<const wasm_globaltype_t>(this)));
}
auto GlobalType::content() const -> const ValType* {
  return reinterpret_cast<const ValType*>(wasm_globaltype_content(c<const wasm_globaltype_t>(this)));
}
auto GlobalType::mutability() const -> Mutability {
  return static_cast<Mutability>(wasm_globaltype_mutability(c<const wasm_globaltype_t>(this)));
}

void TableType::destroy() { wasm_tabletype_delete(c<wasm_tabletype_t>(this)); }
auto TableType::make(own<ValType>&& element, Limits limits) -> own<TableType> {
  wasm_limits_t cLimits{limits.min, limits.max};
  return owned<TableType>(wasm_tabletype_new(c<wasm_valtype_t>(element.release()), &cLimits));
}
auto TableType::copy() const -> own<TableType> {
  return owned<TableType>(wasm_tabletype_copy(c<const wasm_tabletype_t>(this)));
}
auto TableType::element() const -> const ValType* {
  return reinterpret_cast<const ValType*>(wasm_tabletype_element(c<const wasm_tabletype_t>(this)));
}
auto TableType::limits() const -> const Limits& {
  return *reinterpret_cast<const Limits*>(wasm_tabletype_limits(c<const wasm_tabletype_t>(this)));
}

void MemoryType::destroy() { wasm_memorytype_delete(c<wasm_memorytype_t>(this)); }
auto MemoryType::make(Limits limits) -> own<MemoryType> {
  wasm_limits_t cLimits{limits.min, limits.max};
  return owned<MemoryType>(wasm_memorytype_new(&cLimits));
}
auto MemoryType::copy() const -> own<MemoryType> {
  return owned<MemoryType>(wasm_memorytype_copy(c<const wasm_memorytype_t>(this)));
}
auto MemoryType::limits() const -> const Limits& {
  return *reinterpret_cast<const Limits*>(wasm_memorytype_limits(c<const wasm_memorytype_t>(this)));
}

void ImportType::destroy() { wasm_importtype_delete(c<wasm_importtype_t>(this)); }
auto ImportType::make(Name&& module, Name&& name, own<ExternType>&& type) -> own<ImportType> {
  wasm_name_t cModule, cName;
  wasm_byte_vec_new(&cModule, module.size(), module.get());
  wasm_byte_vec_new(&cName, name.size(), name.get());
  module.reset();
  name.reset();
  return owned<ImportType>(wasm_importtype_new(&cModule, &cName, c<wasm_externtype_t>(type.release())));
}
auto ImportType::copy() const -> own<ImportType> {
  return owned<ImportType>(wasm_importtype_copy(c<const wasm_importtype_t>(this)));
}
auto ImportType::module() const -> const Name& {
  return *reinterpret_cast<const Name*>(wasm_importtype_module(c<const wasm_importtype_t>(this)));
}
auto ImportType::name() const -> const Name& {
  return *reinterpret_cast<const Name*>(wasm_importtype_name(c<const wasm_importtype_t>(this)));
}
auto ImportType::type() const -> const ExternType* {
  return reinterpret_cast<const ExternType*>(wasm_importtype_type(c<const wasm_importtype_t>(this)));
}

void ExportType::destroy() { wasm_exporttype_delete(c<wasm_exporttype_t>(this)); }
auto ExportType::make(Name&& name, own<ExternType>&& type) -> own<ExportType> {
  wasm_name_t cName;
  wasm_byte_vec_new(&cName, name.size(), name.get());
  name.reset();
  return owned<ExportType>(wasm_exporttype_new(&cName, c<wasm_externtype_t>(type.release())));
}
auto ExportType::copy() const -> own<ExportType> {
  return owned<ExportType>(wasm_exporttype_copy(c<const wasm_exporttype_t>(this)));
}
auto ExportType::name() const -> const Name& {
  return *reinterpret_cast<const Name*>(wasm_exporttype_name(c<const wasm_exporttype_t>(this)));
}
auto ExportType::type() const -> const ExternType* {
  return reinterpret_cast<const ExternType*>(wasm_exporttype_type(c<const wasm_exporttype_t>(this)));
}

// --- references ----------------------------------------------------------------
// Every reference is one wasm_ref_t (embed/capi/Handles.h): Ref's methods
// serve all of them.

void Ref::destroy() { wasm_ref_delete(c<wasm_ref_t>(this)); }
auto Ref::copy() const -> own<Ref> { return owned<Ref>(wasm_ref_copy(c<const wasm_ref_t>(this))); }
auto Ref::same(const Ref* other) const -> bool { return wasm_ref_same(c<const wasm_ref_t>(this), c<const wasm_ref_t>(other)); }
auto Ref::get_host_info() const -> void* { return wasm_ref_get_host_info(c<const wasm_ref_t>(this)); }
void Ref::set_host_info(void* info, void (*finalizer)(void*)) {
  wasm_ref_set_host_info_with_finalizer(c<wasm_ref_t>(this), info, finalizer);
}

void Frame::destroy() { wasm_frame_delete(c<wasm_frame_t>(this)); }
auto Frame::copy() const -> own<Frame> { return owned<Frame>(wasm_frame_copy(c<const wasm_frame_t>(this))); }
auto Frame::instance() const -> Instance* {
  return reinterpret_cast<Instance*>(wasm_frame_instance(c<const wasm_frame_t>(this)));
}
auto Frame::func_index() const -> uint32_t { return wasm_frame_func_index(c<const wasm_frame_t>(this)); }
auto Frame::func_offset() const -> size_t { return wasm_frame_func_offset(c<const wasm_frame_t>(this)); }
auto Frame::module_offset() const -> size_t { return wasm_frame_module_offset(c<const wasm_frame_t>(this)); }

void Trap::destroy() { wasm_trap_delete(c<wasm_trap_t>(this)); }
auto Trap::make(Store* store, const Message& message) -> own<Trap> {
  wasm_message_t view = viewBytes(message);
  return owned<Trap>(wasm_trap_new(c<wasm_store_t>(store), &view));
}
auto Trap::copy() const -> own<Trap> { return owned<Trap>(wasm_trap_copy(c<const wasm_trap_t>(this))); }
auto Trap::message() const -> Message {
  wasm_message_t message;
  wasm_trap_message(c<const wasm_trap_t>(this), &message);
  return toBytes(message);
}
auto Trap::origin() const -> own<Frame> { return owned<Frame>(wasm_trap_origin(c<const wasm_trap_t>(this))); }
auto Trap::trace() const -> ownvec<Frame> {
  wasm_frame_vec_t frames;
  wasm_trap_trace(c<const wasm_trap_t>(this), &frames);
  return toOwnVec<Frame>(frames);
}

void Module::destroy() { wasm_module_delete(c<wasm_module_t>(this)); }
auto Module::validate(Store* store, const vec<byte_t>& binary) -> bool {
  wasm_byte_vec_t view = viewBytes(binary);
  return wasm_module_validate(c<wasm_store_t>(store), &view);
}
auto Module::make(Store* store, const vec<byte_t>& binary) -> own<Module> {
  wasm_byte_vec_t view = viewBytes(binary);
  return owned<Module>(wasm_module_new(c<wasm_store_t>(store), &view));
}
auto Module::copy() const -> own<Module> { return owned<Module>(wasm_module_copy(c<const wasm_module_t>(this))); }
auto Module::imports() const -> ownvec<ImportType> {
  wasm_importtype_vec_t imports;
  wasm_module_imports(c<const wasm_module_t>(this), &imports);
  return toOwnVec<ImportType>(imports);
}
auto Module::exports() const -> ownvec<ExportType> {
  wasm_exporttype_vec_t exports;
  wasm_module_exports(c<const wasm_module_t>(this), &exports);
  return toOwnVec<ExportType>(exports);
}
auto Module::share() const -> own<Shared<Module>> {
  return owned<Shared<Module>>(wasm_module_share(c<const wasm_module_t>(this)));
}
auto Module::obtain(Store* store, const Shared<Module>* shared) -> own<Module> {
  return owned<Module>(wasm_module_obtain(c<wasm_store_t>(store), c<const wasm_shared_module_t>(shared)));
}
auto Module::serialize() const -> vec<byte_t> {
  wasm_byte_vec_t bytes;
  wasm_module_serialize(c<const wasm_module_t>(this), &bytes);
  return toBytes(bytes);
}
auto Module::deserialize(Store* store, const vec<byte_t>& serialized) -> own<Module> {
  wasm_byte_vec_t view = viewBytes(serialized);
  return owned<Module>(wasm_module_deserialize(c<wasm_store_t>(store), &view));
}

void Shared<Module>::destroy() { wasm_shared_module_delete(c<wasm_shared_module_t>(this)); }

void Foreign::destroy() { wasm_foreign_delete(c<wasm_foreign_t>(this)); }
auto Foreign::make(Store* store) -> own<Foreign> { return owned<Foreign>(wasm_foreign_new(c<wasm_store_t>(store))); }
auto Foreign::copy() const -> own<Foreign> { return owned<Foreign>(wasm_foreign_copy(c<const wasm_foreign_t>(this))); }

// --- externals -------------------------------------------------------------------

void Extern::destroy() { wasm_extern_delete(c<wasm_extern_t>(this)); }
auto Extern::copy() const -> own<Extern> { return owned<Extern>(wasm_extern_copy(c<const wasm_extern_t>(this))); }
auto Extern::kind() const -> ExternKind { return static_cast<ExternKind>(wasm_extern_kind(c<const wasm_extern_t>(this))); }
auto Extern::type() const -> own<ExternType> {
  return owned<ExternType>(wasm_extern_type(c<const wasm_extern_t>(this)));
}
auto Extern::func() -> Func* { return reinterpret_cast<Func*>(wasm_extern_as_func(c<wasm_extern_t>(this))); }
auto Extern::global() -> Global* { return reinterpret_cast<Global*>(wasm_extern_as_global(c<wasm_extern_t>(this))); }
auto Extern::table() -> Table* { return reinterpret_cast<Table*>(wasm_extern_as_table(c<wasm_extern_t>(this))); }
auto Extern::memory() -> Memory* { return reinterpret_cast<Memory*>(wasm_extern_as_memory(c<wasm_extern_t>(this))); }
auto Extern::func() const -> const Func* { return const_cast<Extern*>(this)->func(); }
auto Extern::global() const -> const Global* { return const_cast<Extern*>(this)->global(); }
auto Extern::table() const -> const Table* { return const_cast<Extern*>(this)->table(); }
auto Extern::memory() const -> const Memory* { return const_cast<Extern*>(this)->memory(); }

void Func::destroy() { wasm_func_delete(c<wasm_func_t>(this)); }
auto Func::make(Store* store, const FuncType* type, callback plain) -> own<Func> {
  return makeFunc(store, type, new Callback{plain, nullptr, nullptr, nullptr});
}
auto Func::make(Store* store, const FuncType* type, callback_with_env withEnv, void* env, void (*finalizer)(void*))
    -> own<Func> {
  return makeFunc(store, type, new Callback{nullptr, withEnv, env, finalizer});
}
auto Func::copy() const -> own<Func> { return owned<Func>(wasm_func_copy(c<const wasm_func_t>(this))); }
auto Func::type() const -> own<FuncType> { return owned<FuncType>(wasm_func_type(c<const wasm_func_t>(this))); }
auto Func::param_arity() const -> size_t { return wasm_func_param_arity(c<const wasm_func_t>(this)); }
auto Func::result_arity() const -> size_t { return wasm_func_result_arity(c<const wasm_func_t>(this)); }
auto Func::call(const vec<Val>& args, vec<Val>& results) const -> own<Trap> {
  return owned<Trap>(wasm_func_call(c<const wasm_func_t>(this), cValues(args), cValues(results)));
}

void Global::destroy() { wasm_global_delete(c<wasm_global_t>(this)); }
auto Global::make(Store* store, const GlobalType* type, const Val& value) -> own<Global> {
  return owned<Global>(wasm_global_new(c<wasm_store_t>(store), c<const wasm_globaltype_t>(type), cValue(value)));
}
auto Global::copy() const -> own<Global> { return owned<Global>(wasm_global_copy(c<const wasm_global_t>(this))); }
auto Global::type() const -> own<GlobalType> {
  return owned<GlobalType>(wasm_global_type(c<const wasm_global_t>(this)));
}
auto Global::get() const -> Val {
  wasm_val_t value;
  wasm_global_get(c<const wasm_global_t>(this), &value);
  return cxxValue(value);
}
void Global::set(const Val& value) { wasm_global_set(c<wasm_global_t>(this), cValue(value)); }

void Table::destroy() { wasm_table_delete(c<wasm_table_t>(this)); }
auto Table::make(Store* store, const TableType* type, const Ref* init) -> own<Table> {
  return owned<Table>(
      wasm_table_new(c<wasm_store_t>(store), c<const wasm_tabletype_t>(type), c<wasm_ref_t>(init)));
}
auto Table::copy() const -> own<Table> { return owned<Table>(wasm_table_copy(c<const wasm_table_t>(this))); }
auto Table::type() const -> own<TableType> { return owned<TableType>(wasm_table_type(c<const wasm_table_t>(this))); }
auto Table::get(size_t index) const -> own<Ref> { return owned<Ref>(wasm_table_get(c<const wasm_table_t>(this), index)); }
auto Table::set(size_t index, const Ref* ref) -> bool {
  return wasm_table_set(c<wasm_table_t>(this), index, c<wasm_ref_t>(ref));
}
auto Table::size() const -> size_t { return wasm_table_size(c<const wasm_table_t>(this)); }
auto Table::grow(size_t delta, const Ref* init) -> bool {
  return wasm_table_grow(c<wasm_table_t>(this), delta, c<wasm_ref_t>(init));
}

void Memory::destroy() { wasm_memory_delete(c<wasm_memory_t>(this)); }
auto Memory::make(Store* store, const MemoryType* type) -> own<Memory> {
  return owned<Memory>(wasm_memory_new(c<wasm_store_t>(store), c<const wasm_memorytype_t>(type)));
}
auto Memory::copy() const -> own<Memory> { return owned<Memory>(wasm_memory_copy(c<const wasm_memory_t>(this))); }
auto Memory::type() const -> own<MemoryType> {
  return owned<MemoryType>(wasm_memory_type(c<const wasm_memory_t>(this)));
}
auto Memory::data() const -> byte_t* { return wasm_memory_data(c<wasm_memory_t>(this)); }
auto Memory::data_size() const -> size_t { return wasm_memory_data_size(c<const wasm_memory_t>(this)); }
auto Memory::size() const -> pages_t { return wasm_memory_size(c<const wasm_memory_t>(this)); }
auto Memory::grow(pages_t delta) -> bool { return wasm_memory_grow(c<wasm_memory_t>(this), delta); }

void Instance::destroy() { wasm_instance_delete(c<wasm_instance_t>(this)); }
auto Instance::make(Store* store, const Module* module, const vec<Extern*>& imports, own<Trap>* trap)
    -> own<Instance> {
  wasm_extern_vec_t view{imports.size(), reinterpret_cast<wasm_extern_t**>(const_cast<Extern**>(imports.get()))};
  wasm_trap_t* cTrap = nullptr;
  auto instance = owned<Instance>(
      wasm_instance_new(c<wasm_store_t>(store), c<const wasm_module_t>(module), &view, trap ? &cTrap : nullptr));
  if (trap)
    *trap = owned<Trap>(cTrap);
  return instance;
}
auto Instance::copy() const -> own<Instance> {
  return owned<Instance>(wasm_instance_copy(c<const wasm_instance_t>(this)));
}
auto Instance::exports() const -> ownvec<Extern> {
  wasm_extern_vec_t exports;
  wasm_instance_exports(c<const wasm_instance_t>(this), &exports);
  return toOwnVec<Extern>(exports);
}

} // namespace wasm
