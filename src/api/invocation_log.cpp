#include "api/invocation_log.h"

#include <algorithm>

namespace wasmfaas::api {
namespace {

std::string function_name(std::string_view bucket, std::string_view key) {
  std::string name(bucket);
  name += '/';
  name += key;
  return name;
}

}  // namespace

void InvocationLog::record(std::string_view bucket, std::string_view key,
                           InvocationRecord record) {
  if (per_function_ == 0 || max_functions_ == 0) return;
  std::lock_guard lock(mutex_);
  const std::string name = function_name(bucket, key);
  auto it = functions_.find(name);
  if (it == functions_.end()) {
    if (functions_.size() >= max_functions_) {
      const auto stalest = std::min_element(
          functions_.begin(), functions_.end(), [](const auto& a, const auto& b) {
            return a.second.last_sequence < b.second.last_sequence;
          });
      functions_.erase(stalest);
    }
    it = functions_.emplace(name, FunctionRecords{}).first;
  }
  FunctionRecords& function = it->second;
  function.records.push_back(std::move(record));
  if (function.records.size() > per_function_) function.records.pop_front();
  function.last_sequence = ++sequence_;
}

std::vector<InvocationRecord> InvocationLog::recent(std::string_view bucket,
                                                    std::string_view key, size_t limit) const {
  std::lock_guard lock(mutex_);
  std::vector<InvocationRecord> result;
  const auto it = functions_.find(function_name(bucket, key));
  if (it == functions_.end()) return result;
  const auto& records = it->second.records;
  for (auto record = records.rbegin(); record != records.rend() && result.size() < limit;
       ++record) {
    result.push_back(*record);
  }
  return result;
}

}  // namespace wasmfaas::api
