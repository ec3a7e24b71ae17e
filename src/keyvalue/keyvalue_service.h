#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/metrics.h"
#include "keyvalue/keyvalue_limits.h"
#include "state/state_database.h"

namespace wasmfaas::keyvalue {

// The metric families KeyValueService records into (common/metric_names.h).
struct KeyValueMetrics {
  // Labels: bucket, store, operation, outcome (ok|invalid|limit|quota|denied|error).
  metrics::Family<metrics::Counter>* operations = nullptr;
  // Labels: backend, operation.
  metrics::Family<metrics::Histogram>* durations = nullptr;
};

// Key-value operations on a bucket's named stores, for functions (through
// FunctionKeyValue) and for the admin API: validates names, keys, values and
// batch sizes against the limits, applies the bucket quota, forwards to the
// state database and records metrics. Thread-safe.
class KeyValueService {
 public:
  KeyValueService(state::StateDatabase& database, KeyValueLimits limits, KeyValueMetrics metrics);

  const KeyValueLimits& limits() const { return limits_; }
  std::string_view backend() const { return database_.kind(); }

  Result<std::optional<std::string>> get(const state::StoreRef& store, std::string_view key);
  Result<void> set(const state::StoreRef& store, std::string_view key, std::string_view value);
  Result<void> remove(const state::StoreRef& store, std::string_view key);
  Result<bool> exists(const state::StoreRef& store, std::string_view key);
  // `limit` 0 or above the limits' max_list_keys: max_list_keys.
  Result<state::KeyPage> list_keys(const state::StoreRef& store, std::string_view prefix,
                                   const std::optional<std::string>& cursor, size_t limit);
  Result<int64_t> increment(const state::StoreRef& store, std::string_view key, int64_t delta);
  Result<std::vector<std::optional<std::string>>> get_many(const state::StoreRef& store,
                                                           const std::vector<std::string>& keys);
  Result<void> set_many(const state::StoreRef& store,
                        const std::vector<std::pair<std::string, std::string>>& entries);
  Result<void> remove_many(const state::StoreRef& store, const std::vector<std::string>& keys);
  Result<state::BucketUsage> usage(std::string_view bucket);
  Result<void> remove_bucket(std::string_view bucket);

  // Counts an operation refused before it reached a store (an ungranted open).
  void record_denied(std::string_view bucket, std::string_view store, std::string_view operation);

 private:
  template <typename Call>
  auto run(const state::StoreRef& store, std::string_view operation, Call call)
      -> decltype(call());
  Result<void> check_value(std::string_view value) const;
  Result<void> check_batch(size_t count) const;
  state::BucketQuota quota() const;

  state::StateDatabase& database_;
  const KeyValueLimits limits_;
  const KeyValueMetrics metrics_;
};

}  // namespace wasmfaas::keyvalue
