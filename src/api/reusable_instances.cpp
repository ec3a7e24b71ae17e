#include "api/reusable_instances.h"

namespace wasmfaas::api {

ReusableInstances::ReusableInstances(Limits limits, metrics::Gauge* idle)
    : limits_(limits), gauge_(idle) {}

ReusableInstances::~ReusableInstances() {
  if (gauge_) gauge_->set(0);
}

std::unique_ptr<FunctionInstance> ReusableInstances::take(const std::string& key) {
  std::list<Entry> expired;  // destroyed after the lock is released
  std::unique_ptr<FunctionInstance> taken;
  {
    std::lock_guard lock(mutex_);
    expire(Clock::now(), expired);
    for (auto entry = idle_.begin(); entry != idle_.end(); ++entry) {
      if (entry->key == key) {
        taken = std::move(entry->instance);
        idle_.erase(entry);
        break;
      }
    }
    update_gauge();
  }
  return taken;
}

void ReusableInstances::give_back(std::string key, std::unique_ptr<FunctionInstance> instance) {
  std::list<Entry> evicted;  // destroyed after the lock is released
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    expire(now, evicted);
    idle_.push_front(Entry{std::move(key), now, std::move(instance)});
    const std::string& added = idle_.front().key;
    size_t same_key = 0;
    for (auto entry = idle_.begin(); entry != idle_.end();) {
      const bool over_key = entry->key == added && ++same_key > limits_.max_idle_per_key;
      if (over_key) {
        evicted.splice(evicted.end(), idle_, entry++);
      } else {
        ++entry;
      }
    }
    while (idle_.size() > limits_.max_idle) evicted.splice(evicted.end(), idle_, --idle_.end());
    update_gauge();
  }
}

size_t ReusableInstances::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

void ReusableInstances::expire(Clock::time_point now, std::list<Entry>& expired) {
  // The oldest are at the back.
  while (!idle_.empty() && now - idle_.back().idle_since > limits_.max_idle_age) {
    expired.splice(expired.end(), idle_, --idle_.end());
  }
}

void ReusableInstances::update_gauge() {
  if (gauge_) gauge_->set(static_cast<int64_t>(idle_.size()));
}

std::string reuse_key(std::string_view bucket, std::string_view key, std::string_view version_id,
                      std::string_view config_json) {
  std::string joined;
  joined.reserve(bucket.size() + key.size() + version_id.size() + config_json.size() + 3);
  // NUL separates: none of the parts contains one.
  for (std::string_view part : {bucket, key, version_id}) {
    joined.append(part);
    joined.push_back('\0');
  }
  joined.append(config_json);
  return joined;
}

}  // namespace wasmfaas::api
