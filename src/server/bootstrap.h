#pragma once

#include <filesystem>
#include <string>

#include "api/function_service.h"
#include "common/error.h"

namespace wasmfaas::server {

// On a store's first start: creates `bucket` and uploads every *.wasm in
// `directory` under its file name without extension (hello.wasm -> hello).
// Does nothing when the bucket already exists, so that user changes stay.
// Returns the number of functions deployed.
Result<size_t> deploy_directory_once(api::FunctionService& functions, const std::string& bucket,
                                     const std::filesystem::path& directory);

}  // namespace wasmfaas::server
