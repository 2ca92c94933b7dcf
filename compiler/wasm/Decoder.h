#pragma once
// Binary decoding: bytes -> Module. Checks everything the binary format
// requires (magic, version, section order and sizes, LEB128 encodings,
// UTF-8 names, count consistency, bodies' well-formedness).

#include "compiler/wasm/Error.h"
#include "compiler/wasm/Module.h"

#include <span>
#include <vector>

namespace wasmc::wasm {

/// Who decodes the function bodies' instructions: the decoder, for their
/// binary well-formedness (Now), or only the validator, in the pass that
/// types them (ByValidator: loadModule; each body decoded once instead of
/// twice, a third of validating clang.wasm).
/// Trusted: nobody decodes them; for the module inside an artifact, which
/// was validated when it was compiled and whose bytes the loader has
/// authenticated (runtime/Artifact.cpp): its code is native code already.
enum class BodyDecoding { Now, ByValidator, Trusted };

/// Decodes a module. Errors are ErrorKind::Malformed with the spec test
/// suite's wording and the byte offset. The returned Module owns a copy of
/// the bytes. Thread-safe: no shared state.
Expected<Module> decodeModule(std::span<const uint8_t> bytes);
/// The same, taking the bytes over instead of copying them (75 MB for
/// clang.wasm: the copy and its page faults were 0.2 s of a run). With
/// ByValidator the bodies are only located, and the error of a module
/// that fails is still the one decoding them now would give.
Expected<Module> decodeModule(std::vector<uint8_t>&& bytes, BodyDecoding bodies = BodyDecoding::Now);

/// What decodeModule checks of the bodies when it decodes them (Now):
/// their structure, and the data count section that memory.init and
/// data.drop need.
Expected<void> checkBodies(const Module& module);

} // namespace wasmc::wasm
