#pragma once

#include <nlohmann/json.hpp>

#include "state/job_queue.h"

namespace wasmfaas::triggers {

// The API's JSON of a job (GET /jobs/{id}); `with_payload` adds its input
// and output (left out of listings).
nlohmann::json job_json(const state::JobRecord& record, bool with_payload);

// An RFC 3339 time from milliseconds since the Unix epoch.
std::string time_json(int64_t unix_ms);

}  // namespace wasmfaas::triggers
