#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "storage/object_store.h"
#include "storage/s3/http_client.h"
#include "storage/s3/sigv4.h"

namespace wasmfaas::storage {

struct S3Config {
  std::string endpoint;  // e.g. http://127.0.0.1:9000 (scheme, host, port)
  std::string region = "us-east-1";
  s3::Credentials credentials;
  bool path_style = true;  // http://host/bucket/key; false: http://bucket.host/key
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{30000};
  int max_attempts = 4;  // for idempotent requests
};

// Reads AWS_ENDPOINT_URL, AWS_REGION (or AWS_DEFAULT_REGION),
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN into `config`
// where it has no value yet (an empty region becomes us-east-1 when neither
// variable names one): the environment never overrides a value already set.
void apply_aws_environment(S3Config& config);

// kInvalidArgument naming the missing or contradictory setting.
Result<void> validate(const S3Config& config);

// ObjectStore on any S3-compatible server (AWS S3, MinIO, RustFS,
// versitygw): SigV4-signed requests over pooled keep-alive connections,
// retries with jittered backoff for idempotent requests on 5xx, throttling
// and connection failures. Buckets it creates get versioning enabled, so
// versions behave as in LocalStore; a bucket made without it (by another
// tool) gets it at its first upload or create_bucket. Each version's SHA-256
// travels as user metadata (x-amz-meta-sha256). Thread-safe.
class S3Store final : public ObjectStore {
 public:
  static Result<std::unique_ptr<S3Store>> open(S3Config config);

  Result<void> create_bucket(std::string_view bucket) override;
  Result<void> delete_bucket(std::string_view bucket) override;
  Result<bool> bucket_exists(std::string_view bucket) override;
  Result<std::vector<std::string>> list_buckets() override;
  Result<std::vector<ObjectVersion>> list_objects(std::string_view bucket) override;
  Result<ObjectVersion> put_object(std::string_view bucket, std::string_view key,
                                   std::span<const uint8_t> data) override;
  Result<Object> get_object(std::string_view bucket, std::string_view key,
                            const std::optional<std::string>& version_id) override;
  Result<ObjectVersion> head_object(std::string_view bucket, std::string_view key,
                                    const std::optional<std::string>& version_id) override;
  Result<void> delete_object(std::string_view bucket, std::string_view key) override;
  Result<void> delete_object_version(std::string_view bucket, std::string_view key,
                                     std::string_view version_id) override;
  Result<std::vector<ObjectVersion>> list_versions(std::string_view bucket,
                                                   std::string_view key) override;
  Result<std::vector<ObjectVersion>> list_object_versions(std::string_view bucket,
                                                          std::string_view prefix) override;

  // Requests sent so far (for tests and benchmarks).
  uint64_t requests_sent() const { return requests_sent_.load(); }

 private:
  struct Call {
    std::string method;
    std::string bucket;
    std::string key;  // empty for bucket requests
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::span<const uint8_t> body;  // borrowed for the duration of send()
    bool idempotent = true;
  };

  explicit S3Store(S3Config config);
  Result<s3::HttpResponse> send(const Call& call);
  Result<s3::HttpResponse> send_once(const Call& call);
  // kStorageRejected, saying how to do it by hand, when the server refuses.
  Result<void> enable_versioning(std::string_view bucket);

  const S3Config config_;
  std::string scheme_;  // "http" or "https"
  std::string host_;    // host[:port]
  s3::HttpClient client_;
  std::atomic<uint64_t> requests_sent_{0};
};

}  // namespace wasmfaas::storage
