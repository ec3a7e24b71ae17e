#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/compiled_function_cache.h"
#include "common/error.h"
#include "runtime/engine.h"
#include "runtime/invocation.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

// Where the time of one exec went, for the Server-Timing header.
struct ExecTimings {
  std::chrono::nanoseconds fetch{};
  std::chrono::nanoseconds compile{};
  std::chrono::nanoseconds instantiate{};
  std::chrono::nanoseconds exec{};
};

struct ExecResult {
  std::string output;
  std::string version_id;
  runtime::CapturedLogs logs;
  ExecTimings timings;
};

struct FunctionServiceOptions {
  size_t compiled_cache_entries = 256;
  runtime::InvocationOptions invocation;
};

// The platform's operations, free of HTTP: buckets, function files and
// their versions, and execution. Uploads are validated (and compiled) before
// anything is stored. Thread-safe; one instance serves all workers.
class FunctionService {
 public:
  FunctionService(storage::ObjectStore& store, const runtime::Engine& engine,
                  FunctionServiceOptions options = {});

  Result<void> create_bucket(std::string_view bucket);
  Result<void> delete_bucket(std::string_view bucket);
  Result<std::vector<storage::ObjectVersion>> list_bucket(std::string_view bucket);

  // kInvalidComponent (nothing stored) unless `bytes` is a faas-exec component.
  Result<storage::ObjectVersion> upload(std::string_view bucket, std::string_view key,
                                        std::span<const uint8_t> bytes);
  Result<storage::Object> download(std::string_view bucket, std::string_view key,
                                   const std::optional<std::string>& version_id);
  // Hides the key, or with a version id deletes that version for good.
  Result<void> delete_file(std::string_view bucket, std::string_view key,
                           const std::optional<std::string>& version_id);
  Result<std::vector<storage::ObjectVersion>> versions(std::string_view bucket,
                                                       std::string_view key);

  Result<ExecResult> exec(std::string_view bucket, std::string_view key,
                          const std::optional<std::string>& version_id, std::string_view input);

 private:
  storage::ObjectStore& store_;
  const runtime::Engine& engine_;
  const FunctionServiceOptions options_;
  CompiledFunctionCache cache_;
};

}  // namespace wasmfaas::api
