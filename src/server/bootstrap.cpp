#include "server/bootstrap.h"

#include <algorithm>

#include "common/file_util.h"

namespace wasmfaas::server {

Result<FirstStartDeployment> FirstStartDeployment::prepare(api::DeploymentService& deployments,
                                                           std::string bucket,
                                                           const std::filesystem::path& directory) {
  FirstStartDeployment deployment;
  deployment.bucket_ = std::move(bucket);
  auto created = deployments.create_bucket(deployment.bucket_);
  if (!created) {
    if (created.error().code == ErrorCode::kAlreadyExists) return deployment;
    return std::unexpected(created.error());
  }
  std::error_code code;
  for (const auto& entry : std::filesystem::directory_iterator(directory, code)) {
    if (entry.path().extension() != ".wasm") continue;
    deployment.files_.emplace_back(entry.file_size(), entry.path());
  }
  if (code) {
    return make_error(ErrorCode::kNotFound,
                      "cannot read " + directory.string() + ": " + code.message());
  }
  std::sort(deployment.files_.begin(), deployment.files_.end());
  return deployment;
}

Result<size_t> FirstStartDeployment::deploy(api::DeploymentService& deployments, uint64_t max_bytes,
                                            std::stop_token stop) {
  size_t deployed = 0;
  while (!files_.empty() && files_.front().first <= max_bytes && !stop.stop_requested()) {
    const std::filesystem::path path = files_.front().second;
    files_.erase(files_.begin());
    auto bytes = read_file_bytes(path);
    if (!bytes) return std::unexpected(bytes.error());
    const std::string key = path.stem().string();
    auto stored = deployments.upload(bucket_, key, *bytes);
    if (!stored) {
      return make_error(stored.error().code, path.string() + ": " + stored.error().message);
    }
    // Its config, when one lies beside it (counter.wasm: counter.config.json).
    const std::filesystem::path config_path =
        std::filesystem::path(path).replace_extension(".config.json");
    if (std::filesystem::exists(config_path)) {
      auto config = read_file_bytes(config_path);
      if (!config) return std::unexpected(config.error());
      auto configured = deployments.put_config(
          bucket_, key, std::string_view(reinterpret_cast<const char*>(config->data()), config->size()));
      if (!configured) {
        return make_error(configured.error().code,
                          config_path.string() + ": " + configured.error().message);
      }
    }
    ++deployed;
  }
  return deployed;
}

}  // namespace wasmfaas::server
