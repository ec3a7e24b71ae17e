#include "api/function_aliases.h"

#include <algorithm>
#include <span>

#include "api/function_names.h"

namespace wasmfaas::api {

Result<std::vector<FunctionAlias>> FunctionAliases::read(std::string_view bucket,
                                                         std::string_view key) {
  auto object =
      store_.get_object(system_.name(), SystemBucket::aliases_key(bucket, key), std::nullopt);
  if (!object) {
    // No object, or no system bucket (deleted by hand): no aliases.
    if (object.error().code == ErrorCode::kNotFound) return std::vector<FunctionAlias>();
    return std::unexpected(object.error());
  }
  return parse_aliases(std::string_view(reinterpret_cast<const char*>(object->data.data()),
                                        object->data.size()));
}

Result<std::vector<FunctionAlias>> FunctionAliases::list(std::string_view bucket,
                                                         std::string_view key) {
  return checked_.get(function_name(bucket, key), [&] { return read(bucket, key); });
}

Result<FunctionAlias> FunctionAliases::find(std::string_view bucket, std::string_view key,
                                            std::string_view name) {
  auto aliases = list(bucket, key);
  if (!aliases) return std::unexpected(aliases.error());
  for (FunctionAlias& alias : *aliases) {
    if (alias.name == name) return std::move(alias);
  }
  return make_error(ErrorCode::kNotFound,
                    "function '" + std::string(key) + "' in bucket '" + std::string(bucket) +
                        "' has no alias '" + std::string(name) + "'",
                    reason::kAliasNotFound);
}

Result<void> FunctionAliases::update(std::string_view bucket, std::string_view key,
                                     const Change& change) {
  std::lock_guard write_lock(write_mutex_);
  auto aliases = read(bucket, key);
  if (!aliases) return std::unexpected(aliases.error());
  if (auto changed = change(*aliases); !changed) return changed;
  std::sort(aliases->begin(), aliases->end(),
            [](const FunctionAlias& a, const FunctionAlias& b) { return a.name < b.name; });
  const std::string object_key = SystemBucket::aliases_key(bucket, key);
  Result<void> stored;
  if (aliases->empty()) {
    stored = system_.remove(store_, object_key);
  } else {
    const std::string text = aliases_json(*aliases);
    auto put = system_.put(store_, object_key,
                           std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    if (!put) stored = std::unexpected(put.error());
  }
  // After the write: a node told earlier could read the old aliases again.
  forget(bucket, key);
  if (publisher_) publisher_(bucket, key);
  return stored;
}

Result<void> FunctionAliases::remove_bucket(std::string_view bucket) {
  checked_.forget_prefix(std::string(bucket) + "/");
  auto removed = system_.remove_all(store_, SystemBucket::aliases_prefix(bucket));
  if (!removed) return std::unexpected(removed.error());
  return {};
}

void FunctionAliases::forget(std::string_view bucket, std::string_view key) {
  checked_.forget(function_name(bucket, key));
}

void FunctionAliases::forget_all() { checked_.forget_all(); }

}  // namespace wasmfaas::api
