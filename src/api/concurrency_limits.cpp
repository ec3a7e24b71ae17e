#include "api/concurrency_limits.h"

namespace wasmfaas::api {

std::optional<ConcurrencyLimits::Slot> ConcurrencyLimits::try_acquire(std::string_view function,
                                                                      uint32_t limit) {
  std::string name(function);
  {
    std::lock_guard lock(mutex_);
    uint32_t& count = running_[name];
    if (count >= limit) {
      if (count == 0) running_.erase(name);
      return std::nullopt;
    }
    ++count;
  }
  return std::optional<Slot>(std::in_place, *this, std::move(name));
}

uint32_t ConcurrencyLimits::running(std::string_view function) const {
  std::lock_guard lock(mutex_);
  const auto found = running_.find(std::string(function));
  return found == running_.end() ? 0 : found->second;
}

void ConcurrencyLimits::release(const std::string& function) {
  std::lock_guard lock(mutex_);
  const auto found = running_.find(function);
  if (found != running_.end() && --found->second == 0) running_.erase(found);
}

}  // namespace wasmfaas::api
