#pragma once
// Runs wabt's wast2json on a .wast script into a private temporary directory,
// which lives exactly as long as the ConvertedWast that owns it.

#include "compiler/wasm/Error.h"

#include <string>
#include <utility>

namespace wasmc::tools {

/// Owns a temporary directory holding NAME.json and its module files; the
/// destructor removes the directory and everything in it. Move-only.
class ConvertedWast {
public:
  ConvertedWast(std::string dir, std::string jsonPath)
      : dir_(std::move(dir)), jsonPath_(std::move(jsonPath)) {}
  ConvertedWast(ConvertedWast&& other) noexcept
      : dir_(std::move(other.dir_)), jsonPath_(std::move(other.jsonPath_)) {
    other.dir_.clear();
  }
  ConvertedWast& operator=(ConvertedWast&&) = delete;
  ConvertedWast(const ConvertedWast&) = delete;
  ~ConvertedWast();

  const std::string& dir() const { return dir_; }
  const std::string& jsonPath() const { return jsonPath_; }

private:
  std::string dir_;
  std::string jsonPath_;
};

/// Runs `wast2json WAST -o DIR/NAME.json` with no feature flags (core 2.0 is
/// wabt 1.0.32's default). A non-zero exit status or any output is an error
/// (ErrorKind::Io) carrying wast2json's first line of output.
Expected<ConvertedWast> convertWast(const std::string& wastPath);

} // namespace wasmc::tools
