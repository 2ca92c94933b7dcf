#pragma once
// The per-user artifact key: 32 random bytes in a file only its owner can
// read ($XDG_CONFIG_HOME/wasmc/artifact.key, else ~/.config/wasmc/...).
// Artifacts carry an HMAC-SHA256 under it, so wasmc maps as code only what
// this user compiled (or what the user explicitly allows). See
// docs/TRUST-MODEL.md.

#include "compiler/wasm/Error.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wasmc::rt {

struct ArtifactKey {
  std::array<uint8_t, 32> bytes{};
  std::string path; // the key file, or empty for a key that lives only in this process
};

/// Where the user's key file is (or would be): $XDG_CONFIG_HOME/wasmc/
/// artifact.key when XDG_CONFIG_HOME is an absolute path, else
/// $HOME/.config/wasmc/artifact.key; nullopt when neither is set.
std::optional<std::string> userKeyPath();

/// The user's compilation cache: $XDG_CACHE_HOME/wasmc when XDG_CACHE_HOME
/// is an absolute path, else $HOME/.cache/wasmc; nullopt when neither is set.
std::optional<std::string> userCacheDirectory();

/// The directories whose contents become code (the key's and the cache's,
/// those that can be named): a WASI guest must never reach them.
std::vector<std::string> privateDirectories();

/// Reads the key file at `path`: nullopt when it does not exist. Refuses
/// (ErrorKind::Artifact, naming the file and what to do) a file that is a
/// symbolic link, not a regular file, not owned by this user, accessible to
/// group or others, hard-linked elsewhere, or not exactly 32 bytes.
Expected<std::optional<ArtifactKey>> readKeyFile(const std::string& path);

/// The user's key, created on first use: 32 bytes from getrandom in a new
/// file of mode 0600 (in a directory created 0700), published atomically so
/// concurrent first uses agree on one key. Errors as readKeyFile, plus Io.
Expected<ArtifactKey> loadOrCreateUserKey();

/// The user's key if the file exists (never creates it).
Expected<std::optional<ArtifactKey>> readUserKey();

/// A fresh random key that exists only in this process (for artifacts
/// compiled and loaded by the same process, like `wasmc wast --aot`).
ArtifactKey ephemeralKey();

/// mkdir -p, mode 0700 for every directory it creates (key and cache
/// directories hold what becomes code). False if one cannot be created.
bool makePrivateDirectories(const std::string& path);

} // namespace wasmc::rt
