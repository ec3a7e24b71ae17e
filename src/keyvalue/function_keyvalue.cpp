#include "keyvalue/function_keyvalue.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

namespace wasmfaas::keyvalue {
namespace {

using Failure = runtime::KeyValueHost::Failure;

// How many stores one invocation may have open (each open adds one).
constexpr size_t kMaxOpenStores = 1024;

std::unexpected<Failure> other(std::string message) {
  return std::unexpected(Failure{Failure::Kind::kOther, std::move(message)});
}

// The service's result as the guest's outcome: the value, or `other` with
// the error's message.
template <typename T>
runtime::KeyValueHost::Outcome<T> outcome(Result<T> result) {
  if (!result) return other(std::move(result.error().message));
  if constexpr (std::is_void_v<T>) {
    return {};
  } else {
    return std::move(*result);
  }
}

}  // namespace

FunctionKeyValue::FunctionKeyValue(KeyValueService& service, std::string bucket,
                                   std::vector<std::string> granted)
    : service_(service), bucket_(std::move(bucket)), granted_(std::move(granted)) {}

runtime::KeyValueHost::Outcome<uint32_t> FunctionKeyValue::open(std::string_view name) {
  if (std::find(granted_.begin(), granted_.end(), name) == granted_.end()) {
    service_.record_denied(bucket_, "_ungranted", "open");
    return std::unexpected(Failure{Failure::Kind::kAccessDenied, {}});
  }
  if (opened_.size() >= kMaxOpenStores) {
    return other("more than " + std::to_string(kMaxOpenStores) + " stores opened by one call");
  }
  opened_.push_back(state::StoreRef{bucket_, std::string(name)});
  return static_cast<uint32_t>(opened_.size() - 1);
}

runtime::KeyValueHost::Outcome<const state::StoreRef*> FunctionKeyValue::store_of(
    uint32_t handle) const {
  if (handle >= opened_.size()) return other("unknown store handle");
  return &opened_[handle];
}

runtime::KeyValueHost::Outcome<std::optional<std::string>> FunctionKeyValue::get(
    uint32_t handle, std::string_view key) {
  auto store = store_of(handle);
  if (!store) return std::unexpected(store.error());
  return outcome(service_.get(**store, key));
}

runtime::KeyValueHost::Outcome<void> FunctionKeyValue::set(uint32_t handle, std::string_view key,
                                                           std::string_view value) {
  auto store = store_of(handle);
  if (!store) return std::unexpected(store.error());
  return outcome(service_.set(**store, key, value));
}

runtime::KeyValueHost::Outcome<void> FunctionKeyValue::remove(uint32_t handle,
                                                              std::string_view key) {
  auto store = store_of(handle);
  if (!store) return std::unexpected(store.error());
  return outcome(service_.remove(**store, key));
}

runtime::KeyValueHost::Outcome<bool> FunctionKeyValue::exists(uint32_t handle,
                                                              std::string_view key) {
  auto store = store_of(handle);
  if (!store) return std::unexpected(store.error());
  return outcome(service_.exists(**store, key));
}

runtime::KeyValueHost::Outcome<runtime::KeyValueHost::KeyPage> FunctionKeyValue::list_keys(
    uint32_t handle, const std::optional<std::string>& cursor) {
  auto store = store_of(handle);
  if (!store) return std::unexpected(store.error());
  auto page = service_.list_keys(**store, "", cursor, service_.limits().max_list_keys);
  if (!page) return other(std::move(page.error().message));
  return KeyPage{std::move(page->keys), std::move(page->next_cursor)};
}

runtime::KeyValueHost::Outcome<uint64_t> FunctionKeyValue::increment(uint32_t handle,
                                                                     std::string_view key,
                                                                     uint64_t delta) {
  auto store = store_of(handle);
  if (!store) return std::unexpected(store.error());
  if (delta > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return other("increment delta " + std::to_string(delta) + " is above 2^63-1");
  }
  auto value = service_.increment(**store, key, static_cast<int64_t>(delta));
  if (!value) return other(std::move(value.error().message));
  if (*value < 0) {
    return other("the counter '" + std::string(key) + "' is negative (" + std::to_string(*value) +
                 "), which wasi:keyvalue's u64 cannot carry");
  }
  return static_cast<uint64_t>(*value);
}

runtime::KeyValueHost::Outcome<std::vector<std::optional<std::string>>> FunctionKeyValue::get_many(
    uint32_t handle, const std::vector<std::string>& keys) {
  auto store = store_of(handle);
  if (!store) return std::unexpected(store.error());
  return outcome(service_.get_many(**store, keys));
}

runtime::KeyValueHost::Outcome<void> FunctionKeyValue::set_many(
    uint32_t handle, const std::vector<std::pair<std::string, std::string>>& entries) {
  auto store = store_of(handle);
  if (!store) return std::unexpected(store.error());
  return outcome(service_.set_many(**store, entries));
}

runtime::KeyValueHost::Outcome<void> FunctionKeyValue::remove_many(
    uint32_t handle, const std::vector<std::string>& keys) {
  auto store = store_of(handle);
  if (!store) return std::unexpected(store.error());
  return outcome(service_.remove_many(**store, keys));
}

}  // namespace wasmfaas::keyvalue
