#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wasmfaas::triggers {

// A new job id: 12 hex digits of the submission time in ms since the Unix
// epoch, 6 of a sequence number within that millisecond on this process,
// then 10 random hex digits (28 in all). Ids this process makes sort in the
// order it made them (across nodes: by millisecond), so the queue lists by
// id to list by time. Thread-safe.
std::string new_job_id(int64_t now_ms);

// Whether `text` has the form of a job id (a route refuses anything else
// with 404 before asking the database).
bool is_job_id(std::string_view text);

}  // namespace wasmfaas::triggers
