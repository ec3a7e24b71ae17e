#pragma once

#include <cstdint>
#include <filesystem>
#include <stop_token>
#include <string>
#include <vector>

#include "api/deployment_service.h"
#include "common/error.h"

namespace wasmfaas::server {

// The example functions to deploy on a store's first start: every *.wasm in
// a directory, uploaded under its file name without extension
// (hello.wasm -> hello), smallest (quickest to compile) first, each with the
// config in `<name>.config.json` beside it when there is one.
class FirstStartDeployment {
 public:
  // Creates `bucket` and lists `directory`. Nothing to deploy when the
  // bucket already exists, so that user changes stay.
  static Result<FirstStartDeployment> prepare(api::DeploymentService& deployments,
                                              std::string bucket,
                                              const std::filesystem::path& directory);

  // Deploys the files of at most `max_bytes` each (all with the default),
  // leaving the rest for a later call; stops early once `stop` is requested.
  // Returns how many it deployed.
  Result<size_t> deploy(api::DeploymentService& deployments, uint64_t max_bytes = UINT64_MAX,
                        std::stop_token stop = {});

  size_t remaining() const { return files_.size(); }

 private:
  std::string bucket_;
  std::vector<std::pair<uint64_t, std::filesystem::path>> files_;  // (size, path), smallest first
};

}  // namespace wasmfaas::server
