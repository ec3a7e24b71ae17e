#pragma once

#include <string>

#include "common/metrics.h"
#include "storage/object_store.h"

namespace wasmfaas::storage {

// An ObjectStore that forwards every call to another one and records its
// latency by backend, operation and result. Thread-safe when the wrapped
// store is.
class InstrumentedStore final : public ObjectStore {
 public:
  InstrumentedStore(ObjectStore& inner, std::string backend,
                    metrics::Family<metrics::Histogram>& latency)
      : inner_(inner), backend_(std::move(backend)), latency_(latency) {}

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

 private:
  template <typename Call>
  auto timed(const char* operation, Call call);

  ObjectStore& inner_;
  const std::string backend_;
  metrics::Family<metrics::Histogram>& latency_;
};

}  // namespace wasmfaas::storage
