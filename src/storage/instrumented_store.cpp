#include "storage/instrumented_store.h"

#include <chrono>

namespace wasmfaas::storage {

template <typename Call>
auto InstrumentedStore::timed(const char* operation, Call call) {
  const auto started = std::chrono::steady_clock::now();
  auto result = call();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  latency_.with({backend_, operation, result ? "ok" : "error"}).observe(elapsed.count());
  return result;
}

Result<void> InstrumentedStore::create_bucket(std::string_view bucket) {
  return timed("create_bucket", [&] { return inner_.create_bucket(bucket); });
}

Result<void> InstrumentedStore::delete_bucket(std::string_view bucket) {
  return timed("delete_bucket", [&] { return inner_.delete_bucket(bucket); });
}

Result<bool> InstrumentedStore::bucket_exists(std::string_view bucket) {
  return timed("bucket_exists", [&] { return inner_.bucket_exists(bucket); });
}

Result<std::vector<std::string>> InstrumentedStore::list_buckets() {
  return timed("list_buckets", [&] { return inner_.list_buckets(); });
}

Result<std::vector<ObjectVersion>> InstrumentedStore::list_objects(std::string_view bucket) {
  return timed("list_objects", [&] { return inner_.list_objects(bucket); });
}

Result<ObjectVersion> InstrumentedStore::put_object(std::string_view bucket,
                                                    std::string_view key,
                                                    std::span<const uint8_t> data) {
  return timed("put_object", [&] { return inner_.put_object(bucket, key, data); });
}

Result<Object> InstrumentedStore::get_object(std::string_view bucket, std::string_view key,
                                             const std::optional<std::string>& version_id) {
  return timed("get_object", [&] { return inner_.get_object(bucket, key, version_id); });
}

Result<ObjectVersion> InstrumentedStore::head_object(
    std::string_view bucket, std::string_view key, const std::optional<std::string>& version_id) {
  return timed("head_object", [&] { return inner_.head_object(bucket, key, version_id); });
}

Result<void> InstrumentedStore::delete_object(std::string_view bucket, std::string_view key) {
  return timed("delete_object", [&] { return inner_.delete_object(bucket, key); });
}

Result<void> InstrumentedStore::delete_object_version(std::string_view bucket,
                                                      std::string_view key,
                                                      std::string_view version_id) {
  return timed("delete_object_version",
               [&] { return inner_.delete_object_version(bucket, key, version_id); });
}

Result<std::vector<ObjectVersion>> InstrumentedStore::list_versions(std::string_view bucket,
                                                                    std::string_view key) {
  return timed("list_versions", [&] { return inner_.list_versions(bucket, key); });
}

Result<std::vector<ObjectVersion>> InstrumentedStore::list_object_versions(
    std::string_view bucket, std::string_view prefix) {
  return timed("list_object_versions", [&] { return inner_.list_object_versions(bucket, prefix); });
}

}  // namespace wasmfaas::storage
