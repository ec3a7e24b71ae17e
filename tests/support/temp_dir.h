#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace wasmfaas::testing {

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() : TempDir(std::filesystem::temp_directory_path()) {}
  // A fresh directory under `parent` instead.
  explicit TempDir(const std::filesystem::path& parent) {
    std::string pattern = (parent / "wasmfaas-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace wasmfaas::testing
