#include "server/bootstrap.h"

#include "common/file_util.h"

namespace wasmfaas::server {

Result<size_t> deploy_directory_once(api::FunctionService& functions, const std::string& bucket,
                                     const std::filesystem::path& directory) {
  auto created = functions.create_bucket(bucket);
  if (!created) {
    if (created.error().code == ErrorCode::kAlreadyExists) return 0;
    return std::unexpected(created.error());
  }
  std::error_code code;
  size_t deployed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(directory, code)) {
    if (entry.path().extension() != ".wasm") continue;
    auto bytes = read_file_bytes(entry.path());
    if (!bytes) return std::unexpected(bytes.error());
    auto stored = functions.upload(bucket, entry.path().stem().string(), *bytes);
    if (!stored) {
      return make_error(stored.error().code,
                        entry.path().string() + ": " + stored.error().message);
    }
    ++deployed;
  }
  if (code) {
    return make_error(ErrorCode::kNotFound,
                      "cannot read " + directory.string() + ": " + code.message());
  }
  return deployed;
}

}  // namespace wasmfaas::server
