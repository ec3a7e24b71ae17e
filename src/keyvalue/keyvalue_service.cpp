#include "keyvalue/keyvalue_service.h"

#include <chrono>
#include <string>

#include "keyvalue/keyvalue_names.h"

namespace wasmfaas::keyvalue {
namespace {

std::string_view outcome_of(const Error& error) {
  if (error.reason == reason::kKeyValueQuotaExceeded) return "quota";
  if (error.reason == reason::kKeyValueLimitExceeded) return "limit";
  if (error.code == ErrorCode::kInvalidArgument) return "invalid";
  return "error";
}

// The database reports a passed quota as kResourceExhausted; to callers it
// is kQuotaExceeded (HTTP 507), unlike a function's own resource limits.
template <typename T>
Result<T> with_quota_code(Result<T> result) {
  if (!result && result.error().reason == reason::kKeyValueQuotaExceeded) {
    result.error().code = ErrorCode::kQuotaExceeded;
  }
  return result;
}

}  // namespace

KeyValueService::KeyValueService(state::StateDatabase& database, KeyValueLimits limits,
                                 KeyValueMetrics metrics)
    : database_(database), limits_(limits), metrics_(metrics) {}

template <typename Call>
auto KeyValueService::run(const state::StoreRef& store, std::string_view operation, Call call)
    -> decltype(call()) {
  const auto started = std::chrono::steady_clock::now();
  auto result = [&]() -> decltype(call()) {
    if (auto valid = validate_store_name(store.store); !valid) {
      return std::unexpected(valid.error());
    }
    return call();
  }();
  if (metrics_.durations) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    metrics_.durations->with({std::string(database_.kind()), std::string(operation)})
        .observe(elapsed.count());
  }
  if (metrics_.operations) {
    const std::string_view outcome = result ? "ok" : outcome_of(result.error());
    metrics_.operations
        ->with({store.bucket, store.store, std::string(operation), std::string(outcome)})
        .add();
  }
  return result;
}

void KeyValueService::record_denied(std::string_view bucket, std::string_view store,
                                    std::string_view operation) {
  if (!metrics_.operations) return;
  metrics_.operations
      ->with({std::string(bucket), std::string(store), std::string(operation), "denied"})
      .add();
}

Result<void> KeyValueService::check_value(std::string_view value) const {
  if (value.size() > limits_.max_value_bytes) {
    return make_error(ErrorCode::kInvalidArgument,
                      "value of " + std::to_string(value.size()) + " bytes exceeds the limit of " +
                          std::to_string(limits_.max_value_bytes) + " bytes",
                      reason::kKeyValueLimitExceeded);
  }
  return {};
}

Result<void> KeyValueService::check_batch(size_t count) const {
  if (count > limits_.max_batch_keys) {
    return make_error(ErrorCode::kInvalidArgument,
                      "a batch of " + std::to_string(count) + " keys exceeds the limit of " +
                          std::to_string(limits_.max_batch_keys),
                      reason::kKeyValueLimitExceeded);
  }
  return {};
}

state::BucketQuota KeyValueService::quota() const {
  return state::BucketQuota{limits_.bucket_max_bytes, limits_.bucket_max_keys};
}

Result<std::optional<std::string>> KeyValueService::get(const state::StoreRef& store,
                                                        std::string_view key) {
  return run(store, "get", [&]() -> Result<std::optional<std::string>> {
    if (auto valid = validate_key(key, limits_); !valid) return std::unexpected(valid.error());
    return database_.get(store, key);
  });
}

Result<void> KeyValueService::set(const state::StoreRef& store, std::string_view key,
                                  std::string_view value) {
  return run(store, "set", [&]() -> Result<void> {
    if (auto valid = validate_key(key, limits_); !valid) return valid;
    if (auto valid = check_value(value); !valid) return valid;
    return with_quota_code(database_.set(store, key, value, quota()));
  });
}

Result<void> KeyValueService::remove(const state::StoreRef& store, std::string_view key) {
  return run(store, "delete", [&]() -> Result<void> {
    if (auto valid = validate_key(key, limits_); !valid) return valid;
    return database_.remove(store, key);
  });
}

Result<bool> KeyValueService::exists(const state::StoreRef& store, std::string_view key) {
  return run(store, "exists", [&]() -> Result<bool> {
    if (auto valid = validate_key(key, limits_); !valid) return std::unexpected(valid.error());
    return database_.exists(store, key);
  });
}

Result<state::KeyPage> KeyValueService::list_keys(const state::StoreRef& store,
                                                  std::string_view prefix,
                                                  const std::optional<std::string>& cursor,
                                                  size_t limit) {
  return run(store, "list_keys", [&]() -> Result<state::KeyPage> {
    if (prefix.size() > limits_.max_key_bytes) {
      return make_error(ErrorCode::kInvalidArgument, "the prefix is longer than any key can be",
                        reason::kKeyValueLimitExceeded);
    }
    if (cursor && cursor->size() > limits_.max_key_bytes) {
      return make_error(ErrorCode::kInvalidArgument, "bad cursor");
    }
    const size_t page = limit == 0 ? limits_.max_list_keys : std::min(limit, limits_.max_list_keys);
    return database_.list_keys(store, prefix, cursor, page);
  });
}

Result<int64_t> KeyValueService::increment(const state::StoreRef& store, std::string_view key,
                                           int64_t delta) {
  return run(store, "increment", [&]() -> Result<int64_t> {
    if (auto valid = validate_key(key, limits_); !valid) return std::unexpected(valid.error());
    return with_quota_code(database_.increment(store, key, delta, quota()));
  });
}

Result<std::vector<std::optional<std::string>>> KeyValueService::get_many(
    const state::StoreRef& store, const std::vector<std::string>& keys) {
  return run(store, "get_many", [&]() -> Result<std::vector<std::optional<std::string>>> {
    if (auto valid = check_batch(keys.size()); !valid) return std::unexpected(valid.error());
    for (const std::string& key : keys) {
      if (auto valid = validate_key(key, limits_); !valid) return std::unexpected(valid.error());
    }
    return database_.get_many(store, keys);
  });
}

Result<void> KeyValueService::set_many(
    const state::StoreRef& store, const std::vector<std::pair<std::string, std::string>>& entries) {
  return run(store, "set_many", [&]() -> Result<void> {
    if (auto valid = check_batch(entries.size()); !valid) return valid;
    for (const auto& [key, value] : entries) {
      if (auto valid = validate_key(key, limits_); !valid) return valid;
      if (auto valid = check_value(value); !valid) return valid;
    }
    return with_quota_code(database_.set_many(store, entries, quota()));
  });
}

Result<void> KeyValueService::remove_many(const state::StoreRef& store,
                                          const std::vector<std::string>& keys) {
  return run(store, "delete_many", [&]() -> Result<void> {
    if (auto valid = check_batch(keys.size()); !valid) return valid;
    for (const std::string& key : keys) {
      if (auto valid = validate_key(key, limits_); !valid) return valid;
    }
    return database_.remove_many(store, keys);
  });
}

Result<state::BucketUsage> KeyValueService::usage(std::string_view bucket) {
  return database_.usage(bucket);
}

Result<void> KeyValueService::remove_bucket(std::string_view bucket) {
  return database_.remove_bucket(bucket);
}

}  // namespace wasmfaas::keyvalue
