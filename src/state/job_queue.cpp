#include "state/job_queue.h"

#include <array>
#include <utility>

namespace wasmfaas::state {
namespace {

constexpr std::array<std::pair<JobStatus, std::string_view>, 6> kJobStatusNames = {{
    {JobStatus::kQueued, "queued"},
    {JobStatus::kRunning, "running"},
    {JobStatus::kSucceeded, "succeeded"},
    {JobStatus::kFailed, "failed"},
    {JobStatus::kDead, "dead"},
    {JobStatus::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<CallbackState, std::string_view>, 4> kCallbackStateNames = {{
    {CallbackState::kNone, "none"},
    {CallbackState::kPending, "pending"},
    {CallbackState::kDelivered, "delivered"},
    {CallbackState::kFailed, "failed"},
}};

template <typename Value, size_t Size>
std::string_view name_of(const std::array<std::pair<Value, std::string_view>, Size>& names,
                         Value value) {
  for (const auto& [known, name] : names) {
    if (known == value) return name;
  }
  return "unknown";
}

template <typename Value, size_t Size>
std::optional<Value> value_of(const std::array<std::pair<Value, std::string_view>, Size>& names,
                              std::string_view name) {
  for (const auto& [value, known] : names) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view job_status_name(JobStatus status) { return name_of(kJobStatusNames, status); }

std::optional<JobStatus> parse_job_status(std::string_view name) {
  return value_of(kJobStatusNames, name);
}

bool is_final(JobStatus status) {
  return status != JobStatus::kQueued && status != JobStatus::kRunning;
}

std::string_view callback_state_name(CallbackState state) {
  return name_of(kCallbackStateNames, state);
}

std::optional<CallbackState> parse_callback_state(std::string_view name) {
  return value_of(kCallbackStateNames, name);
}

}  // namespace wasmfaas::state
